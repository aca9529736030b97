"""E-mail about requests, sent from the outbox written by the services."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Notification

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 10


def send_pending(event_id: int | None = None, limit: int = 500) -> int:
    """Send unsent notifications (of one event, or all), each once; returns how many went."""
    pending = Notification.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
    if event_id is not None:
        pending = pending.filter(event_id=event_id)
    sent = 0
    for notice_id in pending.order_by("created_at").values_list("pk", flat=True)[:limit]:
        sent += _send_one(notice_id)
    return sent


def _send_one(notice_id: int) -> int:
    with transaction.atomic():
        # Locked and re-checked, so two workers never send the same e-mail twice.
        notice = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("event__request", "event__actor", "recipient")
            .filter(pk=notice_id, sent_at__isnull=True)
            .first()
        )
        if notice is None:
            return 0
        notice.attempts += 1
        try:
            _deliver(notice)
        except Exception:
            logger.exception("Sending notification %s failed; it stays in the outbox", notice_id)
            notice.save(update_fields=["attempts"])
            return 0
        notice.sent_at = timezone.now()
        notice.save(update_fields=["attempts", "sent_at"])
        return 1


def _deliver(notice: Notification) -> None:
    event = notice.event
    request = event.request
    with translation.override(notice.recipient.language or settings.LANGUAGE_CODE):
        context = {
            "event": event,
            "request": request,
            "recipient": notice.recipient,
            "url": f"{settings.PORTAL_BASE_URL}/requests/{request.reference}/",
        }
        subject = render_to_string("requests_app/email/event_subject.txt", context).strip()
        body = render_to_string("requests_app/email/event_body.txt", context)
    send_mail(subject, body, None, [notice.recipient.email])
