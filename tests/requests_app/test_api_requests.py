"""``/api/v1/requests/``: list, create, read and change drafts, exactly as design.md names them."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from requests_app.models import Request
from requests_app.workflow import State
from tests import factories
from tests.requests_app import focal

pytestmark = pytest.mark.django_db

LIST = "/api/v1/requests/"

NEW_DRAFT = {
    "title": "Mercury-free artisanal gold mining",
    "description": "Train miners' cooperatives in mercury-free gold processing.",
    "national_priorities": "Minamata national action plan.",
    "thematic_areas": ["T07", "T10"],
    "cross_cutting_issues": ["X04"],
    "meas": ["MINAMATA"],
    "support_types": ["training", "technology"],
    "scope": "national",
    "desired_start": "2026-09-01",
    "duration_months": 12,
    "gender_considerations": "Half the trainees are women.",
    "south_south_interest": True,
    "other_support": "UNDP planetGOLD covers two other counties.",
    "estimated_budget_usd": 50000,
}


@pytest.fixture
def cast():
    return focal.people()


def item_url(request_obj):
    return f"/api/v1/requests/{request_obj.reference}/"


def references(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["reference"] for item in response.json()["results"]}


# --- Create --------------------------------------------------------------------------------------


def test_post_creates_a_draft_and_answers_201_with_its_reference(cast, api_for):
    response = api_for(cast.owner).post(LIST, NEW_DRAFT, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert re.fullmatch(r"KEN-\d{4}-\d{4}", body["reference"])
    assert response["Location"] == f"/api/v1/requests/{body['reference']}/"
    assert body["state"] == "draft"
    assert body["country"] == "KEN"
    assert body["regional_office"] == "ROA"
    assert body["thematic_areas"] == ["T07", "T10"]
    assert body["cross_cutting_issues"] == ["X04"]
    assert body["meas"] == ["MINAMATA"]
    assert sorted(body["support_types"]) == ["technology", "training"]
    assert body["south_south_interest"] == "south_south"
    assert body["desired_start"] == "2026-09-01"
    assert body["duration_months"] == 12
    assert body["estimated_budget_usd"] == "50000.00"
    assert body["available_actions"] == ["submit"]
    assert body["missing_fields"] == {}
    assert [event["action"] for event in body["events"]] == ["create"]
    assert Request.objects.get(reference=body["reference"]).created_by == cast.owner


def test_a_complete_request_can_be_filed_and_submitted_in_one_call(cast, api_for):
    from requests_app.models import Notification

    response = api_for(cast.owner).post(LIST, {**NEW_DRAFT, "submit": True}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "submitted"
    assert "submit" not in body
    assert [event["action"] for event in body["events"]] == ["create", "submit"]
    stored = Request.objects.get(reference=body["reference"])
    assert stored.submitted_at is not None and stored.due_at is not None
    # The office hears of it as of any submission.
    assert Notification.objects.filter(event__request=stored, event__action="submit").exists()


def test_filing_an_incomplete_request_in_one_call_keeps_nothing(cast, api_for):
    api = api_for(cast.owner)
    before = api.post(LIST, {"title": "Before"}, format="json").json()["reference"]
    response = api.post(LIST, {"title": "Just an idea", "submit": True}, format="json")
    assert response.status_code == 400
    assert {"description", "thematic_areas", "support_types"} <= set(response.json()["errors"])
    assert not Request.objects.filter(title="Just an idea").exists()
    # The reference number was not used up either: the next one follows the one before.
    after = api.post(LIST, {"title": "After"}, format="json").json()["reference"]
    assert int(after[-4:]) == int(before[-4:]) + 1


def test_a_draft_is_not_submitted_through_patch(cast, api_for):
    api = api_for(cast.owner)
    reference = api.post(LIST, NEW_DRAFT, format="json").json()["reference"]
    response = api.patch(f"{LIST}{reference}/", {"submit": True}, format="json")
    assert response.status_code == 400
    assert "submit/" in " ".join(response.json()["errors"]["submit"])
    assert Request.objects.get(reference=reference).state == State.DRAFT


def test_south_south_interest_takes_choices_and_booleans(cast, api_for):
    api = api_for(cast.owner)
    for value, stored in [(False, "none"), ("triangular", "triangular"), (True, "south_south")]:
        response = api.post(LIST, {"title": "x", "south_south_interest": value}, format="json")
        assert response.status_code == 201
        assert response.json()["south_south_interest"] == stored
    # A form spells the booleans; JSON's text "true" is no choice.
    for value, stored in [("false", "none"), ("true", "south_south")]:
        response = api.post(LIST, {"title": "x", "south_south_interest": value}, format="multipart")
        assert response.status_code == 201
        assert response.json()["south_south_interest"] == stored
    response = api.post(LIST, {"title": "x", "south_south_interest": "true"}, format="json")
    assert response.status_code == 400


def test_an_incomplete_draft_is_fine(cast, api_for):
    response = api_for(cast.owner).post(LIST, {"title": "Just an idea"}, format="json")
    assert response.status_code == 201
    missing = response.json()["missing_fields"]
    assert {"description", "thematic_areas", "support_types", "desired_start"} <= set(missing)


def test_bad_fields_answer_400_naming_each(cast, api_for):
    response = api_for(cast.owner).post(
        LIST,
        {
            "title": "x" * 301,
            "thematic_areas": ["T99"],
            "scope": "planetary",
            "desired_start": "next spring",
            "duration_months": 0,
            "estimated_budget_usd": -5,
            "thematic_area": ["T01"],
        },
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert set(body["errors"]) == {
        "title",
        "thematic_areas",
        "scope",
        "desired_start",
        "duration_months",
        "estimated_budget_usd",
    }
    assert not Request.objects.exists()


def test_a_misspelt_field_is_not_silently_dropped(cast, api_for):
    response = api_for(cast.owner).post(LIST, {"thematic_area": ["T01"]}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"thematic_area"}


def test_only_focal_points_create_requests(cast, api_for):
    for person in (cast.office, cast.lead, cast.coordinator, cast.council):
        response = api_for(person).post(LIST, NEW_DRAFT, format="json")
        assert response.status_code == 403
        assert response.json()["detail"]
    assert not Request.objects.exists()


def test_anonymous_callers_are_refused(cast, api_client):
    request_obj = focal.submitted(cast)
    assert api_client.get(LIST).status_code in (401, 403)
    assert api_client.get(item_url(request_obj)).status_code in (401, 403)
    assert api_client.post(LIST, NEW_DRAFT, format="json").status_code in (401, 403)


# --- Read: scope ---------------------------------------------------------------------------------


def test_list_is_what_the_caller_may_see(cast, api_for):
    draft = focal.draft(cast, title="A draft")
    sent = focal.submitted(cast)
    brazil = factories.make_request("BRA", state=State.SUBMITTED)
    assert references(api_for(cast.owner).get(LIST)) == {draft.reference, sent.reference}
    assert references(api_for(cast.colleague).get(LIST)) == {draft.reference, sent.reference}
    assert references(api_for(cast.office).get(LIST)) == {sent.reference}
    assert references(api_for(cast.outsider_focal_point).get(LIST)) == {brazil.reference}
    assert references(api_for(cast.outsider_office).get(LIST)) == {brazil.reference}
    assert references(api_for(cast.coordinator).get(LIST)) == {sent.reference, brazil.reference}


def test_item_for_owner_and_colleague_404_for_outsiders(cast, api_for):
    request_obj = focal.advance(focal.submitted(cast), cast, "acknowledge", "request_info")
    for person in (cast.owner, cast.colleague):
        response = api_for(person).get(item_url(request_obj))
        assert response.status_code == 200
        body = response.json()
        assert body["reference"] == request_obj.reference
        assert body["state"] == "info_requested"
        assert body["assignee"] == cast.office.pk
        assert body["assignee_name"] == "Amina Diallo"
        assert [event["action"] for event in body["events"]] == [
            "create",
            "submit",
            "acknowledge",
            "request_info",
        ]
        question = body["events"][-1]
        assert question["note"] == "Which counties would the training cover?"
        assert question["actor"] == "Amina Diallo"
        assert question["from_state"] == "under_review"
        assert {clock["name"] for clock in body["clocks"]} == {"acknowledge", "decision"}
        assert {clock["status"] for clock in body["clocks"]} >= {"met", "paused"}
        assert set(body["available_actions"]) == {"provide_info", "withdraw", "comment"}
    office_view = api_for(cast.office).get(item_url(request_obj)).json()
    assert set(office_view["available_actions"]) == {"assign", "comment"}
    for person in cast.outsiders:
        response = api_for(person).get(item_url(request_obj))
        assert response.status_code == 404


def test_lookup_by_reference_ignores_case(cast, api_for):
    request_obj = focal.submitted(cast)
    response = api_for(cast.owner).get(f"/api/v1/requests/{request_obj.reference.lower()}/")
    assert response.status_code == 200
    assert response.json()["reference"] == request_obj.reference


# --- PATCH a draft -------------------------------------------------------------------------------


def test_patch_changes_a_draft(cast, api_for):
    request_obj = focal.draft(cast, title="First idea")
    response = api_for(cast.colleague).patch(
        item_url(request_obj),
        {"title": "Better title", "support_types": ["advisory"], "scope": "regional"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Better title"
    assert body["support_types"] == ["advisory"]
    assert body["scope"] == "regional"


def test_patch_clears_what_was_typed_into_a_field_it_sets(cast, api_for):
    request_obj = focal.draft(cast, title="Floods")
    Request.objects.filter(pk=request_obj.pk).update(draft_input={"desired_start": "spring"})
    response = api_for(cast.owner).patch(
        item_url(request_obj), {"desired_start": "2027-04-01"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["draft_input"] == {}


def test_patch_after_submission_is_409(cast, api_for):
    request_obj = focal.submitted(cast)
    response = api_for(cast.owner).patch(item_url(request_obj), {"title": "Late"}, format="json")
    assert response.status_code == 409
    assert "submitted" in response.json()["detail"]
    # Even with a bad body: the state is the reason.
    response = api_for(cast.owner).patch(item_url(request_obj), {"scope": "x"}, format="json")
    assert response.status_code == 409
    request_obj.refresh_from_db()
    assert request_obj.title == "Mercury-free artisanal gold mining"


def test_patch_with_a_bad_field_is_400_naming_it(cast, api_for):
    request_obj = focal.draft(cast, title="Floods")
    response = api_for(cast.owner).patch(
        item_url(request_obj), {"duration_months": "six"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"duration_months"}


def test_patch_by_outsiders_is_404_and_changes_nothing(cast, api_for):
    request_obj = focal.draft(cast, title="Kenya only")
    for person in [*cast.outsiders, cast.office]:
        response = api_for(person).patch(item_url(request_obj), {"title": "x"}, format="json")
        assert response.status_code == 404
    request_obj.refresh_from_db()
    assert request_obj.title == "Kenya only"


def test_put_and_delete_are_not_offered(cast, api_for):
    request_obj = focal.draft(cast, title="Floods")
    api = api_for(cast.owner)
    assert api.put(item_url(request_obj), {"title": "x"}, format="json").status_code == 405
    assert api.delete(item_url(request_obj)).status_code == 405


# --- Filters -------------------------------------------------------------------------------------


def test_filters(cast, api_for):
    mercury = focal.submitted(
        cast, **{**focal.complete_values(), "description": "Pilot cyanide-free leaching."}
    )
    floods = focal.draft(cast, title="Flood warnings", thematic_areas=["T04"])
    routed = focal.advance(
        focal.submitted(cast, **focal.complete_values("Routed one")),
        cast,
        "acknowledge",
        "route",
    )
    Request.objects.filter(pk=mercury.pk).update(
        due_at=timezone.now() - timedelta(days=2),
        submitted_at=timezone.now() - timedelta(days=30),
    )
    api = api_for(cast.owner)

    def listed(query):
        return references(api.get(LIST + query))

    everything = {mercury.reference, floods.reference, routed.reference}
    assert listed("") == everything
    assert listed("?state=draft") == {floods.reference}
    assert listed("?state=draft,routed") == {floods.reference, routed.reference}
    assert listed("?state=draft&state=submitted") == {floods.reference, mercury.reference}
    assert listed("?country=KEN") == everything
    assert listed("?country=BRA") == set()
    assert listed("?regional_office=ROA") == everything
    assert listed("?division=DEPI") == {routed.reference}
    assert listed("?division=DELC") == {routed.reference}  # supporting
    assert listed("?division=DEWA") == set()
    assert listed("?thematic_area=T04") == {floods.reference}
    assert listed("?support_type=training") == {mercury.reference, routed.reference}
    assert listed(f"?assignee={cast.office.pk}") == {routed.reference}
    assert listed(f"?assignee={cast.office.email}") == {routed.reference}
    assert listed("?assignee=none") == {mercury.reference, floods.reference}
    assert listed("?overdue=true") == {mercury.reference}
    assert listed("?overdue=false") == {floods.reference, routed.reference}
    assert listed("?min_age_days=10") == {mercury.reference}
    today = timezone.now().date()
    assert listed(f"?submitted_after={today}") == {routed.reference}
    assert listed(f"?submitted_before={today - timedelta(days=1)}") == {mercury.reference}
    assert listed("?search=flood") == {floods.reference}
    assert listed("?search=CYANIDE") == {mercury.reference}  # the description
    assert listed(f"?search={routed.reference}") == {routed.reference}


def test_the_assignee_filter_takes_me(cast, api_for):
    routed = focal.advance(focal.submitted(cast), cast, "acknowledge")
    assert references(api_for(cast.office).get(LIST + "?assignee=me")) == {routed.reference}
    assert references(api_for(cast.office_colleague).get(LIST + "?assignee=me")) == set()


def test_an_empty_filter_is_no_filter_and_an_unknown_code_matches_nothing(cast, api_for):
    draft = focal.draft(cast)
    api = api_for(cast.owner)
    empty = "?country=&state=&submitted_before=&min_age_days=&overdue=&division=&page=&ordering="
    assert references(api.get(LIST + empty)) == {draft.reference}
    assert references(api.get(LIST + "?country=XXX")) == set()
    assert references(api.get(LIST + "?division=NOPE&country=KEN")) == set()


def test_a_bad_filter_value_is_400(cast, api_for):
    api = api_for(cast.owner)
    for query in ("?state=lost", "?submitted_after=soon", "?overdue=maybe", "?min_age_days=-1"):
        response = api.get(LIST + query)
        assert response.status_code == 400, query
        assert response.json()["errors"], query


def test_schema_describes_the_request_endpoints(api_client):
    response = api_client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/requests/" in paths
    assert "/api/v1/requests/{reference}/" in paths
    assert "/api/v1/requests/{reference}/{action}/" in paths
    assert "/api/v1/requests/{reference}/attachments/" in paths
