"""Thin Celery tasks: fetch by id, call a service. Safe to retry (sent e-mail is marked)."""

from celery import shared_task

from bali_portal.broker import publish

from . import digest, notifications


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def send_event_notifications(event_id: int) -> int:
    return notifications.send_pending(event_id=event_id)


@shared_task
def send_pending_notifications() -> int:
    """Sweep of the outbox, after a window of events, whenever a worker connects to the
    broker, and periodically (beat): whatever is owed. A full batch that all went asks for the
    next sweep at once; sweeps running together claim different notices."""
    sent, more = notifications.send_batch()
    if more:
        publish(send_pending_notifications)
    return sent


# --- staff (issue 4) ---


@shared_task(bind=True, max_retries=5, default_retry_delay=15 * 60)
def send_overdue_digests(self) -> dict:
    """Daily (beat, 06:00 UTC): each holder's overdue digest and the coordinators' escalations.

    Safe to retry: what was sent today is recorded, and a retry sends only what failed.
    """
    report = digest.send_overdue_digests()
    if report.failed:
        raise self.retry()
    return {"day": report.day.isoformat(), "sent": report.sent, "already_sent": report.already_sent}
