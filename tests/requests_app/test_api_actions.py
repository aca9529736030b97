"""``POST /api/v1/requests/{reference}/{action}/``: one endpoint per row of the lifecycle table."""

import pytest

from requests_app.models import RequestEvent
from requests_app.workflow import ACTIONS, State
from tests.requests_app import focal

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return focal.people()


def action_url(request_obj, action):
    return f"/api/v1/requests/{request_obj.reference}/{action}/"


def test_submitting_an_incomplete_draft_is_400_naming_each_missing_field(cast, api_for):
    request_obj = focal.draft(cast, title="Only a title")
    response = api_for(cast.owner).post(action_url(request_obj, "submit"), {}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "The request is not complete yet."
    assert {
        "description",
        "national_priorities",
        "thematic_areas",
        "support_types",
        "desired_start",
        "duration_months",
    } <= set(body["errors"])
    assert body["errors"]["thematic_areas"] == ["Choose at least one thematic area."]
    request_obj.refresh_from_db()
    assert request_obj.state == State.DRAFT


def test_submit_then_submit_again_is_409(cast, api_for):
    request_obj = focal.draft(cast)
    api = api_for(cast.colleague)
    first = api.post(action_url(request_obj, "submit"), {}, format="json")
    assert first.status_code == 200, first.content
    assert first.json()["state"] == "submitted"
    assert first.json()["regional_office"] == "ROA"
    second = api.post(action_url(request_obj, "submit"), {}, format="json")
    assert second.status_code == 409
    assert second.json()["detail"] == "This request has already been submitted."
    assert RequestEvent.objects.filter(request=request_obj, action="submit").count() == 1


def test_a_transition_the_table_forbids_is_409_with_the_reason(cast, api_for):
    request_obj = focal.advance(focal.submitted(cast), cast, "acknowledge", "route", "accept")
    response = api_for(cast.owner).post(
        action_url(request_obj, "withdraw"), {"reason": "Too late?"}, format="json"
    )
    assert response.status_code == 409
    assert "in progress" in response.json()["detail"]


def test_a_missing_field_is_400_naming_it(cast, api_for):
    request_obj = focal.advance(focal.submitted(cast), cast, "acknowledge")
    response = api_for(cast.office).post(
        action_url(request_obj, "decline"), {"reason": "whim"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"reason", "explanation"}


def test_outsiders_get_404_for_every_action(cast, api_for):
    request_obj = focal.advance(focal.submitted(cast), cast, "acknowledge")
    for person in cast.outsiders:
        api = api_for(person)
        for action in ACTIONS:
            response = api.post(action_url(request_obj, action), {}, format="json")
            assert response.status_code == 404, (person, action)
    assert request_obj.events.count() == 3


def test_an_unknown_action_is_404(cast, api_for):
    request_obj = focal.submitted(cast)
    response = api_for(cast.owner).post(action_url(request_obj, "approve"), {}, format="json")
    assert response.status_code == 404


def test_an_action_of_another_role_is_403(cast, api_for):
    request_obj = focal.submitted(cast)
    response = api_for(cast.owner).post(action_url(request_obj, "acknowledge"), {}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"]


def test_the_focal_point_follows_answers_and_assesses_through_the_api(cast, api_for):
    owner = api_for(cast.owner)
    office = api_for(cast.office)
    lead = api_for(cast.lead)
    created = owner.post(
        "/api/v1/requests/",
        {**focal.complete_values(), "desired_start": "2026-09-01"},
        format="json",
    ).json()
    reference = created["reference"]

    def post(api, action, data=None, expect=200):
        response = api.post(f"/api/v1/requests/{reference}/{action}/", data or {}, format="json")
        assert response.status_code == expect, (action, response.content)
        return response.json()

    assert post(owner, "submit")["state"] == "submitted"
    body = post(office, "acknowledge", {"assignee": cast.office_colleague.email})
    assert (body["state"], body["assignee"]) == ("under_review", cast.office_colleague.pk)
    assert post(office, "request_info", {"message": "Which counties?"})["state"] == (
        "info_requested"
    )
    body = post(owner, "provide_info", {"message": "Migori and Kakamega."})
    assert body["state"] == "under_review"
    assert [e["action"] for e in body["events"]][-2:] == ["request_info", "provide_info"]
    body = post(office, "route", {"lead_division": "DEPI", "supporting_divisions": ["DELC"]})
    assert (body["state"], body["lead_division"], body["supporting_divisions"]) == (
        "routed",
        "DEPI",
        ["DELC"],
    )
    assert "withdraw" in post(owner, "comment", {"text": "Thank you."})["available_actions"]
    assert post(lead, "accept", {"response_plan": "Two trainings."})["state"] == "in_progress"
    assert post(lead, "progress", {"text": "First training held."})["state"] == "in_progress"
    body = post(
        lead,
        "complete",
        {
            "people_trained_female": 31,
            "people_trained_male": 27,
            "outputs": "Manual.",
            "cost_usd": 48500,
            "lessons": "Cooperatives work.",
        },
    )
    assert body["state"] == "completed"
    assert body["people_trained_female"] == 31
    assert (
        "evaluate"
        in api_for(cast.owner).get(f"/api/v1/requests/{reference}/").json()["available_actions"]
    )
    assert post(office, "close")["state"] == "closed"
    body = post(owner, "evaluate", {"rating": 4, "comments": "Useful.", "capacity_retained": True})
    assert body["evaluation"]["rating"] == 4
    assert body["evaluation"]["capacity_retained"] is True
    assert body["state"] == "closed"
    post(owner, "evaluate", {"rating": 9, "comments": "x"}, expect=400)


def test_staff_only_outcomes_through_the_api(cast, api_for):
    office = api_for(cast.office)
    declined = focal.advance(focal.submitted(cast), cast, "acknowledge")
    response = office.post(
        action_url(declined, "decline"),
        {"reason": "no_resources", "explanation": "No budget this biennium."},
        format="json",
    )
    assert (response.status_code, response.json()["decline_reason"]) == (200, "no_resources")

    referred = focal.advance(focal.submitted(cast), cast, "acknowledge")
    response = office.post(
        action_url(referred, "refer"),
        {
            "organization": focal.organization().pk,
            "contact_email": "partnerships@undp.example.org",
            "explanation": "UNDP runs it.",
        },
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["referred_to"] == "United Nations Development Programme (UNDP)"

    target = focal.submitted(cast, **focal.complete_values("Filed first"))
    duplicate = focal.submitted(cast, **focal.complete_values("Filed twice"))
    response = office.post(
        action_url(duplicate, "merge"), {"into": target.reference}, format="json"
    )
    assert (response.status_code, response.json()["merged_into"]) == (200, target.reference)

    routed = focal.advance(focal.submitted(cast), cast, "acknowledge", "route")
    response = api_for(cast.lead).post(
        action_url(routed, "return"), {"reason": "Legal review first."}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "under_review"
    response = office.post(
        action_url(routed, "assign"), {"assignee": cast.office_colleague.pk}, format="json"
    )
    assert response.json()["assignee"] == cast.office_colleague.pk


def test_form_encoded_bodies_work_too(cast, api_for):
    request_obj = focal.advance(focal.submitted(cast), cast, "acknowledge")
    response = api_for(cast.office).post(
        action_url(request_obj, "route"),
        {"lead_division": "DEPI", "supporting_divisions": ["DELC", "DEWA"]},
    )
    assert response.status_code == 200, response.content
    assert sorted(response.json()["supporting_divisions"]) == ["DELC", "DEWA"]


def test_withdraw_needs_a_reason(cast, api_for):
    request_obj = focal.submitted(cast)
    api = api_for(cast.owner)
    response = api.post(action_url(request_obj, "withdraw"), {}, format="json")
    assert (response.status_code, list(response.json()["errors"])) == (400, ["reason"])
    response = api.post(action_url(request_obj, "withdraw"), {"reason": "Funded."}, format="json")
    assert response.json()["state"] == "withdrawn"


def test_completion_counts_outputs_by_kind_and_every_assessment_is_kept(cast, api_for):
    """Issue 18: outputs by kind, successes and shortcomings at completion; assessments on
    completion and at follow-up, none overwritten."""
    request_obj = focal.advance(focal.submitted(cast), cast, "acknowledge", "route", "accept")
    lead, owner = api_for(cast.lead), api_for(cast.owner)
    url = action_url(request_obj, "complete")
    results = {
        "people_trained_female": 3,
        "people_trained_male": 2,
        "outputs": "Manual.",
        "cost_usd": 1000,
        "lessons": "Start early.",
        "laws_drafted": 2,
        "policies_adopted": 1,
        "tools_developed": 4,
        "institutions_strengthened": 3,
        "successes": "The regulation was adopted.",
        "shortcomings": "One workshop was cancelled.",
    }
    response = lead.post(url, {**results, "tools_developed": 10_001}, format="json")
    assert response.status_code == 400 and "tools_developed" in response.json()["errors"]
    request_obj.refresh_from_db()
    assert request_obj.state == State.IN_PROGRESS  # nothing recorded
    body = lead.post(url, results, format="json").json()
    assert (body["state"], body["laws_drafted"], body["tools_developed"]) == ("completed", 2, 4)
    assert body["successes"] == "The regulation was adopted."
    evaluate = action_url(request_obj, "evaluate")
    first = {"rating": 4, "comments": "Useful.", "programme_rating": 5, "staff_rating": 4}
    assert owner.post(evaluate, first, format="json").status_code == 200
    later = {"kind": "follow_up", "rating": 3, "comments": "Still used.", "capacity_used": True}
    body = owner.post(evaluate, later, format="json").json()
    assert [(item["kind"], item["rating"]) for item in body["evaluations"]] == [
        ("on_completion", 4),
        ("follow_up", 3),
    ]
    assert body["evaluations"][0]["programme_rating"] == 5
    assert body["evaluations"][1]["months_after"] == 6
    bad = owner.post(evaluate, {**later, "kind": "someday"}, format="json")
    assert bad.status_code == 400 and "kind" in bad.json()["errors"]
