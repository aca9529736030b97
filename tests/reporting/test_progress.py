"""``/reports/`` for the Governing Council and while a report is produced (issue 17).

Council staff learn who starts the reports (the coordinators, by name, never by e-mail) and
see every finished run; a run's progress is a bar that moves, also in the embedded default
(no broker), where the report is produced in a thread beside the request that asked, so that
the page answers at once instead of after the whole report.
"""

import re
import threading
import time

import pytest

from reporting.models import ReportRun
from tests import factories
from tests.reporting import data
from tests.reporting.test_browser import start_the_report, watch_until_done

REPORT_TASK = "reporting.tasks.generate_annual_report"


@pytest.fixture
def in_process_report(in_their_own_thread, settings):
    in_their_own_thread(REPORT_TASK)
    settings.REPORTING_STEP_DELAY_SECONDS = 0.3  # each step of the work takes a little longer


def test_council_staff_are_told_which_coordinators_start_runs(db, client_for):
    named = factories.coordinator(full_name="Amina Diallo", email="amina@unep.example.org")
    unnamed = factories.coordinator(full_name="", email="second.coordinator@unep.example.org")
    factories.coordinator(full_name="Gone Person", is_active=False)
    page = client_for(factories.council()).get("/reports/").content.decode()
    starters = re.search(r'<p class="help" id="run-starters">(.*?)</p>', page, re.S)[1]
    assert "Amina Diallo" in starters and "BSP coordinator" in starters
    assert "Gone Person" not in starters
    assert named.email not in page and unnamed.email not in page
    assert "No report has been produced yet." in page
    # The coordinator has the form instead.
    own = client_for(named).get("/reports/").content.decode()
    assert 'id="run-starters"' not in own and 'name="year"' in own


def test_council_staff_see_every_finished_run_and_who_started_it(db, client_for):
    coordinator = factories.coordinator(full_name="Amina Diallo", email="amina@unep.example.org")
    finished = [
        ReportRun.objects.create(
            year=2020 + number,
            status=ReportRun.Status.FAILED,
            origin=origin,
            requested_by=coordinator if origin == ReportRun.Origin.PERSON else None,
            error="disk full",
        )
        for number, origin in enumerate(ReportRun.Origin.values)
    ]
    running = ReportRun.objects.create(
        year=2025, status=ReportRun.Status.RUNNING, progress=35, requested_by=coordinator
    )
    page = client_for(factories.council()).get("/reports/").content.decode()
    for run in [*finished, running]:
        assert f'href="/reports/{run.pk}/"' in page
    assert "Started by the January schedule" in page and "Started from the command line" in page
    assert "Amina Diallo" in page and coordinator.email not in page
    # The active run's progress, as a bar; the page refreshes itself while a run is active.
    assert re.search(r'<progress max="100" value="35"[^>]*>35%</progress>', page)
    assert '<meta http-equiv="refresh"' in page


@pytest.mark.parametrize(
    ("status", "progress", "step"),
    [
        ("queued", 0, "Waiting to start"),
        ("running", 12, "Computing the figures, section by section"),
        ("running", 70, "Writing the annex (XLSX)"),
        ("running", 90, "Writing the report (PDF)"),
    ],
)
def test_a_running_run_says_which_step_it_is_at(db, client_for, status, progress, step):
    run = ReportRun.objects.create(year=2025, status=status, progress=progress)
    page = client_for(factories.council()).get(f"/reports/{run.pk}/").content.decode()
    assert f'<p id="run-step">{step}</p>' in page
    assert f'<progress id="run-progress" max="100" value="{progress}">' in page


def test_a_finished_list_does_not_refresh_itself(db, client_for):
    ReportRun.objects.create(year=2024, status=ReportRun.Status.FAILED, error="x")
    page = client_for(factories.council()).get("/reports/").content.decode()
    assert '<meta http-equiv="refresh"' not in page and "<progress" not in page


def report_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == f"eager {REPORT_TASK}"]


def test_in_process_the_page_answers_at_once_and_the_run_moves_on_its_own(
    transactional_db, in_process_report, settings, tmp_path, client_for
):
    settings.MEDIA_ROOT = tmp_path / "media"
    data.a_few_requests()
    client = client_for(factories.coordinator())
    started = time.monotonic()
    answer = client.post("/reports/", {"year": "2025", "language": "en"})
    answered_in = time.monotonic() - started
    run = ReportRun.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/reports/{run.pk}/"
    assert run.status in (ReportRun.Status.QUEUED, ReportRun.Status.RUNNING)
    assert run.progress < 100 and report_threads()
    seen = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        page = client.get(f"/reports/{run.pk}/").content.decode()
        shown = re.search(r'<progress id="run-progress" max="100" value="(\d+)">', page)
        if shown is None:
            break  # no bar any more: finished
        if not seen or seen[-1] != int(shown[1]):
            seen.append(int(shown[1]))
        time.sleep(0.1)
    for thread in report_threads():
        thread.join(timeout=60)
    run.refresh_from_db()
    assert (run.status, run.progress, run.attempts) == (ReportRun.Status.DONE, 100, 1)
    assert answered_in < 3, answered_in  # the whole report takes several seconds more
    assert len(seen) >= 3 and seen == sorted(seen), seen  # the bar moved while it was watched
    assert "The report (PDF)" in client.get(f"/reports/{run.pk}/").content.decode()


@pytest.mark.browser
def test_in_process_the_coordinator_watches_the_bar_move(
    in_process_report, settings, tmp_path, login_page
):
    settings.MEDIA_ROOT = tmp_path / "media"
    data.a_few_requests()
    page = login_page(factories.coordinator())
    started = time.monotonic()
    run_id = start_the_report(page)
    assert time.monotonic() - started < 10  # the page came back before the report was done
    seen = watch_until_done(page)
    for thread in report_threads():
        thread.join(timeout=60)
    assert seen[-1] == ("Done", 100), seen
    moving = [progress for status, progress in seen if status in ("Queued", "Running")]
    assert len(set(moving)) >= 2 and moving == sorted(moving), seen
    assert ReportRun.objects.get(pk=run_id).status == ReportRun.Status.DONE
