"""Invitations to assess a completed request again, 6 and 12 months after completion (plan
§3(a)(v), §25; issue 18).

Beat runs ``invite_follow_ups`` daily. It first writes the invitations that have fallen due,
one row per request and window (``FollowUpInvitation``, unique): however often it runs, on
however many workers, a window is invited once. It then sends the unsent ones, each under its
row's lock (``SKIP LOCKED``: two workers never take the same one), marking it sent in the
transaction that sent it; a mail server's failure rolls the mark back and the next run sends
it. The invitation asks, it never holds anything up: nothing waits for the assessment.
"""

import calendar
import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from bali_portal.accounts.models import Role, User
from designations.selectors import current_designations
from requests_app.models import FOLLOW_UP_MONTHS, Request
from requests_app.workflow import State

from .models import FollowUpInvitation

logger = logging.getLogger(__name__)
# A window is invited while it is this recent: a request completed years before the portal
# began inviting is not asked about its 6-month follow-up now.
GRACE_MONTHS = 3
BATCH = 200


def months_before(moment: datetime, months: int) -> datetime:
    """The same moment ``months`` calendar months earlier (the 31st becomes the month's last
    day where the month is shorter)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _due(months: int, now: datetime):
    """Completed requests whose ``months`` window opened (recently) and has no invitation."""
    opened_by = months_before(now, months)
    return Request.objects.filter(
        state__in=(State.COMPLETED, State.CLOSED),
        completed_at__lte=opened_by,
        completed_at__gt=months_before(opened_by, GRACE_MONTHS),
    ).filter(
        ~Exists(FollowUpInvitation.objects.filter(request_id=OuterRef("pk"), months_after=months))
    )


def write_due_invitations(now: datetime | None = None) -> int:
    """Write the invitations that have fallen due; returns how many were new."""
    now = now or timezone.now()
    written = 0
    for months in FOLLOW_UP_MONTHS:
        ids = list(_due(months, now).values_list("pk", flat=True)[: BATCH * 10])
        created = FollowUpInvitation.objects.bulk_create(
            [FollowUpInvitation(request_id=pk, months_after=months) for pk in ids],
            ignore_conflicts=True,  # another worker wrote it meanwhile: the row is the same
        )
        written += len(created)
    return written


def recipients_of(request: Request):
    """The requester's focal points: the country's whose designation is in force, or the
    forum's."""
    in_force = current_designations().filter(
        account_id=OuterRef("pk"), country_id=OuterRef("country_id")
    )
    country = Q(role=Role.FOCAL_POINT, country_id=request.country_id) & Q(Exists(in_force))
    forum = Q(role=Role.FORUM_FOCAL_POINT, forum_id=request.forum_id)
    people = User.objects.filter(is_active=True)
    if request.forum_id:
        return people.filter(forum)
    return people.filter(country).order_by("pk")


def _message(invitation: FollowUpInvitation, person) -> EmailMessage:
    request = invitation.request
    with translation.override(person.language or settings.LANGUAGE_CODE):
        context = {
            "request": request,
            "recipient": person,
            "months": invitation.months_after,
            "url": f"{settings.PORTAL_BASE_URL}/requests/{request.reference}/",
        }
        subject = render_to_string("reporting/email/follow_up_subject.txt", context).strip()
        body = render_to_string("reporting/email/follow_up_body.txt", context)
    return EmailMessage(subject, body, None, [person.email])


def send_due_invitations(now: datetime | None = None) -> int:
    """Send the unsent invitations, each once; returns how many went."""
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        batch = list(
            FollowUpInvitation.objects.filter(sent_at__isnull=True)
            .select_related("request")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")[:BATCH]
        )
        if not batch:
            return 0
        with get_connection() as connection:
            for invitation in batch:
                people = list(recipients_of(invitation.request))
                connection.send_messages([_message(invitation, person) for person in people])
                invitation.sent_at = now
                invitation.recipients = len(people)
                sent += 1
        FollowUpInvitation.objects.bulk_update(batch, ["sent_at", "recipients"])
    return sent


def invite_follow_ups(now: datetime | None = None) -> dict:
    """Daily (beat): write what has fallen due, then send it."""
    written = write_due_invitations(now)
    sent = send_due_invitations(now)
    if written or sent:
        logger.info("Follow-up invitations: %s due, %s sent", written, sent)
    return {"written": written, "sent": sent}
