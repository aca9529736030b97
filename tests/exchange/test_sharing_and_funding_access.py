"""Sharing a request with partners (off by default, the country's to decide) and asking for
help to reach a source of assistance (a request of type "access to funding", linked to it)."""

import pytest

from exchange.models import Event, FundingAccess
from registry.models import AssistanceSource, Organization
from tests.requests_app import focal

pytestmark = pytest.mark.django_db


def test_sharing_is_off_by_default_and_the_countrys_to_change(cast, api_for, client_for):
    request_obj = focal.submitted(cast)
    assert request_obj.share_with_partners is False
    url = f"/api/v1/requests/{request_obj.reference}/sharing/"
    assert api_for(cast.office).post(url, {"share_with_partners": True}).status_code == 403
    assert (
        api_for(cast.outsider_focal_point).post(url, {"share_with_partners": True}).status_code
        == 404
    )
    assert api_for(cast.owner).post(url, {}, format="json").status_code == 400
    answer = api_for(cast.colleague).post(url, {"share_with_partners": True}, format="json")
    assert answer.status_code == 200 and answer.json()["share_with_partners"] is True
    assert Event.objects.get(request=request_obj, kind="sharing_changed").payload == {
        "shared": True
    }
    # From the request's page too, without JavaScript.
    page = client_for(cast.owner)
    assert page.post(f"/requests/{request_obj.reference}/sharing/", {}).status_code == 302
    request_obj.refresh_from_db()
    assert request_obj.share_with_partners is False
    html = page.get(f"/requests/{request_obj.reference}/").content.decode()
    assert 'name="share"' in html and "Share this request with partners" in html


def test_a_draft_says_whether_it_is_shared(cast, api_for):
    answer = api_for(cast.owner).post(
        "/api/v1/requests/", {"title": "Shared idea", "share_with_partners": True}, format="json"
    )
    assert answer.status_code == 201 and answer.json()["share_with_partners"] is True


def gef_grants() -> AssistanceSource:
    gef = Organization.objects.create(
        name="Global Environment Facility", acronym="GEF", kind="financial_institution"
    )
    source = AssistanceSource.objects.create(name="GEF grants", provider=gef, kind="financial")
    source.thematic_areas.set(["T03"])
    return source


def test_a_focal_point_asks_for_help_to_reach_a_source(cast, client_for, api_for):
    source = gef_grants()
    page = client_for(cast.owner)
    assert (
        "Ask for help to reach this source"
        in page.get(f"/registry/assistance/{source.pk}/").content.decode()
    )
    url = f"/registry/assistance/{source.pk}/ask/"
    refused = page.post(url, {"title": "Kept title", "description": ""})
    assert refused.status_code == 200 and 'value="Kept title"' in refused.content.decode()
    started = page.post(url, {"description": "Help to prepare a GEF project concept."})
    assert started.status_code == 302
    access = FundingAccess.objects.get(source=source)
    draft = access.request
    assert draft.state == "draft" and draft.country_id == "KEN"
    assert started["Location"] == f"/requests/{draft.reference}/edit/"
    assert {item.pk for item in draft.support_types.all()} == {"funding_access"}
    assert {item.pk for item in draft.thematic_areas.all()} == {"T03"}
    assert draft.title == "Access to GEF grants"
    html = page.get(f"/requests/{draft.reference}/").content.decode()
    assert "Asks for help to reach the source of assistance" in html and "GEF grants" in html

    for outsider in (cast.office, cast.coordinator):
        assert client_for(outsider).get(url).status_code == 403
    api = api_for(cast.outsider_focal_point)
    answer = api.post(
        f"/api/v1/assistance-sources/{source.pk}/access-request/",
        {"description": "Brazil's concept note.", "thematic_areas": ["T16"]},
        format="json",
    )
    assert answer.status_code == 201
    assert answer.json()["support_types"] == ["funding_access"]
    assert answer.json()["thematic_areas"] == ["T16"]
    assert (
        api_for(cast.office)
        .post(f"/api/v1/assistance-sources/{source.pk}/access-request/", {}, format="json")
        .status_code
        == 403
    )
