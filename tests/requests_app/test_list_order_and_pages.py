"""Lists read a page's keys first, then its rows; the API orders newest first or by urgency."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bali_portal.pagination import KeysFirstPaginator
from requests_app.models import Request
from requests_app.workflow import State
from tests.factories import division_staff, make_request, regional_staff

pytestmark = pytest.mark.django_db


def _submitted_days_ago(request, days: int, due_in_days: int) -> None:
    now = timezone.now()
    Request.objects.filter(pk=request.pk).update(
        submitted_at=now - timedelta(days=days), due_at=now + timedelta(days=due_in_days)
    )


def test_pages_of_keys_first_hold_the_same_rows_in_the_same_order_as_slicing():
    for number in range(7):
        make_request("KEN", state=State.SUBMITTED, title=f"Request {number % 3}")
    ordered = Request.objects.select_related("country").order_by("title", "-pk")
    paginator = KeysFirstPaginator(ordered, 3)
    pages = [list(paginator.page(number).object_list) for number in paginator.page_range]
    assert [row.pk for page in pages for row in page] == [row.pk for row in ordered]
    assert [len(page) for page in pages] == [3, 3, 1]
    assert pages[0][0].country.code == "KEN"


def test_the_api_orders_by_urgency_as_the_queue_does(api_for):
    late = make_request("KEN", state=State.SUBMITTED, title="late")
    _submitted_days_ago(late, 20, due_in_days=-3)
    old = make_request("KEN", state=State.UNDER_REVIEW, title="old, on time")
    _submitted_days_ago(old, 30, due_in_days=5)
    recent = make_request("KEN", state=State.SUBMITTED, title="recent")
    _submitted_days_ago(recent, 1, due_in_days=9)
    finished = make_request("KEN", state=State.DECLINED, title="finished")
    _submitted_days_ago(finished, 40, due_in_days=-30)
    api = api_for(regional_staff("ROA"))

    urgent = api.get("/api/v1/requests/?ordering=urgency").json()["results"]
    assert [item["title"] for item in urgent] == ["late", "old, on time", "recent", "finished"]
    assert urgent[0]["overdue"] is True
    newest = api.get("/api/v1/requests/").json()["results"]
    assert [item["title"] for item in newest] == ["finished", "recent", "old, on time", "late"]
    assert api.get("/api/v1/requests/?ordering=newest").json()["results"] == newest


def test_an_unknown_ordering_is_named_in_a_400(api_for):
    response = api_for(regional_staff("ROA")).get("/api/v1/requests/?ordering=oldest")
    assert response.status_code == 400
    assert "newest, urgency" in " ".join(response.json()["errors"]["ordering"])


def test_a_division_lists_each_request_once_whether_lead_or_supporting(api_for):
    both = make_request("KEN", state=State.ROUTED, lead_division="DEPI", supporting=("DEPI",))
    supporting = make_request("KEN", state=State.ROUTED, lead_division="DTIE", supporting=("DEPI",))
    make_request("KEN", state=State.ROUTED, lead_division="DTIE")
    results = api_for(division_staff("DEPI")).get("/api/v1/requests/").json()["results"]
    assert sorted(item["reference"] for item in results) == sorted(
        [both.reference, supporting.reference]
    )


def test_reference_lists_attached_in_one_query_equal_the_relations(django_assert_num_queries):
    from registry.models import Country, CrossCuttingIssue, SupportType, ThematicArea
    from requests_app.selectors import REFERENCE_LISTS, attach_reference_lists

    first = make_request("KEN", state=State.SUBMITTED, supporting=("DEPI", "DTIE"))
    first.thematic_areas.set(ThematicArea.objects.filter(code__in=["T13", "T02", "T07"]))
    first.support_types.set(SupportType.objects.filter(code__in=["training"]))
    first.covered_countries.set(Country.objects.filter(code__in=["UGA", "ETH"]))
    second = make_request("UGA", state=State.SUBMITTED)
    second.cross_cutting_issues.set(CrossCuttingIssue.objects.all()[:2])
    rows = list(Request.objects.filter(pk__in=[first.pk, second.pk, make_request().pk]))
    with django_assert_num_queries(1):
        attach_reference_lists(rows)
    for row in rows:
        for name in REFERENCE_LISTS:
            attached = [(item.code, item.label) for item in getattr(row, f"listed_{name}")]
            assert attached == [(item.code, item.label) for item in getattr(row, name).all()]
    by_id = {row.pk: row for row in rows}
    assert [item.code for item in by_id[first.pk].listed_covered_countries] == ["ETH", "UGA"]
