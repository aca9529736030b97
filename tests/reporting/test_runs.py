"""Report runs: starting one (page, API, January schedule, command), who may see them, and what
happens when producing one fails."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from reporting import tasks
from reporting.models import ReportRun
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_coordinator_starts_a_run_from_the_page(client_for, django_capture_on_commit_callbacks):
    coordinator = factories.coordinator()
    client = client_for(coordinator)
    page = client.get("/reports/")
    assert page.status_code == 200
    assert b'name="year"' in page.content and b'name="language"' in page.content
    with django_capture_on_commit_callbacks() as callbacks:
        answer = client.post("/reports/", {"year": "2025", "language": "zh-hans"})
    run = ReportRun.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/reports/{run.pk}/"
    assert (run.year, run.language, run.status, run.progress) == (2025, "zh-hans", "queued", 0)
    assert run.requested_by == coordinator and run.origin == ReportRun.Origin.PERSON
    assert len(callbacks) == 1  # the worker is asked only once the run is committed


def test_a_year_outside_the_range_is_refused_with_a_message(client_for):
    client = client_for(factories.coordinator())
    answer = client.post("/reports/", {"year": "1990", "language": "en"})
    assert answer.status_code == 200
    assert b"error-summary" in answer.content
    assert not ReportRun.objects.exists()


def test_a_running_run_shows_its_progress_and_refreshes_itself(client_for):
    run = ReportRun.objects.create(year=2025, status=ReportRun.Status.RUNNING, progress=40)
    page = client_for(factories.council()).get(f"/reports/{run.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert '<progress id="run-progress" max="100" value="40">' in html
    assert "<script" not in html and "<style" not in html  # the content security policy
    assert f"/reports/{run.pk}/download/pdf/" not in html  # nothing to offer yet


def test_the_council_reads_runs_but_only_the_coordinator_starts_them(client_for, api_for):
    council = factories.council()
    page = client_for(council).get("/reports/")
    assert page.status_code == 200 and b'name="year"' not in page.content
    assert (
        client_for(council).post("/reports/", {"year": "2025", "language": "en"}).status_code == 403
    )
    assert (
        api_for(council).post("/api/v1/reports/", {"year": 2025}, format="json").status_code == 403
    )
    assert not ReportRun.objects.exists()


@pytest.mark.parametrize(
    "make_user",
    [
        lambda: factories.focal_point("KEN"),
        lambda: factories.regional_staff("ROA"),
        lambda: factories.division_staff("DEPI"),
    ],
    ids=["focal_point", "regional_staff", "division_staff"],
)
def test_runs_do_not_exist_for_other_roles(make_user, client_for, api_for):
    run = ReportRun.objects.create(year=2025)
    user = make_user()
    client, api = client_for(user), api_for(user)
    for url in ("/reports/", f"/reports/{run.pk}/", f"/reports/{run.pk}/download/pdf/"):
        assert client.get(url).status_code == 404, url
    assert client.post("/reports/", {"year": "2025", "language": "en"}).status_code == 404
    for url in (
        "/api/v1/reports/",
        f"/api/v1/reports/{run.pk}/",
        f"/api/v1/reports/{run.pk}/download/csv/",
    ):
        assert api.get(url).status_code == 404, url
    assert api.post("/api/v1/reports/", {"year": 2025}, format="json").status_code == 404
    assert ReportRun.objects.count() == 1


def test_anonymous_visitors_are_asked_to_log_in(client, api_client):
    answer = client.get("/reports/")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
    assert api_client.get("/api/v1/reports/").status_code in (401, 403)


def test_the_api_starts_a_run_and_reports_on_it(api_for, django_capture_on_commit_callbacks):
    api = api_for(factories.coordinator())
    with django_capture_on_commit_callbacks() as callbacks:
        answer = api.post("/api/v1/reports/", {"year": 2025, "language": "en"}, format="json")
    assert answer.status_code == 202
    body = answer.json()
    assert body["status"] == "queued" and body["progress"] == 0 and body["year"] == 2025
    assert answer["Location"].endswith(f"/api/v1/reports/{body['id']}/")
    assert len(callbacks) == 1
    item = api.get(f"/api/v1/reports/{body['id']}/").json()
    assert (item["id"], item["status"], item["files"], item["headline"]) == (
        body["id"],
        "queued",
        {},
        [],
    )
    listing = api.get("/api/v1/reports/").json()
    assert [run["id"] for run in listing["results"]] == [body["id"]]
    assert api.get(f"/api/v1/reports/{body['id']}/download/pdf/").status_code == 404  # not done


def test_the_api_names_what_is_wrong(api_for):
    api = api_for(factories.coordinator())
    answer = api.post("/api/v1/reports/", {"year": 1990, "language": "xx"}, format="json")
    assert answer.status_code == 400
    errors = answer.json()
    assert "language" in str(errors)
    answer = api.post("/api/v1/reports/", {"year": timezone.now().year + 1}, format="json")
    assert answer.status_code == 400 and "year" in str(answer.json())
    assert not ReportRun.objects.exists()


def test_a_failing_run_is_retried_with_backoff_then_shown_failed_with_its_reason(
    settings, tmp_path, client_for
):
    # The media "directory" is a file: every attempt fails to write, as a full or read-only
    # disk would make it.
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker
    run = ReportRun.objects.create(year=2025)
    outcome = tasks.generate_annual_report.delay(run.pk)  # eager: the retries happen at once
    assert outcome.get() == ReportRun.Status.FAILED
    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED
    assert run.attempts == tasks.MAX_RETRIES + 1
    assert "NotADirectoryError" in run.error or "FileExistsError" in run.error
    assert run.snapshot is not None  # figures were taken once and kept by every attempt
    assert not run.pdf and not run.xlsx and not run.csv
    page = client_for(factories.coordinator()).get(f"/reports/{run.pk}/")
    assert "The report could not be produced" in page.content.decode()
    assert run.error.split(":")[0] in page.content.decode()
    assert (
        client_for(factories.council()).get(f"/reports/{run.pk}/download/pdf/").status_code == 404
    )


def test_the_backoff_doubles_between_attempts(settings):
    from reporting.services import retry_delay

    settings.REPORTING_RETRY_DELAY_SECONDS = 30
    assert [retry_delay(n) for n in range(3)] == [30, 60, 120]


def test_each_january_one_run_is_started_for_the_past_year(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = tasks.start_annual_report_for_past_year()
        second = tasks.start_annual_report_for_past_year()  # beat firing twice changes nothing
    run = ReportRun.objects.get()
    assert first == second == run.pk
    assert run.year == timezone.now().year - 1 and run.origin == ReportRun.Origin.SCHEDULE
    assert run.requested_by is None and run.language == "en"
    assert len(callbacks) == 1


def test_the_command_refuses_a_year_it_cannot_report_on():
    with pytest.raises(CommandError, match="year"):
        call_command("generate_annual_report", year=1990)
    with pytest.raises(CommandError, match="language"):
        call_command("generate_annual_report", year=2025, language="xx")
    assert not ReportRun.objects.exists()


def test_the_beat_schedule_names_the_task(settings):
    from bali_portal.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["annual-report-each-january"]
    assert entry["task"] in app.tasks
    assert entry["schedule"].month_of_year == {1}


def test_the_lists_of_runs_leave_the_figures_in_the_database(client_for, api_for):
    """A run's figures weigh megabytes for a large year; a list shows none of them, so it never
    reads them, and a longer list takes no more queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    council = factories.council()
    figures = {"year": 2025, "resources": {"by_funder": [{"label": "x" * 100}] * 50}}

    def list_queries(path, client):
        with CaptureQueriesContext(connection) as context:
            assert client.get(path).status_code == 200
        reads = [q["sql"] for q in context.captured_queries if "reporting_reportrun" in q["sql"]]
        assert reads and not any('"snapshot"' in sql for sql in reads), reads
        return len(context.captured_queries)

    ReportRun.objects.create(year=2025, snapshot=figures)
    one = {
        "page": list_queries("/reports/", client_for(council)),
        "api": list_queries("/api/v1/reports/", api_for(council)),
    }
    for year in (2023, 2024):
        ReportRun.objects.create(year=year, snapshot=figures)
    assert list_queries("/reports/", client_for(council)) == one["page"]
    assert list_queries("/api/v1/reports/", api_for(council)) == one["api"]


def test_a_period_of_one_office_is_started_from_the_page_and_the_api(client_for, api_for):
    """Issue 18: any period, optionally one regional office, in any of the portal's languages;
    a bad field is named and nothing is recorded."""
    from datetime import date

    coordinator = factories.coordinator()
    client = client_for(coordinator)
    page = client.get("/reports/").content.decode()
    assert 'name="period_start"' in page and 'name="regional_office"' in page
    answer = client.post(
        "/reports/",
        {
            "year": "",
            "period_start": "2025-01-01",
            "period_end": "2025-06-30",
            "regional_office": "ROA",
            "language": "ar",
        },
    )
    run = ReportRun.objects.get()
    assert answer.status_code == 302
    assert (run.first_day, run.last_day, run.regional_office_id, run.language) == (
        date(2025, 1, 1),
        date(2025, 6, 30),
        "ROA",
        "ar",
    )
    assert run.period_label == "2025-01-01–2025-06-30"
    api = api_for(coordinator)
    body = api.post(
        "/api/v1/reports/",
        {"period_start": "2025-07-01", "period_end": "2025-12-31", "regional_office": "ROAP"},
        format="json",
    )
    assert body.status_code == 202
    assert (body.json()["period_start"], body.json()["regional_office"]) == ("2025-07-01", "ROAP")
    refused = api.post(
        "/api/v1/reports/",
        {"period_start": "2025-07-01", "period_end": "2025-03-31"},
        format="json",
    )
    assert refused.status_code == 400 and "period_end" in str(refused.json())
    assert ReportRun.objects.count() == 2
