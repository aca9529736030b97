"""A NUL character in what a client sends: a 400 naming the field, on every database.

PostgreSQL's text cannot hold one: a code with a NUL looked up by a related field (an offer's
provider country, found by schemathesis) or by a filter failed in the driver with a 500.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from exchange.models import Offer
from tests.exchange.test_offers import OFFERS, offer_values
from tests.requests_app import focal

pytestmark = pytest.mark.django_db


def test_a_code_with_a_nul_in_a_form_body_is_refused_naming_its_field(centres, api_for):
    values = offer_values(provider_country="KEN\x00")
    for body_format in ("multipart", "json"):
        answer = api_for(centres.staff).post(OFFERS, values, format=body_format)
        assert answer.status_code == 400, answer.content
        assert answer.json()["errors"] == {"provider_country": ["Null characters are not allowed."]}
    assert not Offer.objects.exists()


def test_a_nul_deep_in_a_json_body_names_the_top_field(centres, api_for):
    values = offer_values(thematic_areas=["T16", "T0\x002"])
    answer = api_for(centres.staff).post(OFFERS, values, format="json")
    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == ["thematic_areas"]


def test_a_nul_in_a_query_string_is_a_400_for_the_api_and_the_pages(client):
    api = client.get("/api/v1/activities/", {"country": "KEN\x00"})
    assert api.status_code == 400
    assert api.json()["errors"] == {"country": ["Null characters are not allowed."]}
    assert client.get("/api/v1/offers/", {"provider_country": "\x00"}).status_code == 400
    assert client.get("/registry/", {"country": "\x00"}).status_code == 400
    assert client.get("/registry/", {"country": "KEN"}).status_code == 200


def test_a_files_bytes_may_hold_nul_characters(api_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cast = focal.people()
    request_obj = focal.submitted(cast)
    assert b"\x00" in focal.docx_bytes()
    answer = api_for(cast.owner).post(
        f"/api/v1/requests/{request_obj.reference}/attachments/",
        {"kind": "concept_note", "file": SimpleUploadedFile("note.docx", focal.docx_bytes())},
        format="multipart",
    )
    assert answer.status_code == 201, answer.content
