"""Whom the plan serves (plan §1-3): every country's classification is reference data with its
source, the API gives it, and a request for a country the plan does not serve is refused at
submission with a message naming the country's status; requests already submitted stay."""

import pytest

from registry.models import Country
from registry.reference_data import CLASSIFICATION_DATE, load_reference_data, read_classification
from requests_app import services
from requests_app.models import Request
from tests import factories
from tests.requests_app import focal

pytestmark = pytest.mark.django_db


def test_the_classification_is_the_uns_as_the_data_file_says(api_client):
    countries = {
        item["code"]: item for item in api_client.get("/api/v1/reference/countries/").json()
    }
    economies = {}
    for item in countries.values():
        economies.setdefault(item["economy"], set()).add(item["code"])
        assert item["eligible"] == (item["economy"] != "developed"), item["code"]
        assert item["classified_on"] == CLASSIFICATION_DATE.isoformat()
        assert "World Economic Situation and Prospects 2024" in item["classification_source"]
    assert (
        len(economies["developed"]) == 40 and {"CAN", "USA", "JPN", "POL"} <= economies["developed"]
    )
    assert (
        len(economies["transition"]) == 17
        and {"GEO", "KAZ", "SRB", "UKR"} <= economies["transition"]
    )
    assert {"KOR", "SGP", "ISR", "TUR", "CHN"} <= economies["developing"]
    flags = {
        flag: {c for c, item in countries.items() if item[flag]} for flag in ("ldc", "lldc", "sids")
    }
    assert (len(flags["ldc"]), len(flags["lldc"]), len(flags["sids"])) == (44, 32, 38)
    assert {"AFG", "HTI", "TLS", "KIR"} <= flags["ldc"] and "BTN" not in flags["ldc"]
    assert {"BOL", "MNG", "ARM", "BTN"} <= flags["lldc"]
    assert {"FJI", "SGP", "BHR", "CUB"} <= flags["sids"]
    assert set(read_classification()) == set(countries)  # one row per country, none missing


def test_the_coordinators_changes_survive_a_reload_of_the_reference_data():
    Country.objects.filter(code="BGD").update(
        ldc=False, classification_source="GA resolution 76/8: graduated", classified_on="2026-11-24"
    )
    load_reference_data()
    bangladesh = Country.objects.get(code="BGD")
    assert not bangladesh.ldc and bangladesh.classification_source.startswith("GA resolution")


def test_a_focal_point_of_a_developed_country_gets_400_on_submit_naming_its_status(api_for):
    canada = factories.focal_point("CAN")
    api = api_for(canada)
    draft = api.post("/api/v1/requests/", focal.complete_values(), format="json")
    assert draft.status_code == 201  # a draft harms nobody
    reference = draft.json()["reference"]
    answer = api.post(f"/api/v1/requests/{reference}/submit/")
    assert answer.status_code == 400
    body = answer.json()
    assert "Canada is classified as a developed economy" in body["detail"]
    assert "World Economic Situation and Prospects 2024" in " ".join(body["errors"]["country"])
    stored = Request.objects.get(reference=reference)
    assert stored.state == "draft" and list(stored.events.values_list("action", flat=True)) == [
        "create"
    ]
    filed = api.post(
        "/api/v1/requests/", {**focal.complete_values(), "submit": True}, format="json"
    )
    assert filed.status_code == 400 and "developed economy" in " ".join(
        filed.json()["errors"]["country"]
    )
    assert Request.objects.filter(country_id="CAN").count() == 1  # nothing left of the filing


def test_the_page_says_why_too(client_for):
    canada = factories.focal_point("CAN")
    request = services.create_draft(actor=canada, values=focal.complete_values())
    form = {**focal.complete_values(), "intent": "submit", "desired_start": "2026-09-01"}
    answer = client_for(canada).post(f"/requests/{request.reference}/edit/", form)
    assert answer.status_code == 400
    assert "Canada is classified as a developed economy" in answer.content.decode()


def test_covering_a_country_the_plan_does_not_serve_is_refused(api_for):
    kenya = factories.focal_point("KEN")
    values = {
        **focal.complete_values(),
        "scope": "subregional",
        "covered_countries": ["UGA", "USA"],
    }
    answer = api_for(kenya).post("/api/v1/requests/", {**values, "submit": True}, format="json")
    assert answer.status_code == 400
    assert "United States of America is classified as a developed economy" in (
        " ".join(answer.json()["errors"]["covered_countries"])
    )


def test_requests_submitted_before_stay_where_they_are_and_move_on():
    old = factories.make_request("CAN", state="submitted")
    office = factories.regional_staff("RONA")
    services.perform_action(request=old, actor=office, action="acknowledge")
    old.refresh_from_db()
    assert old.state == "under_review"


def test_a_reclassified_country_can_submit_again(api_for):
    canada = factories.focal_point("CAN")
    country = Country.objects.get(code="CAN")
    country.economy = "developing"  # as the coordinator would, in the admin
    country.save()
    canada.refresh_from_db()  # as each call reads its user afresh
    filed = api_for(canada).post(
        "/api/v1/requests/", {**focal.complete_values(), "submit": True}, format="json"
    )
    assert filed.status_code == 201 and filed.json()["state"] == "submitted"
