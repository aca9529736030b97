"""Report runs whose producer dies, and a broker that is down when a run is asked for (issue 21).

The worker runs with the production broker settings (a killed worker's message would come back
after an hour) and beat inside it; a run's lease is 3 seconds here and beat looks at leases
every second (``tests/faults/settings.py``), instead of 60 and 30.
"""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from reporting import services
from reporting.models import ReportRun
from tests import factories
from tests.faults.conftest import token_for
from tests.faults.stack import ROOT, http, wait_for
from tests.reporting import data

pytestmark = [pytest.mark.celery_worker, pytest.mark.postgres]

LEASES = {"REPORTING_LEASE_SECONDS": 3, "REPORTING_LEASE_CHECK_SECONDS": 1}


def run_now(pk: int) -> ReportRun:
    return ReportRun.objects.get(pk=pk)


def files_of(media_root: Path, run: ReportRun) -> list[str]:
    directory = media_root / "reports" / str(run.pk)
    return sorted(path.name for path in directory.iterdir()) if directory.exists() else []


def finished(pk: int, timeout: float, why: str) -> ReportRun:
    return wait_for(
        lambda: run_now(pk).status in ("done", "failed") and run_now(pk), timeout, why, 0.2
    )


def assert_one_set_of_files(media_root: Path, run: ReportRun) -> None:
    assert run.status == ReportRun.Status.DONE, run.error
    assert files_of(media_root, run) == sorted(
        services.download_name(run, kind) for kind in ("pdf", "xlsx", "csv")
    )


def test_a_killed_worker_and_a_killed_command_leave_no_run_running(stack):
    data.a_few_requests()
    token = token_for(factories.coordinator())
    slow = stack.worker(beat=True, REPORTING_STEP_DELAY_SECONDS=0.5, **LEASES)
    web = stack.web(**LEASES)

    answer = http(f"{web.url}/api/v1/reports/", method="POST", token=token,
                  json_body={"year": 2025})  # fmt: skip
    assert answer.status == 202
    pk = answer.json()["id"]
    wait_for(
        lambda: run_now(pk).status == "running" and run_now(pk).progress >= services.CSV_DONE,
        120,
        "the run never got to its files",
    )
    slow.kill()  # the whole worker, beat included
    killed = run_now(pk)
    assert killed.status == ReportRun.Status.RUNNING and killed.attempts == 1
    leftovers = files_of(stack.media_root, killed)
    assert leftovers and all(name.endswith(services.PARTIAL_SUFFIX) for name in leftovers)

    restarted = time.monotonic()
    stack.worker(beat=True, name="second", **LEASES)
    done = finished(pk, 120, "the killed run was never retried")
    assert time.monotonic() - restarted < 120
    assert done.attempts == 2 and done.snapshot == killed.snapshot
    assert_one_set_of_files(stack.media_root, done)

    # A run produced from the command line, killed: the worker's beat retries it.
    command = subprocess.Popen(
        [sys.executable, "manage.py", "generate_annual_report", "--year", "2025",
         "--language", "zh-hans"],
        cwd=ROOT, env=stack.env(REPORTING_STEP_DELAY_SECONDS=0.5, **LEASES),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        by_command = wait_for(
            lambda: ReportRun.objects.filter(
                origin=ReportRun.Origin.COMMAND, progress__gte=services.CSV_DONE
            ).first(),
            120,
            "the command never got to its files",
        )
    finally:
        command.kill()
        command.wait(timeout=30)
    assert run_now(by_command.pk).status == ReportRun.Status.RUNNING
    retried = finished(by_command.pk, 120, "the killed command's run was never retried")
    assert retried.attempts == 2
    assert_one_set_of_files(stack.media_root, retried)


def test_a_run_asked_for_while_redis_is_down_is_queued_then_produced(stack):
    data.a_few_requests()
    token = token_for(factories.coordinator())
    stack.worker(beat=True, **LEASES)
    web = stack.web(**LEASES)
    # Each gunicorn worker loads the reports API once before the measure.
    for _ in range(4):
        assert http(f"{web.url}/api/v1/reports/", token=token).status == 200
    stack.redis.kill()

    started = time.monotonic()
    answer = http(f"{web.url}/api/v1/reports/", method="POST", token=token,
                  json_body={"year": 2025})  # fmt: skip
    assert time.monotonic() - started < 2
    assert answer.status == 202 and answer.json()["status"] == "queued"
    time.sleep(LEASES["REPORTING_LEASE_SECONDS"] + 1)  # its lease expires while Redis is down
    assert run_now(answer.json()["id"]).status == ReportRun.Status.QUEUED

    stack.redis.start()
    done = finished(answer.json()["id"], 90, "the run was never produced after Redis returned")
    assert_one_set_of_files(stack.media_root, done)
