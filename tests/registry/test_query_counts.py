"""Search and list pages, the API and the exports run a fixed number of queries, whatever the
number of activities (style.md, habit 9)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import coordinator

pytestmark = pytest.mark.django_db

URLS = [
    "/registry/",
    "/registry/?page=2",
    "/registry/?search=water+activity&thematic_area=T04",
    "/registry/?country=KEN&status=ongoing&modality=south_south&year=2020",
    "/api/v1/activities/",
    "/api/v1/activities/?search=water&regional_office=ROA",
    "/api/v1/activities/export/?format=csv",
    "/api/v1/activities/export/?format=json&thematic_area=T04",
    "/api/v1/activities/export/?format=iati",
    "/registry/organizations/",
    "/registry/solutions/",
    "/api/v1/organizations/",
]


def add_activities(make_activity, count: int, start: int) -> None:
    for number in range(start, start + count):
        make_activity(
            f"LOAD-{number:03d}",
            title=f"Water activity {number}",
            countries=("KEN", "UGA"),
            themes=("T04", "T19"),
            support=("training",),
            partners=[(f"Institute {number}", "implementing")],
            funding=[(f"Donor {number % 3}", "1000", "USD")],
        )


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_activities(
    make_activity, client, django_assert_num_queries
):
    from django.test import Client

    staff = Client()
    staff.force_login(coordinator())  # sees unpublished records too: another queryset
    clients = {"public": client, "coordinator": staff}
    add_activities(make_activity, 3, 0)
    small = {(who, url): queries_of(c, url) for who, c in clients.items() for url in URLS}
    add_activities(make_activity, 22, 3)  # more than a page of 20
    for (who, url), count in small.items():
        with django_assert_num_queries(count):
            response = clients[who].get(url)
            if response.streaming:
                b"".join(response.streaming_content)


def test_the_detail_page_runs_a_fixed_number_of_queries(make_activity, client):
    small = make_activity(countries=("KEN",), partners=[("Only partner", "technical")])
    big = make_activity(
        countries=("KEN", "UGA", "TZA", "RWA", "BDI"),
        themes=("T01", "T04", "T13", "T19"),
        partners=[(f"Partner {n}", "implementing") for n in range(8)],
        funding=[(f"Funder {n}", "10", "EUR") for n in range(5)],
    )
    assert queries_of(client, small.get_absolute_url()) == queries_of(
        client, big.get_absolute_url()
    )
