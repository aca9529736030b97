"""Every write of the reporting app: starting a run, producing it, recording a failure.

Producing a run is safe to repeat, which is what makes Celery's redelivery safe: a worker killed
mid-run leaves its message unacknowledged (``acks_late``), the broker hands it to another
worker, and that worker

- takes a PostgreSQL advisory lock on the run for the whole production, so two workers never
  produce the same run at once (the lock dies with a killed worker's connection);
- locks the run's row, and does nothing if the run is already done;
- reuses the figures if an earlier attempt had already taken them, so the run's numbers never
  change once taken;
- writes each file under a temporary name, and puts the three in place only in the final
  transaction, under the row lock (renamed on a local disk, one upload each to an object store:
  either way a file appears whole or not at all); file names are fixed per run, so a retry
  overwrites and a run never has two sets of files, and the leftovers of a killed attempt are
  removed.

A worker killed with the whole machine leaves its message with the broker for an hour (the
visibility timeout). The run does not wait for it: it holds a *lease*, set when it is queued
(the time by which a worker must have started it) and renewed at every step of the work; beat
runs ``retry_abandoned_runs`` every 30 seconds, which queues again a run whose lease expired,
once (a conditional update under the row lock), and a run produced from the command line takes
the same lease. So a killed run is retried within two minutes, and a run whose publish failed
(the broker was down) is published again instead of staying "queued".
"""

import logging
import os
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bali_portal import bounds, storage
from bali_portal.broker import publish
from bali_portal.errors import DomainError
from registry.models import Division, RegionalOffice

from . import aggregation, annex, document
from .models import FILE_KINDS, FIRST_YEAR, DivisionAllocation, ReportRun, biennium_of
from .render.headline_csv import render_csv
from .render.pdf import render_pdf
from .render.xlsx import render_xlsx
from .selectors import can_edit_allocations, can_start_runs

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
# A run interrupted this many times (killed workers, failed attempts) is failed for good.
MAX_ATTEMPTS = 4


class ReportError(DomainError):
    """A run cannot be started as asked; the message says why."""


# --- Starting a run --------------------------------------------------------------------------


def latest_reportable_year() -> int:
    # The current year can be reported on too (year to date); the future cannot.
    return timezone.now().year


@dataclass(frozen=True)
class RunInput:
    """What a run covers, checked: its period (both days included), office and language."""

    year: int
    first_day: date
    last_day: date
    regional_office: str | None
    language: str


def _parse_day(value, name: str, errors: dict) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors[name] = _("Enter a date as YYYY-MM-DD, e.g. %(example)s.") % {
            "example": f"{latest_reportable_year()}-01-01"
        }
        return None


def _check_period(first_day, last_day, errors: dict) -> None:
    if first_day and not FIRST_YEAR <= first_day.year <= latest_reportable_year():
        errors["period_start"] = _("Choose a day from %(first)s to today.") % {
            "first": f"{FIRST_YEAR}-01-01"
        }
    if first_day and last_day and last_day < first_day:
        errors["period_end"] = _("The last day comes before the first day.")
    elif first_day and last_day and last_day.year > first_day.year + 1:
        # A report covers at most two calendar years (a biennium), which keeps its figures
        # readable and its comparison with the period before meaningful.
        errors["period_end"] = _("A period covers at most two calendar years.")


def validate_run_input(
    *,
    year=None,
    language=None,
    period_start=None,
    period_end=None,
    regional_office=None,
) -> RunInput:
    """A year, or a period (``period_start`` and ``period_end``), optionally one regional
    office's, in one of the portal's languages; every bad field named."""
    errors = {}
    first_day = last_day = None
    if period_start in (None, "") and period_end in (None, ""):
        try:
            year = int(year)
        except (TypeError, ValueError):
            errors["year"] = _("Enter a year, e.g. %(year)s, or a period.") % {
                "year": latest_reportable_year() - 1
            }
        else:
            if not FIRST_YEAR <= year <= latest_reportable_year():
                errors["year"] = _("Choose a year from %(first)s to %(last)s.") % {
                    "first": FIRST_YEAR,
                    "last": latest_reportable_year(),
                }
            else:
                first_day, last_day = date(year, 1, 1), date(year, 12, 31)
    else:
        for name, value in (("period_start", period_start), ("period_end", period_end)):
            if value in (None, ""):
                errors[name] = _("Give both the first and the last day of the period.")
        if not errors:
            first_day = _parse_day(period_start, "period_start", errors)
            last_day = _parse_day(period_end, "period_end", errors)
            _check_period(first_day, last_day, errors)
        if year not in (None, "") and first_day and str(year) != str(first_day.year):
            errors["year"] = _("Give a year or a period, not both.")
    language = language or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        errors["language"] = _("Choose one of: %(languages)s.") % {
            "languages": ", ".join(code for code, _name in settings.LANGUAGES)
        }
    office = str(regional_office).strip() if regional_office not in (None, "") else None
    if office and not RegionalOffice.objects.filter(pk=office).exists():
        errors["regional_office"] = _("Choose one of: %(offices)s.") % {
            "offices": ", ".join(
                RegionalOffice.objects.order_by("sort_order", "code").values_list("code", flat=True)
            )
        }
    if errors:
        raise ReportError(_("Some fields are missing or not valid."), errors)
    return RunInput(first_day.year, first_day, last_day, office, language)


def _run_fields(checked: RunInput) -> dict:
    return {
        "year": checked.year,
        "period_start": checked.first_day,
        "period_end": checked.last_day,
        "regional_office_id": checked.regional_office,
        "language": checked.language,
    }


def lease_end(*, after: float = 0):
    """When a lease taken now ends (``after`` seconds more, e.g. a retry's countdown)."""
    seconds = getattr(settings, "REPORTING_LEASE_SECONDS", 60)
    return timezone.now() + timedelta(seconds=seconds + after)


def _enqueue(run_id: int) -> None:
    # Returns at once, or within two seconds, whatever the broker does. A run it could not
    # publish stays queued, and its lease has it published again (retry_abandoned_runs).
    if not publish("reporting.tasks.generate_annual_report", run_id):
        logger.warning("Report run %s waits for the broker; its lease will queue it again", run_id)


@transaction.atomic
def start_report_run(
    *,
    actor,
    year=None,
    language=None,
    period_start=None,
    period_end=None,
    regional_office=None,
) -> ReportRun:
    """The coordinator asks for the report of a year or a period, of the world or of one
    regional office; a worker produces it after commit."""
    if not can_start_runs(actor):
        raise PermissionDenied(_("Only the BSP coordinator can start an annual report."))
    checked = validate_run_input(
        year=year,
        language=language,
        period_start=period_start,
        period_end=period_end,
        regional_office=regional_office,
    )
    run = ReportRun.objects.create(
        **_run_fields(checked),
        requested_by=actor,
        origin=ReportRun.Origin.PERSON,
        lease_expires_at=lease_end(),
    )
    transaction.on_commit(partial(_enqueue, run.pk))
    return run


def start_scheduled_run(*, year: int, language: str | None = None) -> tuple[ReportRun, bool]:
    """The January run for the past year; a second call for the same year changes nothing."""
    checked = validate_run_input(year=year, language=language)
    year, language = checked.year, checked.language
    try:
        with transaction.atomic():
            run, created = ReportRun.objects.get_or_create(
                year=year,
                language=language,
                origin=ReportRun.Origin.SCHEDULE,
                defaults={
                    "lease_expires_at": lease_end(),
                    "period_start": checked.first_day,
                    "period_end": checked.last_day,
                },
            )
            if created:
                transaction.on_commit(partial(_enqueue, run.pk))
    except IntegrityError:  # another beat process created it at the same moment
        return ReportRun.objects.get(
            year=year, language=language, origin=ReportRun.Origin.SCHEDULE
        ), False
    return run, created


def create_command_run(
    *, year=None, language=None, period_start=None, period_end=None, regional_office=None
) -> ReportRun:
    """A run started from ``generate_annual_report``: produced at once, in that process."""
    checked = validate_run_input(
        year=year,
        language=language,
        period_start=period_start,
        period_end=period_end,
        regional_office=regional_office,
    )
    # The same lease as a worker's: if this process is killed, a worker retries the run.
    return ReportRun.objects.create(
        **_run_fields(checked),
        origin=ReportRun.Origin.COMMAND,
        lease_expires_at=lease_end(),
    )


# --- Divisions' allocations to the BSP (plan §31(h)) -----------------------------------------


def set_division_allocation(
    *, actor, division, first_year, amount_usd, note=""
) -> DivisionAllocation:
    """Record (or correct) what a division's biennial programme of work allocates to the BSP;
    the coordinator's and the admin's one way to edit the table."""
    if not can_edit_allocations(actor):
        raise PermissionDenied(_("Only the BSP coordinator can record allocations."))
    errors = {}
    try:
        first_year = int(first_year)
    except (TypeError, ValueError):
        errors["first_year"] = _("Enter a year, e.g. %(year)s.") % {
            "year": biennium_of(latest_reportable_year())
        }
    else:
        if not bounds.YEAR.low <= first_year <= bounds.YEAR.high:
            errors["first_year"] = bounds.YEAR.message()
        elif first_year % 2:
            errors["first_year"] = _("A biennium starts in an even year, e.g. %(year)s.") % {
                "year": biennium_of(first_year)
            }
    try:
        amount = Decimal(str(amount_usd).strip())
    except (InvalidOperation, ValueError):
        errors["amount_usd"] = _("Enter an amount in US dollars, e.g. 250000.")
    else:
        if not amount.is_finite() or not bounds.USD.low <= amount <= bounds.USD.high:
            errors["amount_usd"] = bounds.USD.message()
    division_code = getattr(division, "pk", division)
    if not Division.objects.filter(pk=division_code).exists():
        errors["division"] = _("Choose a division.")
    if errors:
        raise ReportError(_("Some fields are missing or not valid."), errors)
    allocation, _created = DivisionAllocation.objects.update_or_create(
        division_id=division_code,
        first_year=first_year,
        defaults={
            "amount_usd": amount.quantize(Decimal("0.01")),
            "note": str(note or "")[:300],
            "updated_by": actor,
        },
    )
    return allocation


# --- Files -----------------------------------------------------------------------------------


def stored_name(run: ReportRun, kind: str) -> str:
    """Where a run's file lives under MEDIA_ROOT: fixed per run, so a retry overwrites it."""
    suffix = {"pdf": "", "xlsx": "-annex", "csv": "-headline-figures"}[kind]
    covers = str(run.year) if run.is_calendar_year else f"{run.first_day}-to-{run.last_day}"
    if run.regional_office_id:
        covers = f"{covers}-{run.regional_office_id.lower()}"
    return f"reports/{run.pk}/annual-report-{covers}-{run.language}{suffix}.{kind}"


def download_name(run: ReportRun, kind: str) -> str:
    return Path(stored_name(run, kind)).name


def _path(name: str) -> Path:
    return Path(default_storage.path(name))


def _partial_path(run: ReportRun, kind: str, token: str) -> Path:
    """Where an attempt writes a file before it is put in place: beside it on a local disk
    (renamed into place), in this host's temporary folder for an object store (uploaded)."""
    if storage.is_local():
        return _path(f"{stored_name(run, kind)}.{token}{PARTIAL_SUFFIX}")
    temporary = Path(tempfile.gettempdir()) / "bali-reports" / str(run.pk)
    return temporary / f"{Path(stored_name(run, kind)).name}.{token}{PARTIAL_SUFFIX}"


def _put_in_place(partial_path: Path, name: str) -> None:
    if storage.is_local():
        os.replace(partial_path, _path(name))  # atomic on one file system
        return
    with partial_path.open("rb") as handle:
        # One PUT: the object appears whole, and a retry's overwrites it (file_overwrite).
        stored = default_storage.save(name, File(handle))
    if stored != name:
        raise RuntimeError(f"The storage kept {name} as {stored}; set file_overwrite.")
    partial_path.unlink(missing_ok=True)


def _remove_partial_files(run: ReportRun) -> None:
    if not storage.is_local():
        return  # an attempt's temporary files are its own host's, removed as it ends
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
        run.lease_expires_at = lease_end()
        run.save(
            update_fields=[
                "status",
                "attempts",
                "started_at",
                "finished_at",
                "progress",
                "lease_expires_at",
            ]
        )
    return run


def _advance(run_id: int, progress: int) -> None:
    """Record a step of the work, which renews the run's lease."""
    ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.RUNNING).update(
        progress=progress, lease_expires_at=lease_end()
    )
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
        snapshot = aggregation.compute_snapshot(
            run.year,
            timezone.now(),
            on_section=on_section,
            first_day=run.first_day,
            last_day=run.last_day,
            regional_office=run.regional_office_id,
        )
    snapshot["language"] = run.language
    ReportRun.objects.filter(pk=run.pk).update(snapshot=snapshot, progress=FIGURES_DONE)
    run.snapshot = snapshot
    return snapshot


def _render_files(run: ReportRun, snapshot: dict) -> dict[str, Path]:
    """Render the three files under temporary names; returns kind -> temporary path."""
    report = document.build(snapshot, run.language)
    period = aggregation.period_of(snapshot)
    token = uuid.uuid4().hex[:12]
    partial_paths = {kind: _partial_path(run, kind, token) for kind in FILE_KINDS}
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
            _put_in_place(partial_path, name)
            run.file_for(kind).name = name
        run.status = ReportRun.Status.DONE
        run.progress = 100
        run.error = ""
        run.finished_at = timezone.now()
        run.lease_expires_at = None
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


def record_failure(run_id: int, error: BaseException, *, final: bool, retry_in: float = 0) -> None:
    """An attempt failed: back to the queue for a retry in ``retry_in`` seconds, or failed for
    good with the reason."""
    reason = f"{type(error).__name__}: {error}"[:2000]
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status == ReportRun.Status.DONE:
            return
        run.status = ReportRun.Status.FAILED if final else ReportRun.Status.QUEUED
        run.error = reason
        run.finished_at = timezone.now() if final else None
        # A run waiting for its retry is not abandoned until the retry is overdue.
        run.lease_expires_at = None if final else lease_end(after=retry_in)
        run.save(update_fields=["status", "error", "finished_at", "lease_expires_at"])
    _remove_partial_files(run)


# --- Runs whose producer is gone -------------------------------------------------------------


def _producers_alive(run_ids: list[int]) -> set[int]:
    """The runs among these whose producer is at work now (it holds the run's advisory lock)."""
    if connection.vendor != "postgresql" or not run_ids:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid = %s AND objsubid = 2 AND objid = ANY(%s)",
            [LOCK_NAMESPACE, [run_id % 2**31 for run_id in run_ids]],
        )
        return {row[0] for row in cursor.fetchall()}


def retry_abandoned_runs() -> list[int]:
    """Queue again each active run whose lease has expired; returns their ids.

    The lease of a run whose producer is still at work (a long step) is renewed instead. A
    run already interrupted ``MAX_ATTEMPTS`` times is failed, with the reason. Rows are
    locked and skipped if locked, so two beats never queue a run twice for one expiry.
    """
    with transaction.atomic():
        expired = list(
            ReportRun.objects.active()
            .filter(Q(lease_expires_at__lt=timezone.now()) | Q(lease_expires_at__isnull=True))
            .select_for_update(skip_locked=True)
            .defer("snapshot")
        )
        alive = _producers_alive([run.pk for run in expired])
        retried, given_up = [], []
        for run in expired:
            run.lease_expires_at = lease_end()
            if run.pk % 2**31 in alive:
                pass  # at work: only the lease is renewed
            elif run.attempts >= MAX_ATTEMPTS:
                run.status = ReportRun.Status.FAILED
                run.finished_at = timezone.now()
                run.lease_expires_at = None
                run.error = (
                    f"Interrupted {run.attempts} times (a worker stopped while producing it); "
                    "start the report again."
                )
                given_up.append(run)
            else:
                run.status = ReportRun.Status.QUEUED
                retried.append(run.pk)
                transaction.on_commit(partial(_enqueue, run.pk))
        ReportRun.objects.bulk_update(
            expired, ["status", "finished_at", "lease_expires_at", "error"]
        )
    for run in given_up:
        _remove_partial_files(run)
    if retried:
        logger.warning("Report runs %s were abandoned by their producer; queued again", retried)
    return retried
