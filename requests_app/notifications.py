"""E-mail about requests, sent from the outbox written by the services."""

import logging
import time

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Notification

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 10


BATCH = 500

# With a broker, the e-mail owed by the events of a short window is sent by one task, not one
# task per event: publishing a task costs more than writing the event itself.
SWEEP_SCHEDULED_KEY = "notifications:sweep-scheduled"
SWEEP_WINDOW_SECONDS = 2

# Until when (this process's monotonic clock) a sweep this process scheduled is still ahead
# of every event committed here: events until then need not ask the cache.
_own_sweep_window_ends = 0.0


def send_pending(event_id: int | None = None, limit: int | None = None) -> int:
    """Send unsent notifications (of one event, or all), each once; returns how many went."""
    return send_batch(event_id, limit)[0]


def send_batch(event_id: int | None = None, limit: int | None = None) -> tuple[int, bool]:
    """Like ``send_pending`` (``BATCH`` at most); also says whether to go on at once: the
    batch was full and all of it went. After a failure the next try waits for the periodic
    sweep, so that a mail server's outage does not use up every notice's attempts at once."""
    limit = limit or BATCH
    pending = Notification.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
    if event_id is not None:
        pending = pending.filter(event_id=event_id)
    batch = list(pending.order_by("created_at").values_list("pk", flat=True)[:limit])
    sent = sum(_send_one(notice_id) for notice_id in batch)
    return sent, len(batch) == limit and sent == len(batch)


def notify_after_commit(event_id: int) -> None:
    """Have the e-mail owed by a committed event sent (``transaction.on_commit``).

    In-process (no broker) it is sent at once. With a broker, the first event of a window
    schedules a sweep of the outbox for after the window (one ``cache.add``, and one task
    per window however many events); the events after it find the sweep scheduled. A sweep
    starts after its window has closed, so it sees every event that found it scheduled.
    """
    global _own_sweep_window_ends
    from . import tasks

    try:
        if current_app.conf.task_always_eager:
            tasks.send_event_notifications.delay(event_id)
        elif time.monotonic() < _own_sweep_window_ends:
            return  # within the window of the sweep this process scheduled
        elif cache.add(SWEEP_SCHEDULED_KEY, event_id, timeout=SWEEP_WINDOW_SECONDS):
            # A second more than the window: clocks of the worker and of Redis may differ.
            tasks.send_pending_notifications.apply_async(countdown=SWEEP_WINDOW_SECONDS + 1)
            # Measured after the key was set, so this window ends after the key's.
            _own_sweep_window_ends = time.monotonic() + SWEEP_WINDOW_SECONDS
    except Exception:
        # The request and its event are committed; the outbox keeps the e-mail for the
        # periodic sweep, so a broker outage loses nothing.
        logger.exception("Could not enqueue notifications of event %s; will retry", event_id)


def forget_own_sweep() -> None:
    """As if this process had scheduled no sweep (for tests, which empty the cache)."""
    global _own_sweep_window_ends
    _own_sweep_window_ends = 0.0


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
