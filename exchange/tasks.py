"""Thin Celery tasks: call a service. Safe to retry: what was told or sent is recorded."""

from celery import shared_task

from . import mail, services


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def send_pending_mail() -> int:
    """The outbox: after each service that owes e-mail, and periodically (beat)."""
    return mail.send_pending()


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def tell_offices_of_offer(offer_id: int) -> int:
    return services.tell_offices_of_offer(offer_id)


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def tell_providers_of_request(request_id: int) -> int:
    return services.tell_providers_of_request(request_id)


@shared_task
def remind_unanswered_referrals() -> int:
    """Daily (beat): partners silent for two weeks are reminded, once."""
    return services.remind_unanswered_referrals()
