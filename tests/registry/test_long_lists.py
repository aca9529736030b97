"""Long lists of the registry without a result cache (issue 14): pages read keys first from
the title index give the plain ORM query's rows; a list longer than the exact-count limit is
counted on a sample and says so, and every page of it stays reachable."""

import re

import pytest
from django.core.cache import cache
from django.db import connection

from registry import matching, selectors
from registry.models import Activity
from requests_app.models import Request
from tests.factories import coordinator, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(make_activity):
    titles = ["Water", "Soil", "Ozone", "Forest", "Coast", "Air", "Climate"]
    for number in range(45):
        make_activity(
            f"LONG-{number:02d}",
            title=f"{titles[number % 7]} plan {number % 5}",  # repeated titles: ties on title
            countries=(["KEN", "NPL", "BRA"][number % 3],),
            themes=(["T01", "T04", "T07"][number % 3],),
            published=number % 9 != 4,
            description="water" if number % 2 else "",
        )
    cache.clear()


def identifiers_on_page(html: str) -> list[str]:
    linked = list(dict.fromkeys(re.findall(r'href="/registry/activities/([0-9]+)/"', html)))
    by_pk = dict(Activity.objects.values_list("pk", "identifier"))
    return [by_pk[int(pk)] for pk in linked]


@pytest.mark.parametrize("limit", [1000, 10])
def test_pages_of_the_list_give_the_rows_of_the_plain_orm_query(many, client, monkeypatch, limit):
    monkeypatch.setattr(selectors, "EXACT_COUNT_LIMIT", limit)
    plain = list(Activity.objects.published().order_by("title", "pk").values_list(
        "identifier", flat=True))  # fmt: skip
    pages = []
    for page in (1, 2):
        pages += identifiers_on_page(client.get("/registry/", {"page": page}).content.decode())
    assert pages == plain  # 40 published over two pages of 20
    answer = client.get("/api/v1/activities/", {"page": 1}).json()  # 50 rows a page
    assert [row["identifier"] for row in answer["results"]] == plain
    staff = client
    staff.force_login(coordinator())  # unpublished ones too: the same index, another filter
    everything = list(Activity.objects.order_by("title", "pk").values_list("identifier", flat=True))
    seen = []
    for page in (1, 2, 3):
        seen += identifiers_on_page(staff.get("/registry/", {"page": page}).content.decode())
    assert seen == everything


@pytest.mark.skipif(connection.vendor != "postgresql", reason="estimates come from PostgreSQL")
def test_a_list_longer_than_the_limit_says_its_numbers_are_estimates(many, client, monkeypatch):
    monkeypatch.setattr(selectors, "EXACT_COUNT_LIMIT", 10)
    answer = client.get("/api/v1/activities/", {"search": "plan"}).json()
    assert answer["count_is_estimate"] is True
    assert answer["count"] >= 11
    themes = next(facet for facet in answer["facets"] if facet["name"] == "thematic_area")
    assert {item["value"] for item in themes["items"]} <= {"T01", "T04", "T07"}
    page = client.get("/registry/", {"search": "plan"}).content.decode()
    assert "About" in page and "estimates" in page
    # Every match is reachable page by page, whatever the estimate says.
    seen, number = [], 1
    while True:
        answer = client.get("/api/v1/activities/", {"search": "plan", "page": number}).json()
        seen += [row["identifier"] for row in answer["results"]]
        if not answer["next"]:
            break
        number += 1
    assert sorted(seen) == sorted(
        Activity.objects.published().filter(title__icontains="plan").values_list(
            "identifier", flat=True)
    )  # fmt: skip
    monkeypatch.setattr(selectors, "EXACT_COUNT_LIMIT", 1000)
    cache.clear()
    exact = client.get("/api/v1/activities/", {"search": "plan"}).json()
    assert exact["count_is_estimate"] is False and exact["count"] == len(seen) == 40


def test_matches_read_only_the_candidates_that_can_be_best(many, monkeypatch):
    """The bounded shortlist equals the one ranking every candidate."""
    request = make_request(
        "KEN", state="submitted", title="Water plan", description="water soil", lead_division=None
    )
    request.thematic_areas.set(["T01", "T04"])
    request.support_types.set(["training"])
    request = Request.objects.select_related("country", "regional_office").get(pk=request.pk)
    need = matching.read_need(request)
    for size in (1, 3, 5, 12):
        monkeypatch.setattr(matching, "CANDIDATES_PER_RESULT", 1)
        bounded = [(item.id, item.score) for item in matching._shortlist(need, size)]
        monkeypatch.setattr(matching, "CANDIDATES_PER_RESULT", matching.EVERY_CANDIDATE // size)
        every = [(item.id, item.score) for item in matching._shortlist(need, size)]
        assert bounded == every


def test_next_links_read_the_following_page_by_key(many, client):
    """Paging on by the next links (keyset: from the last row's key) gives the plain ORM
    query's rows, on the page and in the API, and the query seeks by title, not by offset."""
    from django.test.utils import CaptureQueriesContext

    plain = list(Activity.objects.published().order_by("title", "pk").values_list(
        "identifier", flat=True))  # fmt: skip
    seen, url = [], "/registry/"
    while url:
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        seen += identifiers_on_page(html)
        found = re.search(r'href="(\?[^"]*)" rel="next"', html)
        url = "/registry/" + found.group(1).replace("&amp;", "&") if found else None
        if url:
            assert "after=" in url
    assert seen == plain
    assert any('"title" >=' in query["sql"] for query in queries.captured_queries)
    assert not any("OFFSET" in query["sql"] for query in queries.captured_queries)
    # The API, one row a page: every next link goes on from the key before it.
    rows, url = [], "/api/v1/activities/"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("registry.api.views.ActivityViewSet.pagination_class.page_size", 7)
        while url:
            answer = client.get(url).json()
            rows += [row["identifier"] for row in answer["results"]]
            url = answer["next"]
    assert rows == plain
    # A token for another page is ignored: the page asked for is read by its number.
    page = client.get("/registry/", {"page": 2, "after": "5.1"}).content.decode()
    assert identifiers_on_page(page) == plain[20:40]
