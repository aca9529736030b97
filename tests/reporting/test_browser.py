"""In a real browser: the coordinator starts the annual report from ``/reports/`` and watches it
being produced; a Governing Council user downloads the PDF, which renders to pages.

On PostgreSQL with Redis (the CI's second run) a real Celery worker produces the run and the
page's self-refresh shows its progress; on the embedded default the run is produced in-process
when the coordinator starts it.
"""

import re
import subprocess
import time
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from reporting.models import ReportRun
from tests import factories
from tests.reporting import data
from tests.reporting.reading import pdf_text

SECTION_TITLES = (
    "Requests received",
    "How requests were handled",
    "Measurable results",
    "Resources mobilized and costs",
    "Needs, priorities and gaps",
    "Recipient governments' assessments",
    "South-South and triangular cooperation, and gender",
    "Lessons learned",
)


def start_the_report(page) -> int:
    page.goto("/reports/")
    page.get_by_label("Year").select_option("2025")
    page.get_by_label("Language of the report").select_option("en")
    # In-process, the run is produced before the answer comes: allow for it.
    page.get_by_role("button", name="Start the report").click(timeout=180_000)
    page.wait_for_url(re.compile(r"/reports/\d+/$"), timeout=180_000)
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


# The status and the progress, read from the page in one go (never half from the page being
# replaced by its refresh).
READ_STATUS = """() => {
    const badge = document.querySelector("#run-status .badge");
    const progress = document.querySelector("#run-progress");
    return badge ? [badge.textContent.trim(), progress ? Number(progress.value) : 100] : null;
}"""


def watch_until_done(page, timeout: float = 180) -> list[tuple[str, int]]:
    """What the coordinator sees while the page refreshes itself: (status, progress) pairs."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = page.evaluate(READ_STATUS)
        except PlaywrightError:  # the page was being replaced
            state = None
        if state:
            status, value = state[0], int(state[1])
            if not seen or seen[-1] != (status, value):
                seen.append((status, value))
            if status in ("Done", "Failed"):
                return seen
        time.sleep(0.2)
    raise AssertionError(f"the run did not finish; the page showed {seen}")


def download_the_pdf(page, run_id: int, tmp_path: Path) -> Path:
    page.goto(f"/reports/{run_id}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="The report (PDF)").click()
    path = tmp_path / "downloaded.pdf"
    download.value.save_as(path)
    return path


def check_the_pdf(path: Path, tmp_path: Path) -> None:
    assert path.read_bytes().startswith(b"%PDF-")
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) >= 10
    text = " ".join(pdf_text(path, layout=False).split())
    for number, title in enumerate(SECTION_TITLES, start=1):
        assert f"{number}. {title}" in text, title


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


@pytest.mark.browser
def test_in_process_the_coordinator_starts_the_report_and_the_council_downloads_it(
    settings, tmp_path, login_page
):
    if settings.REDIS_URL:
        pytest.skip("with a broker, the worker test below is the one that runs")
    settings.MEDIA_ROOT = tmp_path / "media"
    data.a_few_requests()
    page = login_page(factories.coordinator())
    run_id = start_the_report(page)
    seen = watch_until_done(page)
    assert seen[-1] == ("Done", 100)
    assert ReportRun.objects.get(pk=run_id).status == ReportRun.Status.DONE
    log_out(page)
    login_page(factories.council())
    check_the_pdf(download_the_pdf(page, run_id, tmp_path), tmp_path)


@pytest.mark.browser
@pytest.mark.celery_worker
def test_a_worker_produces_the_report_while_the_coordinator_watches_and_the_council_downloads_it(
    slow_worker, tmp_path, login_page
):
    data.a_few_requests()
    page = login_page(factories.coordinator())
    run_id = start_the_report(page)
    seen = watch_until_done(page)
    assert seen[-1] == ("Done", 100), seen
    running = [progress for status, progress in seen if status == "Running"]
    assert running and all(0 <= value < 100 for value in running), seen
    assert len(set(running)) >= 2, seen  # the progress moved while the page was watched
    assert running == sorted(running), seen
    run = ReportRun.objects.get(pk=run_id)
    assert (run.status, run.attempts, run.progress) == (ReportRun.Status.DONE, 1, 100)
    log_out(page)
    login_page(factories.council())
    check_the_pdf(download_the_pdf(page, run_id, tmp_path), tmp_path)
