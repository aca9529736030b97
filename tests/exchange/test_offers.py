"""Offers of countries and regional centres (issue 19): published by focal points and centres,
public to read, searchable, and among a request's matches with their reasons."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exchange import services
from exchange.models import Offer
from registry.models import Country, SupportType, ThematicArea
from requests_app.matching import matches_for
from tests import factories
from tests.requests_app import focal

pytestmark = pytest.mark.django_db

OFFERS = "/api/v1/offers/"


def offer_values(**extra) -> dict:
    values = {
        "title": "Satellite monitoring of deforestation",
        "description": "Courses for forest agencies on satellite monitoring of forest cover.",
        "thematic_areas": ["T16", "T02"],
        "support_types": ["training", "technology"],
        "countries_served": [],
        "languages": ["pt", "en"],
        "contact_name": "Cooperation office",
        "contact_email": "cooperation@mma.example.org",
    }
    return {**values, **extra}


def publish(actor, **extra) -> Offer:
    values = offer_values(**extra)
    for name, model in (
        ("thematic_areas", ThematicArea),
        ("support_types", SupportType),
        ("countries_served", Country),
    ):
        values[name] = list(model.objects.filter(pk__in=values[name]))
    return services.save_offer(actor=actor, values=values)


def test_focal_points_and_centres_publish_for_themselves_through_the_api(cast, centres, api_for):
    answer = api_for(cast.outsider_focal_point).post(OFFERS, offer_values(), format="json")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert (body["provider_country"], body["provider_organization"]) == ("BRA", None)
    assert sorted(body["thematic_areas"]) == ["T02", "T16"]
    # A focal point cannot offer in another country's name: its own country is the provider.
    sneaky = api_for(cast.owner).post(
        OFFERS, offer_values(provider_country="BRA", title="Kenya's course"), format="json"
    )
    assert sneaky.status_code == 201 and sneaky.json()["provider_country"] == "KEN"

    centre = api_for(centres.staff).post(OFFERS, offer_values(title="Mapping"), format="json")
    assert centre.status_code == 201
    assert centre.json()["provider_organization"] == centres.east_africa.pk
    assert centre.json()["provider_name"] == "Regional Centre for Mapping of Resources"

    # The coordinator names the provider; exactly one.
    coordinator = api_for(factories.coordinator())
    neither = coordinator.post(OFFERS, offer_values(), format="json")
    assert neither.status_code == 400 and "provider_country" in neither.json()["errors"]
    named = coordinator.post(OFFERS, offer_values(provider_country="NPL"), format="json")
    assert named.status_code == 201 and named.json()["provider_country"] == "NPL"

    for outsider in (cast.office, cast.lead, cast.council):
        assert api_for(outsider).post(OFFERS, offer_values(), format="json").status_code == 403


def test_bad_input_names_the_field_and_keeps_nothing(cast, api_for):
    api = api_for(cast.owner)
    answer = api.post(OFFERS, offer_values(thematic_areas=[], contact_email="nope"), format="json")
    assert answer.status_code == 400
    assert {"contact_email"} <= set(answer.json()["errors"])
    answer = api.post(OFFERS, offer_values(thematic_areas=[]), format="json")
    assert answer.status_code == 400 and set(answer.json()["errors"]) == {"thematic_areas"}
    answer = api.post(OFFERS, offer_values(languages=["xx"]), format="json")
    assert answer.status_code == 400 and "languages" in answer.json()["errors"]
    assert not Offer.objects.exists()


def test_only_the_provider_edits_and_unpublished_offers_are_not_public(
    cast, api_for, api_client, client
):
    offer = publish(cast.owner)
    url = f"{OFFERS}{offer.pk}/"
    assert api_for(cast.outsider_focal_point).patch(url, {"title": "Mine"}).status_code == 404
    assert api_for(cast.colleague).patch(url, {"is_published": False}).status_code == 200
    assert api_client.get(url).status_code == 404
    assert client.get(f"/registry/offers/{offer.pk}/").status_code == 404
    assert api_for(cast.owner).get(url).status_code == 200  # its own country still reads it
    assert api_client.get(OFFERS).json()["count"] == 0


def test_anyone_searches_and_filters_the_published_offers(cast, centres, api_client, client):
    publish(cast.outsider_focal_point)
    publish(
        centres.staff,
        title="Land cover mapping for drylands",
        description="Land cover maps of drylands from satellite images, with local partners.",
        thematic_areas=["T03"],
        support_types=["assessment"],
        countries_served=["KEN", "UGA"],
        languages=["en", "sw"],
    )

    def titles(**params):
        answer = api_client.get(OFFERS, params)
        assert answer.status_code == 200
        return {item["title"] for item in answer.json()["results"]}

    everything = {"Satellite monitoring of deforestation", "Land cover mapping for drylands"}
    assert titles() == everything
    assert titles(search="satellite forest") == {"Satellite monitoring of deforestation"}
    assert titles(search="satellite") == everything
    assert titles(search="mapping") == {"Land cover mapping for drylands"}
    assert titles(thematic_area="T03") == {"Land cover mapping for drylands"}
    assert titles(support_type="training") == {"Satellite monitoring of deforestation"}
    assert titles(language="sw") == {"Land cover mapping for drylands"}
    # An offer naming no country is open to all; one naming countries only to those.
    assert titles(country_served="KEN") == everything
    assert titles(country_served="NPL") == {"Satellite monitoring of deforestation"}
    assert titles(provider_country="BRA") == {"Satellite monitoring of deforestation"}
    assert titles(thematic_area="T99") == set()  # a code no record has matches nothing

    page = client.get("/registry/offers/", {"search": "mapping"}).content.decode()
    assert "Land cover mapping for drylands" in page and "Satellite monitoring" not in page
    assert client.get("/registry/offers/", {"thematic_area": "nope"}).status_code == 200


def test_a_request_is_matched_with_the_offers_that_answer_it_with_the_reasons(cast, centres):
    request_obj = focal.submitted(
        cast,
        **{
            **focal.complete_values("Forest cover monitoring"),
            "thematic_areas": ["T16"],
            "support_types": ["training"],
            "south_south_interest": "south_south",
        },
    )
    open_to_all = publish(cast.outsider_focal_point)
    named = publish(
        centres.staff, title="Forest inventories", thematic_areas=["T16"], countries_served=["KEN"]
    )
    elsewhere = publish(
        centres.amazon_staff, title="Amazon only", thematic_areas=["T16"], countries_served=["BRA"]
    )
    unrelated = publish(cast.outsider_focal_point, title="Oceans", thematic_areas=["T06"],
                        support_types=["legal"])  # fmt: skip

    offers = {match.object: match for match in matches_for(request_obj).offers}
    assert set(offers) == {open_to_all, named}
    assert elsewhere not in offers and unrelated not in offers
    reasons = " | ".join(offers[named].reasons)
    assert "Same thematic areas: Forests" in reasons
    assert "Same types of support: Training" in reasons
    assert "Offered to Kenya by name" in reasons
    assert "Offered for South-South cooperation, which the country asked for" in reasons
    # Named for Kenya: four points more than the offer open to every country.
    assert offers[named].score == offers[open_to_all].score + 4
    assert matches_for(request_obj).offers[0].object == named


def test_the_matches_page_and_api_list_the_offers(cast, api_for, client):
    request_obj = focal.submitted(
        cast,
        **{**focal.complete_values(), "thematic_areas": ["T16"], "support_types": ["training"]},
    )
    offer = publish(cast.outsider_focal_point)
    answer = api_for(cast.owner).get(f"/api/v1/requests/{request_obj.reference}/matches/")
    assert [item["id"] for item in answer.json()["offers"]] == [str(offer.pk)]
    client.force_login(cast.office)
    html = client.get(f"/requests/{request_obj.reference}/matches/").content.decode()
    assert "Offers of countries and regional centres" in html and offer.title in html


def test_the_list_of_offers_runs_a_fixed_number_of_queries(cast, centres, client):
    publish(cast.outsider_focal_point)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/registry/offers/").status_code == 200
        return len(queries)

    few = count()
    for number in range(6):
        publish(centres.staff, title=f"Offer {number}", countries_served=["KEN", "UGA"])
    assert count() == few
