"""Thin Celery tasks: fetch by id, call a service. Safe to retry: a link sent is recorded."""

from celery import shared_task

from . import services


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def send_set_password_link(designation_id: int) -> bool:
    return services.send_set_password_link(designation_id)
