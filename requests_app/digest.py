"""The daily SLA digest: each holder hears what of theirs is overdue; what is twice overdue is
escalated to the BSP coordinator (issue 4, "Service levels"; plan §31(b, f)).

Who holds an overdue request:
- routed to a division (waiting for its acceptance): the lead division's staff;
- otherwise the regional officer it is assigned to, or, while nobody is, all staff of the
  office (a submitted request nobody has acknowledged yet belongs to the whole office);
- when nobody active holds it at all, the coordinators, so that it is never silently dropped.

Each (day, person, kind) is recorded in ``DigestRun`` before it is sent and marked sent after,
under a row lock, so running the job twice on a day (a retry, a second beat) sends nothing new.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Case, When
from django.template.loader import render_to_string
from django.utils import timezone, translation

from bali_portal.accounts.models import Role, User

from .models import DigestRun, Request
from .sla import overdue_q, twice_overdue_q
from .workflow import State

logger = logging.getLogger(__name__)


@dataclass
class OverdueItem:
    request: Request
    days_overdue: int
    twice: bool
    holder: str

    @property
    def url(self) -> str:
        return f"{settings.PORTAL_BASE_URL}/requests/{self.request.reference}/"


@dataclass
class DigestReport:
    """What one run did: how many e-mails went out and how many were already sent that day."""

    day: date
    sent: int = 0
    already_sent: int = 0
    failed: int = 0
    recipients: list[str] = field(default_factory=list)


def _overdue(now: datetime) -> list[Request]:
    return list(
        Request.objects.filter(overdue_q(now))
        .annotate(twice=Case(When(twice_overdue_q(now), then=True), default=False))
        .select_related("country", "forum", "regional_office", "assignee", "lead_division")
        .order_by("due_at", "pk")
    )


def _staff_by_scope() -> tuple[dict, dict, list]:
    """Active staff of every office and division, and the coordinators: three queries."""
    offices, divisions = defaultdict(list), defaultdict(list)
    staff = User.objects.filter(
        is_active=True, role__in=[Role.REGIONAL_STAFF, Role.DIVISION_STAFF]
    ).order_by("pk")
    for user in staff:
        if user.role == Role.REGIONAL_STAFF:
            offices[user.regional_office_id].append(user)
        else:
            divisions[user.division_id].append(user)
    coordinators = list(User.objects.filter(is_active=True, role=Role.COORDINATOR).order_by("pk"))
    return offices, divisions, coordinators


def holders_of(request: Request, offices: dict, divisions: dict) -> list[User]:
    if request.state == State.ROUTED:
        return divisions.get(request.lead_division_id, [])
    if request.assignee_id and request.assignee.is_active:
        return [request.assignee]
    return offices.get(request.regional_office_id, [])


def _holder_label(request: Request, holders: list[User]) -> str:
    unit = request.lead_division if request.state == State.ROUTED else request.regional_office
    names = ", ".join(str(user) for user in holders)
    return f"{unit.code} ({names})" if names else unit.code


def plan_digests(now: datetime) -> tuple[dict, dict]:
    """Who gets what today: ``({user: [items]}, {coordinator: [items]})``."""
    offices, divisions, coordinators = _staff_by_scope()
    digests: dict[User, list[OverdueItem]] = defaultdict(list)
    escalations: dict[User, list[OverdueItem]] = defaultdict(list)
    for request in _overdue(now):
        holders = holders_of(request, offices, divisions)
        item = OverdueItem(
            request=request,
            days_overdue=max((now - request.due_at).days, 0),
            twice=request.twice,
            holder=_holder_label(request, holders),
        )
        for user in holders or coordinators:
            digests[user].append(item)
        if request.twice:
            for user in coordinators:
                escalations[user].append(item)
    return digests, escalations


def send_overdue_digests(*, now: datetime | None = None) -> DigestReport:
    """Send today's digests and escalations, each person once a day whatever the retries."""
    now = now or timezone.now()
    report = DigestReport(day=timezone.localdate(now))
    digests, escalations = plan_digests(now)
    for kind, planned in (
        (DigestRun.Kind.DIGEST, digests),
        (DigestRun.Kind.ESCALATION, escalations),
    ):
        for user, items in planned.items():
            outcome = _send_once(report.day, user, kind, items, now)
            setattr(report, outcome, getattr(report, outcome) + 1)
            if outcome == "sent":
                report.recipients.append(user.email)
    logger.info(
        "Overdue digests of %s: %s sent, %s already sent, %s failed",
        report.day, report.sent, report.already_sent, report.failed,
    )  # fmt: skip
    return report


def _send_once(day: date, user: User, kind: str, items: list[OverdueItem], now: datetime) -> str:
    references = [item.request.reference for item in items]
    try:
        with transaction.atomic():
            DigestRun.objects.get_or_create(
                day=day, recipient=user, kind=kind, defaults={"references": references}
            )
    except IntegrityError:
        pass  # another worker recorded it first; the lock below decides who sends
    with transaction.atomic():
        run = DigestRun.objects.select_for_update().get(day=day, recipient=user, kind=kind)
        if run.sent_at is not None:
            return "already_sent"
        try:
            _deliver(user, kind, items, now)
        except Exception:
            # Unsent, the row lets the retry of the task send it; nothing was sent twice.
            logger.exception("Sending the %s of %s to %s failed", kind, day, user.pk)
            return "failed"
        run.references = references
        run.sent_at = now
        run.save(update_fields=["references", "sent_at"])
    return "sent"


def _deliver(user: User, kind: str, items: list[OverdueItem], now: datetime) -> None:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "recipient": user,
            "items": items,
            "count": len(items),
            "escalation": kind == DigestRun.Kind.ESCALATION,
            "queue_url": f"{settings.PORTAL_BASE_URL}/requests/queue/?overdue=true",
            "day": timezone.localdate(now),
        }
        subject = render_to_string("requests_app/email/digest_subject.txt", context).strip()
        body = render_to_string("requests_app/email/digest_body.txt", context)
    send_mail(subject, body, None, [user.email])
