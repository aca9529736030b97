"""Every write of the reporting app: starting a run, producing it, recording a failure.

Producing a run is safe to repeat, which is what makes Celery's redelivery safe: a worker killed
mid-run leaves its message unacknowledged (``acks_late``), the broker hands it to another
worker, and that worker

- takes a PostgreSQL advisory lock on the run for the whole production, so two workers never
  produce the same run at once (the lock dies with a killed worker's connection);
- locks the run's row, and does nothing if the run is already done;
- reuses the figures if an earlier attempt had already taken them, so the run's numbers never
  change once taken;
- writes each file under a temporary name, and renames the three into place only in the final
  transaction, under the row lock; file names are fixed per run, so a retry overwrites and a
  run never has two sets of files, and the leftovers of a killed attempt are removed.
"""

import logging
import os
import time
import uuid
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerUnavailable

from . import aggregation, document
from .models import FILE_KINDS, FIRST_YEAR, ReportRun
from .selectors import can_start_runs

logger = logging.getLogger(__name__)

# Progress: the figures take the first 60 points (one step per section), the files the rest;
# the quick files first, the PDF (most of the work) last.
FIGURES_DONE = 60
CSV_DONE = 65
XLSX_DONE = 75
PDF_DONE = 98
# The namespace of the run locks among PostgreSQL advisory locks ("BALI").
LOCK_NAMESPACE = 0x42414C49
PARTIAL_SUFFIX = ".part"


class ReportError(Exception):
    """A run cannot be started as asked; the message says why."""

    def __init__(self, message, errors: dict | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.errors = errors or {}


# --- Starting a run --------------------------------------------------------------------------


def latest_reportable_year() -> int:
    # The current year can be reported on too (year to date); the future cannot.
    return timezone.now().year


def validate_run_input(*, year, language) -> tuple[int, str]:
    errors = {}
    try:
        year = int(year)
    except (TypeError, ValueError):
        errors["year"] = _("Enter a year, e.g. %(year)s.") % {"year": latest_reportable_year() - 1}
    else:
        if not FIRST_YEAR <= year <= latest_reportable_year():
            errors["year"] = _("Choose a year from %(first)s to %(last)s.") % {
                "first": FIRST_YEAR,
                "last": latest_reportable_year(),
            }
    language = language or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        errors["language"] = _("Choose one of: %(languages)s.") % {
            "languages": ", ".join(code for code, _name in settings.LANGUAGES)
        }
    if errors:
        raise ReportError(_("Some fields are missing or not valid."), errors)
    return year, language


def _enqueue(run_id: int) -> None:
    from .tasks import generate_annual_report

    try:
        generate_annual_report.delay(run_id)
    except BrokerUnavailable as error:
        # The run is committed; say why nothing happens rather than leave it queued forever.
        logger.exception("Could not enqueue report run %s", run_id)
        ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.QUEUED).update(
            status=ReportRun.Status.FAILED,
            finished_at=timezone.now(),
            error=f"The task queue could not be reached: {error}",
        )


@transaction.atomic
def start_report_run(*, actor, year, language=None) -> ReportRun:
    """The coordinator asks for the report of a year; a worker produces it after commit."""
    if not can_start_runs(actor):
        raise PermissionDenied(_("Only the BSP coordinator can start an annual report."))
    year, language = validate_run_input(year=year, language=language)
    run = ReportRun.objects.create(
        year=year, language=language, requested_by=actor, origin=ReportRun.Origin.PERSON
    )
    transaction.on_commit(partial(_enqueue, run.pk))
    return run


def start_scheduled_run(*, year: int, language: str | None = None) -> tuple[ReportRun, bool]:
    """The January run for the past year; a second call for the same year changes nothing."""
    year, language = validate_run_input(year=year, language=language)
    try:
        with transaction.atomic():
            run, created = ReportRun.objects.get_or_create(
                year=year, language=language, origin=ReportRun.Origin.SCHEDULE
            )
            if created:
                transaction.on_commit(partial(_enqueue, run.pk))
    except IntegrityError:  # another beat process created it at the same moment
        return ReportRun.objects.get(
            year=year, language=language, origin=ReportRun.Origin.SCHEDULE
        ), False
    return run, created


def create_command_run(*, year, language=None) -> ReportRun:
    """A run started from ``generate_annual_report``: produced at once, in that process."""
    year, language = validate_run_input(year=year, language=language)
    return ReportRun.objects.create(year=year, language=language, origin=ReportRun.Origin.COMMAND)


# --- Files -----------------------------------------------------------------------------------


def stored_name(run: ReportRun, kind: str) -> str:
    """Where a run's file lives under MEDIA_ROOT: fixed per run, so a retry overwrites it."""
    suffix = {"pdf": "", "xlsx": "-annex", "csv": "-headline-figures"}[kind]
    return f"reports/{run.pk}/annual-report-{run.year}-{run.language}{suffix}.{kind}"


def download_name(run: ReportRun, kind: str) -> str:
    return Path(stored_name(run, kind)).name


def _path(name: str) -> Path:
    # Generated files are renamed into place, which needs a file system (FileSystemStorage).
    return Path(default_storage.path(name))


def _remove_partial_files(run: ReportRun) -> None:
    directory = _path(f"reports/{run.pk}")
    if directory.is_dir():
        for leftover in directory.glob(f"*{PARTIAL_SUFFIX}"):
            leftover.unlink(missing_ok=True)


# --- Producing a run -------------------------------------------------------------------------


@contextmanager
def _exclusive(run_id: int):
    """Hold the run's advisory lock while producing it; yields whether it was obtained.

    PostgreSQL releases the lock when the holder's connection ends, so a crashed worker never
    blocks the retry. SQLite (the embedded default) runs tasks in-process, one at a time.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    key = (LOCK_NAMESPACE, run_id % 2**31)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
            except DatabaseError:  # the connection is gone, and the lock with it
                logger.warning("Could not release the lock of report run %s", run_id)


def _claim(run_id: int) -> ReportRun:
    """Mark the run as running (a new attempt), unless it is done already."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run_id)
        if run.status == ReportRun.Status.DONE:
            return run
        run.status = ReportRun.Status.RUNNING
        run.attempts += 1
        run.started_at = run.started_at or timezone.now()
        run.finished_at = None
        run.progress = FIGURES_DONE if run.snapshot is not None else 0
        run.save(update_fields=["status", "attempts", "started_at", "finished_at", "progress"])
    return run


def _advance(run_id: int, progress: int) -> None:
    ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.RUNNING).update(progress=progress)
    # Only a test sets this (tests/reporting/worker_settings.py), to have time to kill a worker
    # in the middle of a run; production leaves it at 0.
    delay = getattr(settings, "REPORTING_STEP_DELAY_SECONDS", 0)
    if delay:
        time.sleep(delay)


def _take_figures(run: ReportRun) -> dict:
    """Compute the figures once; a later attempt of the same run reuses them."""
    if run.snapshot is not None:
        return run.snapshot
    steps = len(aggregation.SECTIONS)

    def on_section(index, _key):
        _advance(run.pk, round(FIGURES_DONE * (index + 1) / (steps + 1)))

    with translation.override(run.language):
        snapshot = aggregation.compute_snapshot(run.year, timezone.now(), on_section=on_section)
    snapshot["language"] = run.language
    ReportRun.objects.filter(pk=run.pk).update(snapshot=snapshot, progress=FIGURES_DONE)
    run.snapshot = snapshot
    return snapshot


def _render_files(run: ReportRun, snapshot: dict) -> dict[str, Path]:
    """Render the three files under temporary names; returns kind -> temporary path."""
    # Imported here: only the processes that render load WeasyPrint, matplotlib and openpyxl.
    from . import annex
    from .render.headline_csv import render_csv
    from .render.pdf import render_pdf
    from .render.xlsx import render_xlsx

    report = document.build(snapshot, run.language)
    period = aggregation.Period(year=run.year, as_of=datetime.fromisoformat(snapshot["as_of"]))
    token = uuid.uuid4().hex[:12]
    partial_paths = {
        kind: _path(f"{stored_name(run, kind)}.{token}{PARTIAL_SUFFIX}") for kind in FILE_KINDS
    }
    partial_paths["pdf"].parent.mkdir(parents=True, exist_ok=True)
    render_csv(report, partial_paths["csv"])
    _advance(run.pk, CSV_DONE)
    with translation.override(run.language):
        render_xlsx(report, partial_paths["xlsx"], annex.annexes(period))
    _advance(run.pk, XLSX_DONE)
    render_pdf(report, partial_paths["pdf"])
    _advance(run.pk, PDF_DONE)
    return partial_paths


def _finish(run_id: int, partial_paths: dict[str, Path]) -> ReportRun:
    """Put the files in place and mark the run done, in one transaction under the row lock."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run_id)
        if run.status == ReportRun.Status.DONE:
            return run  # finished by another attempt meanwhile: keep its files
        for kind, partial_path in partial_paths.items():
            name = stored_name(run, kind)
            os.replace(partial_path, _path(name))  # atomic on one file system
            run.file_for(kind).name = name
        run.status = ReportRun.Status.DONE
        run.progress = 100
        run.error = ""
        run.finished_at = timezone.now()
        run.save()
    return run


def produce_report(run_id: int) -> ReportRun:
    """Produce a run's figures and files; safe to call again for the same run at any time."""
    with _exclusive(run_id) as acquired:
        if not acquired:
            logger.info("Report run %s is being produced by another worker", run_id)
            return ReportRun.objects.get(pk=run_id)
        run = _claim(run_id)
        if run.status == ReportRun.Status.DONE:
            return run
        _remove_partial_files(run)  # what an attempt killed mid-way left behind
        partial_paths = {}
        try:
            snapshot = _take_figures(run)
            partial_paths = _render_files(run, snapshot)
            return _finish(run_id, partial_paths)
        finally:
            for partial_path in partial_paths.values():
                partial_path.unlink(missing_ok=True)


def retry_delay(retries: int) -> int:
    """Backoff between attempts after a failure: 1, 2, 4... times the base delay."""
    return getattr(settings, "REPORTING_RETRY_DELAY_SECONDS", 60) * 2**retries


def record_failure(run_id: int, error: BaseException, *, final: bool) -> None:
    """An attempt failed: back to the queue for a retry, or failed for good with the reason."""
    reason = f"{type(error).__name__}: {error}"[:2000]
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status == ReportRun.Status.DONE:
            return
        run.status = ReportRun.Status.FAILED if final else ReportRun.Status.QUEUED
        run.error = reason
        run.finished_at = timezone.now() if final else None
        run.save(update_fields=["status", "error", "finished_at"])
    _remove_partial_files(run)
