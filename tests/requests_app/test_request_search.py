"""The coordinator's text search over requests (issue 14): one condition on reference, title
and description joined, indexed with trigrams on PostgreSQL, gives the same requests as the
plain ORM query it replaced; a long result is counted up to a limit and then estimated."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bali_portal import pagination
from requests_app.filters import RequestFilterSet
from requests_app.models import Request
from tests.factories import coordinator, make_request

pytestmark = pytest.mark.django_db

TEXTS = [
    ("Mercury-free gold mining", "Train miners in gravity methods instead of amalgamation."),
    ("MERCURY in fish", "Monitoring methylmercury in the Tapajós river."),
    ("Coastal plan", "Mangroves and coral reefs; no heavy metals here."),
    ("Air quality", "Straße und Luft: monitoring stations for the city."),
    ("草原退化", "牧区生态补偿 and grassland monitoring."),
    ("Biosafety law", "A national biosafety framework under the Cartagena Protocol."),
    ("Drought", "Early warning for drought; 100% of districts."),
    ("Waste_water", "Treating waste water in small towns."),
]
SEARCHES = [
    "mercury", "MERCURY", "Mercury gold", "methylmercury", "ken-", "KEN-2026", "coral reefs",
    "reefs; no", "plan coral", "straße", "STRASSE", "luft", "草原", "补偿 grassland",
    "monitoring", "100%", "waste_water", "_", "%", "fish river", "mining fish", "nothing-here",
    "in", "a", "Biosafety Cartagena", "  spaced   words  ",
]  # fmt: skip


@pytest.fixture
def requests_with_texts():
    now = timezone.now()
    made = []
    for index, (title, description) in enumerate(TEXTS):
        country = ["KEN", "BRA", "NPL", "CHN"][index % 4]
        request = make_request(country, state="submitted", title=title, description=description)
        Request.objects.filter(pk=request.pk).update(created_at=now - timedelta(days=index))
        made.append(request)
    make_request("KEN", state="draft", title="Mercury draft", description="Not submitted yet.")
    return made


def plain_orm_search(queryset, value):
    """The search as it was written before issue 14: each word in any of the three fields."""
    for term in value.split():
        queryset = queryset.filter(
            Q(reference__icontains=term) | Q(title__icontains=term) | Q(description__icontains=term)
        )
    return queryset


@pytest.mark.parametrize("words", SEARCHES)
def test_the_search_finds_the_same_requests_as_the_plain_orm_query(requests_with_texts, words):
    everything = Request.objects.exclude(state="draft")
    found = RequestFilterSet({"search": words}, everything).qs
    assert set(found.values_list("pk", flat=True)) == set(
        plain_orm_search(everything, words).values_list("pk", flat=True)
    )


def test_the_api_lists_them_newest_first_with_an_exact_count(requests_with_texts, client):
    client.force_login(coordinator())
    answer = client.get("/api/v1/requests/", {"search": "monitoring"}).json()
    expected = plain_orm_search(Request.objects.exclude(state="draft"), "monitoring").order_by(
        "-created_at", "-pk"
    )
    assert [row["reference"] for row in answer["results"]] == [r.reference for r in expected]
    assert answer["count"] == expected.count() == 3
    assert answer["count_is_estimate"] is False


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's trigram index")
def test_postgres_answers_from_the_trigram_index():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = (
            RequestFilterSet({"search": "mercury"}, Request.objects.all())
            .qs.order_by()
            .values("pk")
            .query
        ).sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "request_text_trigrams" in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="estimates come from PostgreSQL")
def test_a_long_result_is_estimated_and_every_page_stays_reachable(
    requests_with_texts, client, monkeypatch
):
    monkeypatch.setattr(pagination, "EXACT_COUNT_LIMIT", 2)
    monkeypatch.setattr("requests_app.api.views.RequestViewSet.pagination_class.page_size", 2)
    client.force_login(coordinator())
    first = client.get("/api/v1/requests/", {"search": "in"}).json()
    assert first["count_is_estimate"] is True
    assert first["count"] >= 3
    seen, page = [], 1
    while True:
        answer = client.get("/api/v1/requests/", {"search": "in", "page": page}).json()
        seen += [row["reference"] for row in answer.get("results", [])]
        if not answer.get("next"):
            break
        page += 1
    expected = plain_orm_search(Request.objects.exclude(state="draft"), "in").order_by(
        "-created_at", "-pk"
    )
    assert seen == [request.reference for request in expected]
    page = client.get("/requests/", {"search": "in"})
    assert "About" in page.content.decode()


@pytest.mark.parametrize("limit", [1000, 2])
def test_a_search_runs_a_fixed_number_of_queries(requests_with_texts, client, monkeypatch, limit):
    monkeypatch.setattr(pagination, "EXACT_COUNT_LIMIT", limit)
    client.force_login(coordinator())

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/requests/", {"search": "i"}).status_code == 200
        return len(queries)

    small = count()
    for index in range(12):
        make_request("NPL", state="submitted", title=f"Irrigation {index}", description="i")
    assert count() == small
