"""Thin Celery tasks: fetch by id, call a service. Safe to retry (sent e-mail is marked)."""

from celery import shared_task

from . import notifications


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def send_event_notifications(event_id: int) -> int:
    return notifications.send_pending(event_id=event_id)


@shared_task
def send_pending_notifications() -> int:
    """Periodic sweep of the outbox: whatever could not be sent or enqueued before."""
    return notifications.send_pending()
