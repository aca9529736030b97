"""Drafts on the pages: a draft keeps whatever was typed; submitting says what is missing."""

from datetime import date
from decimal import Decimal

import pytest

from requests_app.models import Request, RequestEvent
from requests_app.workflow import State
from tests.requests_app import focal

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return focal.people()


def edit_url(request_obj):
    return f"/requests/{request_obj.reference}/edit/"


COMPLETE_FORM = {
    "title": "Mercury-free artisanal gold mining",
    "description": "Train miners' cooperatives in mercury-free gold processing.",
    "national_priorities": "Minamata national action plan.",
    "thematic_areas": ["T07", "T10"],
    "support_types": ["training"],
    "scope": "national",
    "desired_start": "2026-09-01",
    "duration_months": "12",
    "south_south_interest": "south_south",
}


def test_new_request_page_is_for_focal_points(cast, client_for):
    response = client_for(cast.owner).get("/requests/new/")
    assert response.status_code == 200
    assert b"Save draft" in response.content
    for person in (cast.office, cast.lead, cast.coordinator, cast.council):
        assert client_for(person).get("/requests/new/").status_code == 403


def test_an_incomplete_and_partly_invalid_draft_keeps_everything_typed(cast, client_for):
    client = client_for(cast.owner)
    response = client.post(
        "/requests/new/",
        {
            "title": "Early warning for floods",
            "desired_start": "next spring",
            "duration_months": "six",
            "estimated_budget_usd": "50,000",
            "thematic_areas": ["T04"],
        },
    )
    request_obj = Request.objects.get(title="Early warning for floods")
    assert response.status_code == 302
    assert response["Location"] == edit_url(request_obj)
    assert request_obj.state == State.DRAFT
    assert request_obj.country_id == "KEN"
    # Valid values in their fields, the invalid ones kept as typed.
    assert request_obj.estimated_budget_usd == Decimal("50000")
    assert list(request_obj.thematic_areas.values_list("code", flat=True)) == ["T04"]
    assert request_obj.desired_start is None
    assert request_obj.draft_input == {"desired_start": "next spring", "duration_months": "six"}

    page = client.get(edit_url(request_obj))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="next spring"' in html
    assert 'value="six"' in html
    assert "Enter a valid date." in html
    assert "Enter a whole number." in html
    assert 'value="Early warning for floods"' in html


def test_radio_groups_left_unchosen_keep_their_defaults(cast, client_for):
    client_for(cast.owner).post("/requests/new/", {"title": "Nothing chosen"})
    request_obj = Request.objects.get(title="Nothing chosen")
    assert (request_obj.scope, request_obj.south_south_interest) == ("national", "none")
    form = {key: value for key, value in COMPLETE_FORM.items() if key != "south_south_interest"}
    response = client_for(cast.owner).post(edit_url(request_obj), {**form, "intent": "submit"})
    assert response.status_code == 302
    request_obj.refresh_from_db()
    assert request_obj.state == State.SUBMITTED


def test_fixing_a_kept_value_clears_it(cast, client_for):
    client = client_for(cast.owner)
    client.post("/requests/new/", {"title": "Floods", "desired_start": "next spring"})
    request_obj = Request.objects.get(title="Floods")
    client.post(edit_url(request_obj), {"title": "Floods", "desired_start": "2027-03-01"})
    request_obj.refresh_from_db()
    assert request_obj.desired_start == date(2027, 3, 1)
    assert request_obj.draft_input == {}


def test_submit_says_field_by_field_what_is_missing_and_keeps_what_was_typed(cast, client_for):
    client = client_for(cast.owner)
    client.post("/requests/new/", {"title": "Floods"})
    request_obj = Request.objects.get(title="Floods")

    response = client.post(
        edit_url(request_obj),
        {
            "title": "Flood early warning",
            "description": "Community flood warnings along the Tana river.",
            "duration_months": "many",
            "intent": "submit",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "The request cannot be submitted yet" in html
    for message in (
        "Say how the need links to national priorities.",
        "Choose at least one thematic area.",
        "Choose at least one type of support.",
        "Give a desired start date.",
        "Enter a whole number.",
    ):
        assert message in html
    # Each message links to its field.
    assert 'href="#id_national_priorities"' in html
    assert 'href="#id_thematic_areas_0"' in html
    # What was typed is on the page and saved.
    assert 'value="Flood early warning"' in html
    assert "Community flood warnings along the Tana river." in html
    assert 'value="many"' in html
    request_obj.refresh_from_db()
    assert request_obj.state == State.DRAFT
    assert request_obj.title == "Flood early warning"
    assert request_obj.draft_input == {"duration_months": "many"}
    assert not request_obj.events.filter(action="submit").exists()


def test_a_complete_draft_is_submitted_to_the_regional_office(cast, client_for, mailoutbox):
    client = client_for(cast.owner)
    client.post("/requests/new/", {"title": "Floods"})
    request_obj = Request.objects.get(title="Floods")
    response = client.post(edit_url(request_obj), {**COMPLETE_FORM, "intent": "submit"})
    assert response.status_code == 302
    assert response["Location"] == f"/requests/{request_obj.reference}/"
    request_obj.refresh_from_db()
    assert request_obj.state == State.SUBMITTED
    assert request_obj.regional_office_id == "ROA"
    assert request_obj.south_south_interest == "south_south"
    assert request_obj.events.filter(action="submit").count() == 1
    detail = client.get(response["Location"]).content.decode()
    assert "The request was submitted." in detail


def test_a_colleague_of_the_same_country_works_on_the_draft(cast, client_for):
    request_obj = focal.draft(cast, title="Started by Wanjiru")
    client = client_for(cast.colleague)
    assert client.get(edit_url(request_obj)).status_code == 200
    response = client.post(edit_url(request_obj), {**COMPLETE_FORM, "intent": "submit"})
    assert response.status_code == 302
    event = RequestEvent.objects.get(request=request_obj, action="submit")
    assert event.actor == cast.colleague


def test_outsiders_never_see_a_draft(cast, client_for):
    request_obj = focal.draft(cast, title="Kenya only")
    for person in [*cast.outsiders, cast.office, cast.coordinator, cast.council]:
        client = client_for(person)
        assert client.get(edit_url(request_obj)).status_code == 404
        assert client.post(edit_url(request_obj), {"title": "Hijacked"}).status_code == 404
        assert client.get(f"/requests/{request_obj.reference}/").status_code == 404
    request_obj.refresh_from_db()
    assert request_obj.title == "Kenya only"


def test_a_submitted_request_is_no_longer_edited_as_a_draft(cast, client_for):
    request_obj = focal.submitted(cast)
    client = client_for(cast.owner)
    response = client.get(edit_url(request_obj))
    assert response.status_code == 302
    assert response["Location"] == f"/requests/{request_obj.reference}/"
    response = client.post(edit_url(request_obj), {"title": "Changed afterwards"})
    assert response.status_code == 302
    request_obj.refresh_from_db()
    assert request_obj.title == "Mercury-free artisanal gold mining"


def test_draft_page_lists_what_is_still_needed(cast, client_for):
    request_obj = focal.draft(cast, title="Only a title")
    html = client_for(cast.owner).get(f"/requests/{request_obj.reference}/").content.decode()
    assert "This request is a draft" in html
    assert "Describe the need." in html
    assert "Choose at least one thematic area." in html
    assert f'href="/requests/{request_obj.reference}/edit/"' in html


def test_submitting_from_the_request_page_names_what_is_missing(cast, client_for):
    request_obj = focal.draft(cast, title="Only a title")
    response = client_for(cast.owner).post(f"/requests/{request_obj.reference}/act/submit/")
    html = response.content.decode()
    assert response.status_code == 400
    assert "The request is not complete yet." in html
    assert "Describe the need." in html
    request_obj.refresh_from_db()
    assert request_obj.state == State.DRAFT
