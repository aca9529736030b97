"""The public figures (issue 18): ``GET /api/v1/statistics/`` and ``/dashboard/``.

A small world is recorded below, and every figure is worked out from it by hand: drafts never
count, small counts of a country or a region are hidden (and one more where a hidden one could
be worked out), the figures are computed in a fixed number of queries however many requests
there are, and the page shows exactly the API's figures, in CSV files that no spreadsheet reads
as formulas.

Readers never compute them: the refresh task stores them (cache and a durable row), a reader
reads them without an aggregate query, from the durable row while Redis is down; only the
first-ever read computes them, once, while the others are told they are being prepared.
"""

import csv
import gzip
import io
import logging
import re
import shutil
import threading
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bali_portal import settings as portal_settings
from registry.models import (
    Activity,
    ActivityStatus,
    Division,
    FundingLine,
    FundingSourceKind,
    Modality,
    Organization,
    ThematicArea,
)
from reporting import statistics
from reporting.models import PublicFigures
from reporting.statistics import Cell, suppress_small_counts
from reporting.tasks import refresh_public_statistics
from tests import factories

pytestmark = pytest.mark.django_db

PAGE_BUDGET_BYTES = 60 * 1024


def at(year: int, month: int = 6) -> datetime:
    return datetime(year, month, 15, 12, tzinfo=UTC)


LED_STATES = ("routed", "in_progress", "completed", "closed")


def request_in(country="KEN", state="submitted", year=2025, themes=(), forum=None, **fields):
    lead = "DEPI" if state in LED_STATES else None
    made = factories.make_request(country, state, forum=forum, lead_division=lead, **fields)
    made.submitted_at = at(year)
    made.save(update_fields=["submitted_at"])
    if themes:
        made.thematic_areas.set(ThematicArea.objects.filter(code__in=themes))
    return made


def completed_in(
    country, year, *, women, men, other=0, institutions=0, cost="0", state="completed"
):
    made = request_in(
        country,
        state or "completed",
        year=year,
        people_trained_female=women,
        people_trained_male=men,
        people_trained_other=other,
        institutions_supported=institutions,
        cost_usd=Decimal(cost),
    )
    made.completed_at = at(year, 11)
    made.save(update_fields=["completed_at"])
    return made


def activity(identifier, *, published=True, status=ActivityStatus.COMPLETED, trained=0):
    return Activity.objects.create(
        identifier=identifier,
        title=f"Activity {identifier}",
        status=status,
        modality=Modality.SOUTH_SOUTH,
        lead_division=Division.objects.get(code="DEPI"),
        is_published=published,
        people_trained_female=trained,
    )


def funding(record, kind, usd, year=2025):
    funder, _ = Organization.objects.get_or_create(name="Funder", defaults={"kind": "government"})
    return FundingLine.objects.create(
        activity=record,
        funder=funder,
        source_kind=FundingSourceKind.objects.get(code=kind),
        amount=Decimal(usd or "300"),
        currency="USD" if usd is not None else "KES",
        year=year,
        amount_usd=Decimal(usd) if usd is not None else None,
    )


@pytest.fixture
def world():
    """Kenya 4 requests, Uganda 3, Ghana 1 and a forum's 1 (ROA: 9); China 5 (ROAP); Brazil 2
    (ROLAC, its only asking country): 16; and two Kenyan drafts, which never count."""
    for _ in range(2):
        factories.make_request("KEN", "draft", estimated_budget_usd=Decimal("999999"))
    request_in("KEN", "submitted", 2024, themes=("T01", "T02"), estimated_budget_usd=1000)
    request_in("KEN", "under_review", 2025, themes=("T01",), estimated_budget_usd=2500)
    completed_in("KEN", 2025, women=10, men=5, other=1, institutions=2, cost="1200.50")
    request_in("KEN", "declined", 2025)
    for _ in range(3):
        request_in("UGA", "routed", 2025, themes=("T02",))
    request_in("GHA", "withdrawn", 2024)
    request_in(forum="AMCEN", state="submitted", year=2025, estimated_budget_usd=500)
    for _number in range(4):
        request_in("CHN", "in_progress", 2025)
    completed_in("CHN", 2024, women=3, men=4, cost="800", state="closed")
    request_in("BRA", "referred", 2025, themes=("T03",))
    request_in("BRA", "submitted", 2025)

    delivered = activity("ACT-DONE", trained=12)
    funding(delivered, "gef", "5000.25", 2025)
    funding(delivered, "bilateral", None, 2025)  # no USD equivalent: counted as a line only
    funding(activity("ACT-ONGOING", status=ActivityStatus.ONGOING), "gef", "1000", 2024)
    funding(activity("ACT-DRAFT", published=False), "gef", "777777", 2025)  # never public
    # What beat's refresh does every five minutes: readers read what it stored.
    statistics.refresh_figures()


def aggregates(queries) -> list[str]:
    """The queries that count or add up (a reader of stored figures makes none)."""
    return [q["sql"] for q in queries.captured_queries if re.search(r"\b(COUNT|SUM)\(", q["sql"])]


def never_computed():
    """As on a new deployment before anything computed the figures."""
    PublicFigures.objects.all().delete()
    cache.clear()


def by_code(rows):
    return {row["code"]: row for row in rows}


def test_every_figure_counted_by_hand(world):
    figures = statistics.compute_figures(now=at(2025, 12))
    assert figures["totals"] == {"requests": 16, "open": 11, "completed": 2, "countries": 5}
    assert {row["code"]: row["count"] for row in figures["by_stage"]} == {
        "submitted": 3,
        "under_review": 1,
        "info_requested": 0,
        "routed": 3,
        "in_progress": 4,
        "completed": 1,
        "closed": 1,
        "declined": 1,
        "referred": 1,
        "withdrawn": 1,
    }
    themes = {row["code"]: row["count"] for row in figures["by_theme"]}
    assert (themes["T01"], themes["T02"], themes["T03"], themes["T04"]) == (2, 4, 1, 0)
    assert len(themes) == ThematicArea.objects.count()  # every area, none counted is 0
    assert figures["by_year"] == [
        {
            "year": 2024,
            "received": 3,  # Kenya's submitted, Ghana's, China's completed one
            "completed": 1,
            "people_trained": 7,
            "estimated_budget_usd": "1000.00",
            "cost_usd": "800.00",
            "registry_funding_usd": "1000.00",
        },
        {
            "year": 2025,
            "received": 13,
            "completed": 1,
            "people_trained": 16,
            "estimated_budget_usd": "3000.00",
            "cost_usd": "1200.50",
            "registry_funding_usd": "5000.25",
        },
    ]
    assert figures["results"] == {
        "requests_completed": 2,
        "people_trained": 23,
        "women_trained": 13,
        "men_trained": 9,
        "others_trained": 1,
        "institutions_supported": 2,
        "activities_delivered": 1,
        "activities_under_way": 1,
        "people_trained_in_activities": 12,
    }
    assert figures["funding"] == {
        "estimated_budget_usd": "4000.00",
        "requests_with_budget": 3,
        "cost_usd": "2000.50",
        "registry_funding_usd": "6000.25",
        "by_source": [
            {"code": "bilateral", "lines": 1, "lines_in_usd": 0, "amount_usd": "0.00"},
            {"code": "gef", "lines": 2, "lines_in_usd": 2, "amount_usd": "6000.25"},
        ],
    }


def test_a_completed_request_without_its_completion_date_is_not_counted_as_completed(world):
    undated = completed_in("KEN", 2025, women=100, men=0)
    undated.completed_at = None
    undated.save(update_fields=["completed_at"])
    figures = statistics.compute_figures(now=at(2025, 12))
    assert figures["totals"]["completed"] == 2 and figures["results"]["women_trained"] == 13
    assert figures["totals"]["requests"] == 17  # received all the same


def test_small_counts_are_hidden_with_one_more_where_a_hidden_one_could_be_worked_out(world):
    figures = statistics.compute_figures()
    countries = by_code(figures["by_country"])
    assert countries["KEN"]["count"] == 4 and not countries["KEN"]["suppressed"]
    assert countries["CHN"]["count"] == 5
    # Ghana asked once: hidden; alone it could be worked out from the region's total, so the
    # next smallest of its region (Uganda, 3) is hidden too.
    assert countries["GHA"] == {"code": "GHA", "regional_office": "ROA", "count": None,
                                "suppressed": True}  # fmt: skip
    assert countries["UGA"]["count"] is None and countries["UGA"]["suppressed"]
    assert countries["BRA"]["count"] is None
    regions = by_code(figures["by_region"])
    # ROA: 4 + 3 + 1 and the forum's request.
    assert (regions["ROA"]["count"], regions["ROA"]["estimated_budget_usd"]) == (9, "4000.00")
    assert regions["ROA"]["cost_usd"] == "1200.50"
    # Brazil is ROLAC's only asking country: its region's count would give it away, so it is
    # hidden, and so is the next smallest region's, against the total.
    assert regions["ROLAC"] == {"code": "ROLAC", "count": None, "suppressed": True,
                                "estimated_budget_usd": None, "cost_usd": None}  # fmt: skip
    assert regions["ROAP"]["count"] is None and regions["ROAP"]["suppressed"]
    assert regions["ROE"]["count"] == 0 and not regions["ROE"]["suppressed"]
    shown = [row["count"] for row in figures["by_country"] + figures["by_region"]]
    assert not any(count in (1, 2) for count in shown)


def test_the_suppression_rule_on_its_own():
    cells = [Cell("A", 1, "x"), Cell("B", 2, "x"), Cell("C", 7, "x"), Cell("D", 4, "y")]
    assert suppress_small_counts(cells) == set()
    # A and B hidden, add up to 3: protected; C shown.
    assert [cell.suppressed for cell in cells] == [True, True, False, False]
    lonely = [Cell("A", 1, "x"), Cell("B", 1, "x")]
    assert suppress_small_counts(lonely) == {"x"}  # 1 + 1 could be nothing else
    forced = [Cell("R1", 40), Cell("R2", 10), Cell("R3", 0)]
    suppress_small_counts(forced, forced=frozenset({"R1"}))
    assert [cell.suppressed for cell in forced] == [True, True, False]


def test_the_figures_take_the_same_queries_however_many_requests(world):
    with CaptureQueriesContext(connection) as few:
        statistics.compute_figures()
    for country in ("KEN", "UGA", "GHA", "CHN", "BRA", "IND", "MEX"):
        for state in ("submitted", "routed", "closed"):
            request_in(country, state, 2023, themes=("T04", "T05"))
    funding(activity("ACT-MORE"), "environment_fund", "10", 2023)
    with CaptureQueriesContext(connection) as many:
        statistics.compute_figures()
    assert len(many.captured_queries) == len(few.captured_queries) <= 8


def test_the_api_is_public_stored_and_described_by_its_schema(world, api_client):
    openapi_schema_validator = pytest.importorskip("openapi_schema_validator")
    with CaptureQueriesContext(connection) as first:
        answer = api_client.get("/api/v1/statistics/")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["totals"]["requests"] == 16 and body["threshold"] == 3
    assert body["refresh_seconds"] == 300
    assert by_code(body["by_region"])["ROA"]["name"] == "Regional Office for Africa"
    assert "public" in answer["Cache-Control"]
    as_of = datetime.fromisoformat(body["as_of"])
    assert answer["Last-Modified"] == as_of.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert aggregates(first) == []  # read as stored, never computed by a reader
    # Kept: a second reader costs no query.
    with CaptureQueriesContext(connection) as second:
        assert api_client.get("/api/v1/statistics/").json() == body
    assert len(second.captured_queries) == 0
    # New requests are not seen until the next refresh, which says when it computed them.
    request_in("KEN", "submitted", 2025)
    assert api_client.get("/api/v1/statistics/").json()["totals"]["requests"] == 16
    refresh_public_statistics.delay()
    refreshed = api_client.get("/api/v1/statistics/").json()
    assert refreshed["totals"]["requests"] == 17 and refreshed["as_of"] >= body["as_of"]

    schema = api_client.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/statistics/"]["get"]
    reference = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][reference.rsplit("/", 1)[1]]
    validator = openapi_schema_validator.OAS30Validator(
        {**component, "components": schema["components"]}
    )
    validator.validate(body)
    for wrong in ({**body, "totals": {}}, {**body, "by_region": [{"code": "ROA"}]}):
        with pytest.raises(Exception, match="required"):
            validator.validate(wrong)


def test_names_follow_the_readers_language(world, api_client):
    english = api_client.get("/api/v1/statistics/").json()
    chinese = api_client.get("/api/v1/statistics/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert by_code(chinese["by_region"])["ROA"]["name"] == "非洲区域办事处"
    assert by_code(english["by_region"])["ROA"]["name"] != "非洲区域办事处"
    # Same figures, whatever the language.
    assert [row["count"] for row in chinese["by_theme"]] == [
        row["count"] for row in english["by_theme"]
    ]


def test_the_task_stores_the_figures_in_the_cache_and_the_database(world):
    never_computed()
    before = timezone.now().replace(microsecond=0)
    assert refresh_public_statistics.delay().get() is True
    stored = PublicFigures.objects.get()
    assert stored.figures["totals"]["requests"] == 16
    assert stored.computed_at >= before and stored.compute_seconds >= 0
    assert stored.figures["as_of"] == stored.computed_at.isoformat()
    assert cache.get(statistics.FIGURES_KEY) == stored.figures
    schedule = settings.CELERY_BEAT_SCHEDULE["public-statistics-refresh"]
    assert schedule == {
        "task": "reporting.tasks.refresh_public_statistics",
        "schedule": statistics.REFRESH_SECONDS,
    }


def test_readers_of_stored_figures_make_no_aggregate_query(world, client, api_client):
    cache.clear()  # as after a Redis restart: the durable copy is read, once
    with CaptureQueriesContext(connection) as reading:
        page = client.get("/dashboard/")
        body = api_client.get("/api/v1/statistics/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
        csv_file = client.get("/dashboard/countries.csv")
    assert page.status_code == csv_file.status_code == 200
    assert body["totals"]["requests"] == 16
    assert aggregates(reading) == []
    stored_reads = [q for q in reading.captured_queries if "publicfigures" in q["sql"].lower()]
    assert len(stored_reads) == 1  # then cached again for the others


def test_the_page_says_when_the_figures_were_computed(world, client):
    stored = PublicFigures.objects.get()
    html = client.get("/dashboard/").content.decode()
    as_of = re.search(r'id="figures-as-of">([^<]+)<', html)[1]
    assert "Figures as of" in as_of and "every 5 minutes" in as_of
    assert str(stored.computed_at.year) in as_of and f"{stored.computed_at:%-d}" in as_of


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_a_redis_outage_serves_the_durable_copy(world, api_client, redis_server, monkeypatch):
    from bali_portal.cache import RedisCache

    shared = RedisCache(redis_server.url, {"OPTIONS": {"socket_connect_timeout": 1}})
    monkeypatch.setattr(statistics, "cache", shared)
    statistics.refresh_figures()
    before = api_client.get("/api/v1/statistics/").json()
    assert shared.get(statistics.FIGURES_KEY)["totals"]["requests"] == 16
    redis_server.kill()
    request_in("KEN", "submitted", 2025)
    with CaptureQueriesContext(connection) as reading:
        answer = api_client.get("/api/v1/statistics/")
        page = api_client.get("/dashboard/")
    assert answer.status_code == 200
    # The stored figures, not computed again for each reader while the cache is away.
    assert answer.json()["totals"] == before["totals"]
    assert aggregates(reading) == []
    assert page.status_code == 200 and b'id="total-requests">16<' in page.content


def test_the_first_ever_read_computes_once(world, client, api_client):
    never_computed()
    with CaptureQueriesContext(connection) as first:
        answer = api_client.get("/api/v1/statistics/")
    assert answer.status_code == 200 and answer.json()["totals"]["requests"] == 16
    assert len(aggregates(first)) >= 5
    assert PublicFigures.objects.get().figures["totals"]["requests"] == 16
    cache.clear()
    with CaptureQueriesContext(connection) as later:
        assert client.get("/dashboard/").status_code == 200
    assert aggregates(later) == []


def test_while_another_computes_the_first_figures_readers_are_told_to_wait(
    world, client, api_client, monkeypatch
):
    never_computed()
    monkeypatch.setattr(statistics, "FIRST_WAIT_SECONDS", 0.3)
    holding, release = threading.Event(), threading.Event()

    def another_process_computing():
        try:
            with statistics.computing_lock() as held:
                if held:
                    holding.set()
                    release.wait(10)
        finally:
            connections.close_all()

    other = threading.Thread(target=another_process_computing)
    other.start()
    try:
        assert holding.wait(5)
        with CaptureQueriesContext(connection) as waiting:
            answer = api_client.get("/api/v1/statistics/")
            page = client.get("/dashboard/")
        assert answer.status_code == 503 and answer["Retry-After"] == "30"
        assert answer.json()["code"] == "figures_being_prepared"
        assert page.status_code == 503 and b'id="figures-being-prepared"' in page.content
        assert aggregates(waiting) == []  # nobody else computes meanwhile
        assert not PublicFigures.objects.exists()
    finally:
        release.set()
        other.join(10)
    assert api_client.get("/api/v1/statistics/").status_code == 200  # the lock is free again


def test_stale_figures_make_one_reader_queue_a_refresh(world, api_client):
    stored = PublicFigures.objects.get()
    old = timezone.now() - timedelta(seconds=statistics.STALE_SECONDS + 60)
    stale = {**stored.figures, "as_of": old.isoformat(timespec="seconds")}
    PublicFigures.objects.update(figures=stale, computed_at=old)
    cache.clear()
    request_in("KEN", "submitted", 2025)
    # This reader is answered with the stored figures; a refresh is queued (in the tests it
    # runs at once; in the embedded default in a thread, with a broker on a worker).
    assert api_client.get("/api/v1/statistics/").json()["as_of"] == stale["as_of"]
    refreshed = PublicFigures.objects.get()
    assert refreshed.computed_at > old and refreshed.figures["totals"]["requests"] == 17
    # The embedded default's configuration (the tests run tasks in their own thread).
    assert "reporting.tasks.refresh_public_statistics" in portal_settings.EAGER_TASKS_IN_THREAD


REFRESH_TASK = "reporting.tasks.refresh_public_statistics"


def test_in_process_a_stale_read_is_answered_at_once_and_refreshed_beside_it(
    transactional_db, in_their_own_thread, api_client, caplog
):
    """The embedded default (no broker, no beat): the refresh runs in a thread of its own."""
    in_their_own_thread(REFRESH_TASK)
    caplog.set_level(logging.INFO, logger="reporting.statistics")
    request_in("KEN", "submitted", 2025)
    stored = statistics.refresh_figures()
    old = timezone.now() - timedelta(seconds=statistics.STALE_SECONDS + 60)
    stale = {**stored, "as_of": old.isoformat(timespec="seconds")}
    PublicFigures.objects.update(figures=stale, computed_at=old)
    cache.clear()
    caplog.clear()
    request_in("UGA", "submitted", 2025)
    answer = api_client.get("/api/v1/statistics/").json()
    assert answer["as_of"] == stale["as_of"] and answer["totals"]["requests"] == 1
    for thread in threading.enumerate():
        if thread.name == f"eager {REFRESH_TASK}":
            thread.join(timeout=60)
    computed_in = [r.threadName for r in caplog.records if r.getMessage().startswith("Public")]
    assert computed_in == [f"eager {REFRESH_TASK}"]  # beside the request, not in it
    assert PublicFigures.objects.get().figures["totals"]["requests"] == 2
    assert api_client.get("/api/v1/statistics/").json()["totals"]["requests"] == 2


def test_migrate_leaves_the_figures_computed_and_flush_does_not(world):
    never_computed()
    emit_post_migrate_signal(0, False, "default")  # as flush does: no plan
    assert not PublicFigures.objects.exists()
    emit_post_migrate_signal(0, False, "default", plan=[], apps=global_apps)  # as migrate does
    assert PublicFigures.objects.get().figures["totals"]["requests"] == 16


def numbers(text: str) -> str:
    """The digits of a figure as a page writes it ("1,200" or "1 200" -> "1200")."""
    return re.sub(r"\D", "", text)


def cells_of(html: str, table: str) -> dict[str, list[str]]:
    """Row code -> the texts of the row's number cells, in a table of the page."""
    body = html.split(f'id="table-{table}"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for code, row in re.findall(r'<tr data-code="([^"]+)">(.*?)</tr>', body, re.S):
        rows[code] = [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r'<td class="num[^"]*"[^>]*>(.*?)</td>', row, re.S)
        ]
    return rows


def whole(amount) -> str:
    """Whole dollars, as the page rounds them (half up, as ``floatformat``)."""
    return str(Decimal(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@pytest.mark.parametrize("language", ["en", "zh-hans", "ar"])
def test_the_page_shows_the_apis_figures(world, client, api_client, language):
    page = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script" not in html and "style=" not in html  # the content security policy
    body = api_client.get("/api/v1/statistics/", HTTP_ACCEPT_LANGUAGE=language).json()
    assert numbers(re.search(r'id="total-requests">([^<]+)<', html)[1]) == str(
        body["totals"]["requests"]
    )
    stages = cells_of(html, "stages")
    assert {code: numbers(cells[0]) for code, cells in stages.items()} == {
        row["code"]: str(row["count"]) for row in body["by_stage"]
    }
    themes = cells_of(html, "themes")
    assert {code: numbers(cells[0]) for code, cells in themes.items()} == {
        row["code"]: str(row["count"]) for row in body["by_theme"]
    }
    for row in body["by_region"]:
        cells = cells_of(html, "regions")[row["code"]]
        if row["suppressed"]:
            assert numbers(cells[0]) == "3"  # "fewer than 3, not shown"
        else:
            assert [numbers(cell) for cell in cells] == [
                str(row["count"]),
                whole(row["estimated_budget_usd"]),
                whole(row["cost_usd"]),
            ]
    for row in body["by_year"]:
        assert [numbers(cell) for cell in cells_of(html, "years")[str(row["year"])]] == [
            str(row["received"]),
            str(row["completed"]),
            str(row["people_trained"]),
            whole(row["estimated_budget_usd"]),
            whole(row["cost_usd"]),
            whole(row["registry_funding_usd"]),
        ]
    countries = cells_of(html, "countries")
    for row in body["by_country"]:
        shown = numbers(countries[row["code"]][0])
        assert shown == ("3" if row["suppressed"] else str(row["count"]))
        assert row["name"] in html
    for key, value in body["results"].items():
        assert numbers(re.search(rf'data-code="{key}">([^<]+)<', html)[1]) == str(value)
    sources = cells_of(html, "funding-sources")
    for row in body["funding"]["by_source"]:
        assert [numbers(cell) for cell in sources[row["code"]]] == [
            whole(row["amount_usd"]),
            str(row["lines"]),
            str(row["lines_in_usd"]),
        ]
    assert f'<html lang="{language}"' in html


def test_the_page_weighs_under_60_kb_compressed_with_its_assets(world, client):
    page = client.get("/dashboard/", HTTP_ACCEPT_ENCODING="gzip")
    assert page["Content-Encoding"] == "gzip"
    html = gzip.decompress(page.content).decode()
    total = len(page.content)
    assets = re.findall(r'<(?:link|script|img)[^>]+(?:href|src)="([^"]+)"', html)
    assert not [url for url in assets if url.startswith(("http:", "https:", "//"))]
    stylesheets = [url for url in assets if url.endswith(".css")]
    assert any("dashboard" in url for url in stylesheets)
    for url in stylesheets:
        found = finders.find(url.removeprefix("/static/"))
        assert found, url
        with open(found, "rb") as handle:
            total += len(gzip.compress(handle.read()))
    assert total <= PAGE_BUDGET_BYTES, total


def test_each_table_downloads_as_csv_safe_for_spreadsheets(world, client):
    kind = FundingSourceKind.objects.get(code="gef")
    kind.name = '=HYPERLINK("http://evil.example")'
    kind.save()
    page = client.get("/dashboard/").content.decode()
    links = re.findall(r'href="(/dashboard/[a-z-]+\.csv)"', page)
    assert len(links) == 6
    for link in links:
        answer = client.get(link)
        assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
        assert answer.content.startswith("\ufeff".encode())
    sources = list(csv.reader(io.StringIO(client.get("/dashboard/funding-sources.csv")
                                          .content.decode("utf-8-sig"))))  # fmt: skip
    assert sources[0][:2] == ["Code", "Kind of source"]
    gef = next(row for row in sources if row[0] == "gef")
    assert gef[1] == '\'=HYPERLINK("http://evil.example")' and gef[4] == "6000.25"
    countries = list(csv.reader(io.StringIO(client.get("/dashboard/countries.csv")
                                            .content.decode("utf-8-sig"))))  # fmt: skip
    assert countries[0][-1] == "Hidden (small number)"
    ghana = next(row for row in countries if row[0] == "GHA")
    assert ghana[3] == "" and ghana[-1] == "yes"
    assert client.get("/dashboard/secrets.csv").status_code == 404


def test_the_dashboard_is_in_the_navigation_for_everyone(client, client_for):
    for visitor in (client, client_for(factories.focal_point())):
        assert 'href="/dashboard/"' in visitor.get("/").content.decode()
