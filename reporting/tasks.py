"""Thin Celery tasks of the annual report: fetch by id, call a service.

``generate_annual_report`` is safe to run twice for the same run (``services.produce_report``
explains how), which is what a redelivery after a killed worker (``acks_late``,
``reject_on_worker_lost``) or a retry does.
"""

import logging

from celery import shared_task
from django.utils import timezone

from . import follow_ups, services, statistics
from .models import ReportRun

logger = logging.getLogger(__name__)

MAX_RETRIES = services.MAX_ATTEMPTS - 1


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True, reject_on_worker_lost=True)
def generate_annual_report(self, run_id: int) -> str:
    retries = self.request.retries
    while True:
        try:
            run = services.produce_report(run_id)
        except ReportRun.DoesNotExist:
            logger.warning("Report run %s no longer exists", run_id)
            return "missing"
        except Exception as error:
            final = retries >= self.max_retries
            countdown = 0 if self.request.is_eager else services.retry_delay(retries)
            services.record_failure(run_id, error, final=final, retry_in=countdown)
            if final:
                logger.exception("Report run %s failed after %s attempts", run_id, retries + 1)
                return ReportRun.Status.FAILED
            if self.request.is_eager:
                # Run in-process (the embedded default): no worker will come back later, so
                # try again now rather than raise out of the page that asked.
                retries += 1
                continue
            raise self.retry(exc=error, countdown=countdown) from error
        return run.status


@shared_task
def retry_abandoned_runs() -> list[int]:
    """Every 30 seconds (Celery beat): queue again the runs whose producer is gone."""
    return services.retry_abandoned_runs()


@shared_task
def start_annual_report_for_past_year() -> int:
    """Each January (Celery beat): the report of the year that has just ended."""
    run, _created = services.start_scheduled_run(year=timezone.now().year - 1)
    return run.pk


@shared_task(ignore_result=True)
def refresh_public_statistics() -> bool:
    """Every 5 minutes (Celery beat): compute the public figures and store them, so that no
    reader of ``/dashboard/`` or ``GET /api/v1/statistics/`` ever waits for them.
    ``False`` when another process was computing them already."""
    return statistics.refresh_figures() is not None


@shared_task
def invite_follow_ups() -> dict:
    """Daily (beat): invite the focal points to assess completed requests again, 6 and 12
    months on (``follow_ups``); each request and window once."""
    return follow_ups.invite_follow_ups()
