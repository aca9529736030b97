"""A worker killed in the middle of a run: the broker redelivers the run to another worker, which
completes it once, with one set of files (the CI's PostgreSQL and Redis run).

A run through a real worker from start to finish, watched in a browser, is in
``test_browser.py``.
"""

import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reporting import services
from reporting.models import ReportRun
from tests import factories
from tests.reporting import data
from tests.reporting.reading import csv_figures, pdf_text


def wait_for(condition, timeout: float, message: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(message)


def run_now(pk: int) -> ReportRun:
    return ReportRun.objects.get(pk=pk)


@pytest.mark.celery_worker
def test_a_worker_killed_mid_run_is_replaced_and_the_run_completes_once(slow_worker):
    data.a_few_requests()
    run = services.start_report_run(actor=factories.coordinator(), year=2025, language="en")
    # Kill the worker once the figures are taken and the CSV and the annex are written under
    # their temporary names, before the PDF: nothing is offered yet.
    wait_for(
        lambda: (
            run_now(run.pk).status == "running" and run_now(run.pk).progress >= services.XLSX_DONE
        ),
        timeout=120,
        message="the run never got to the files",
        interval=0.1,
    )
    slow_worker.kill()
    killed = run_now(run.pk)
    assert killed.status == ReportRun.Status.RUNNING and killed.progress < 100
    assert killed.attempts == 1 and killed.snapshot is not None
    directory = Path(slow_worker.env["MEDIA_ROOT"]) / "reports" / str(run.pk)
    leftovers = sorted(path.name for path in directory.iterdir())
    assert len(leftovers) >= 2, leftovers  # the CSV and the annex, perhaps part of the PDF
    assert all(name.endswith(services.PARTIAL_SUFFIX) for name in leftovers), leftovers
    assert not killed.pdf  # a half-made run offers nothing

    slow_worker.env["REPORTING_STEP_DELAY_SECONDS"] = "0"
    slow_worker.start()  # the broker redelivers the unacknowledged message to the new worker
    done = wait_for(
        lambda: run_now(run.pk).status in ("done", "failed") and run_now(run.pk),
        timeout=120,
        message="the run was never completed after the crash",
    )
    assert done.status == ReportRun.Status.DONE, done.error
    assert done.attempts == 2  # the killed attempt and the one that completed it
    assert done.snapshot == killed.snapshot  # the figures were taken once
    # One set of files, under the run's fixed names, and no leftovers of the killed attempt.
    assert sorted(path.name for path in directory.iterdir()) == sorted(
        services.download_name(done, kind) for kind in ("pdf", "xlsx", "csv")
    )
    assert "8. Lessons learned" in pdf_text(Path(done.pdf.path))
    load_workbook(done.xlsx.path, read_only=True).close()
    assert csv_figures(Path(done.csv.path))["requests_received"]["2025"] == "2"
    # Whatever the broker still delivers later finds the run done and changes nothing.
    time.sleep(2)
    assert run_now(run.pk).attempts == 2 and run_now(run.pk).finished_at == done.finished_at
