"""Empty and unknown filter values (``bali_portal.filters``), on the API and the pages."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

ACTIVITIES = "/api/v1/activities/"


def count(api_client, query):
    response = api_client.get(ACTIVITIES + query)
    assert response.status_code == 200, (query, response.content)
    return response.json()["count"]


def test_an_empty_value_is_no_filter(registry_demo, api_client):
    every = count(api_client, "")
    assert every == len(registry_demo)
    for query in ("?country=", "?country=&country=", "?funder=", "?parent=", "?year=", "?page="):
        assert count(api_client, query) == every, query
    assert count(api_client, "?country=NPL&country=") == count(api_client, "?country=NPL")


@pytest.fixture
def staff(api_for):
    return api_for(factories.coordinator())


def test_a_key_or_code_no_record_has_matches_nothing(registry_demo, api_client, staff):
    assert count(api_client, "?funder=999999") == 0
    assert count(api_client, "?country=ZZZ") == 0
    assert count(api_client, "?country=ZZZ&country=NPL") == count(api_client, "?country=NPL")
    assert count(api_client, "?thematic_area=T99") == 0
    assert api_client.get("/api/v1/organizations/?country=ZZZ").json()["count"] == 0
    assert staff.get("/api/v1/experts/?centre=999999").json()["count"] == 0
    assert staff.get("/api/v1/offers/?provider_organization=999999").json()["count"] == 0


def test_what_cannot_be_a_key_is_still_refused(registry_demo, staff):
    for url in (
        ACTIVITIES + "?funder=0",
        ACTIVITIES + "?funder=abc",
        ACTIVITIES + "?funder=99999999999999999999",
        ACTIVITIES + "?parent=0",
        "/api/v1/experts/?centre=0",
        "/api/v1/offers/?provider_organization=-1",
    ):
        response = staff.get(url)
        assert response.status_code == 400, url
        assert response.json()["errors"], url


def test_the_pages_take_empty_and_unknown_values_alike(registry_demo, client):
    assert client.get("/registry/?country=&thematic_area=").status_code == 200
    response = client.get("/registry/?country=ZZZ")
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 0


def test_a_yes_or_no_filter_refuses_anything_else(registry_demo, api_client):
    solutions = "/api/v1/solutions/"
    every = api_client.get(solutions).json()["count"]
    assert api_client.get(solutions + "?south_south=").json()["count"] == every
    assert api_client.get(solutions + "?south_south=true").status_code == 200
    response = api_client.get(solutions + "?south_south=-58800")
    assert response.status_code == 400
    assert "south_south" in response.json()["errors"]
