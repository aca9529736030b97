"""E-mail of the exchange, sent from the ``Mail`` outbox the services write.

A message is sent with the others of its group (same kind, person and ``group_key``) as one
e-mail, under the rows' locks taken in key order: two workers never send the same message
twice, and a failure leaves every row of the group for the periodic sweep.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Min
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bali_portal.broker import task_named

from .links import referral_url
from .matching import describe
from .models import Mail, MailKind

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 10
BATCH = 200


# --- After commit: hand the work to Celery (in-process without a broker) ----------------------


def _enqueue(task_name: str, *args) -> None:
    try:
        task_named(task_name).delay(*args)
    except Exception:
        # What is owed is committed: the periodic sweep (beat) sends it, so nothing is lost.
        logger.exception("Could not enqueue %s%r; the periodic sweep will do it", task_name, args)


def send_after_commit() -> None:
    _enqueue("exchange.tasks.send_pending_mail")


def offer_published(offer_id: int) -> None:
    _enqueue("exchange.tasks.tell_offices_of_offer", offer_id)


def request_routed(request_id: int) -> None:
    _enqueue("exchange.tasks.tell_providers_of_request", request_id)


# --- The sweep --------------------------------------------------------------------------------


def send_pending(limit: int = BATCH) -> int:
    """Send what the outbox owes (``limit`` groups at most); returns how many messages went."""
    groups = (
        Mail.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .values("kind", "recipient_email", "group_key")
        .annotate(first=Min("pk"))
        .order_by("first")[:limit]
    )
    return sum(_send_group(group) for group in list(groups))


def _send_group(group: dict) -> int:
    with transaction.atomic():
        # Locked in key order and re-read: a second worker waits here, then finds them sent.
        rows = list(
            Mail.objects.select_for_update(of=("self",))
            .select_related(
                "referral__organization",
                "referral__request__country",
                "referral__request__regional_office",
                "notice__request__country",
                "notice__request__regional_office",
                "notice__offer__provider_country",
                "notice__offer__provider_organization",
                "notice__solution__provider",
                "proposal__centre",
                "proposal__request",
            )
            .filter(
                kind=group["kind"],
                recipient_email=group["recipient_email"],
                group_key=group["group_key"],
                sent_at__isnull=True,
                attempts__lt=MAX_ATTEMPTS,
            )
            .order_by("pk")
        )
        if not rows:
            return 0
        for row in rows:
            row.attempts += 1
        try:
            _deliver(rows)
        except Exception:
            logger.exception("Sending %s to %s failed; it stays in the outbox", group["kind"],
                             group["recipient_email"])  # fmt: skip
            Mail.objects.bulk_update(rows, ["attempts"])
            return 0
        now = timezone.now()
        for row in rows:
            row.sent_at = now
        Mail.objects.bulk_update(rows, ["attempts", "sent_at"])
        return len(rows)


# --- What each kind of e-mail says ------------------------------------------------------------


def _portal(path: str) -> str:
    return f"{settings.PORTAL_BASE_URL}{path}"


def _request_url(request) -> str:
    return _portal(reverse("requests_app:detail", args=[request.reference]))


# The e-mail to the partner carries its signed link (fresh in each one); nobody else's does.
TO_THE_PARTNER = (
    MailKind.REFERRAL_INVITATION,
    MailKind.REFERRAL_REMINDER,
    MailKind.REFERRAL_LINK,
)


def _referral_context(rows) -> dict:
    referral = rows[0].referral
    context = {
        "referral": referral,
        "request": referral.request,
        "shared": referral.request.share_with_partners,
        "request_url": _request_url(referral.request),
    }
    if rows[0].kind in TO_THE_PARTNER:
        context["link"] = referral_url(referral)
        context["max_age_days"] = settings.REFERRAL_LINK_MAX_AGE_DAYS
    return context


def _matches_for_office(rows) -> dict:
    offer = rows[0].notice.offer
    return {
        "offer": offer,
        "offer_url": _portal(offer.get_absolute_url()),
        "matches": [
            {
                "request": row.notice.request,
                "url": _request_url(row.notice.request),
                "reasons": describe(row.notice.why),
            }
            for row in rows
        ],
    }


def _matches_for_provider(rows) -> dict:
    request = rows[0].notice.request
    matches = []
    for row in rows:
        candidate = row.notice.offer or row.notice.solution
        matches.append(
            {
                "title": str(candidate),
                "url": _portal(candidate.get_absolute_url()),
                "reasons": describe(row.notice.why),
            }
        )
    return {
        "request": request,
        "shared": request.share_with_partners,
        "request_url": _request_url(request),
        "matches": matches,
    }


def _proposal_context(rows) -> dict:
    proposal = rows[0].proposal
    return {
        "proposal": proposal,
        "request": proposal.request,
        "request_url": _request_url(proposal.request),
    }


CONTEXTS = {
    MailKind.REFERRAL_INVITATION: _referral_context,
    MailKind.REFERRAL_REMINDER: _referral_context,
    MailKind.REFERRAL_LINK: _referral_context,
    MailKind.REFERRAL_ANSWERED: _referral_context,
    MailKind.MATCH_FOR_OFFICE: _matches_for_office,
    MailKind.MATCH_FOR_PROVIDER: _matches_for_provider,
    MailKind.PROPOSAL_RECEIVED: _proposal_context,
    MailKind.PROPOSAL_DECIDED: _proposal_context,
}


def _subject(kind: str, context: dict) -> str:
    if kind in TO_THE_PARTNER:
        return _("A request for technical support referred to %(organization)s") % {
            "organization": context["referral"].organization.label
        }
    if kind == MailKind.REFERRAL_ANSWERED:
        return _("[%(reference)s] The partner's answer: %(status)s") % {
            "reference": context["request"].reference,
            "status": context["referral"].get_status_display(),
        }
    if kind == MailKind.MATCH_FOR_OFFICE:
        return _("An offer matches open requests of your region: %(title)s") % {
            "title": context["offer"].title
        }
    if kind == MailKind.MATCH_FOR_PROVIDER:
        return _("A country's need matches what you offer")
    return _("[%(reference)s] Help proposed by %(centre)s") % {
        "reference": context["request"].reference,
        "centre": context["proposal"].centre.label,
    }


def _deliver(rows: list[Mail]) -> None:
    kind = rows[0].kind
    with translation.override(rows[0].language or settings.LANGUAGE_CODE):
        context = {"kind": kind, **CONTEXTS[kind](rows)}
        subject = " ".join(_subject(kind, context).split())
        body = render_to_string(f"exchange/email/{kind}.txt", context)
    send_mail(subject, body, None, [rows[0].recipient_email])
