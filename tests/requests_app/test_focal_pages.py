"""The request pages: who sees what, following a request, and acting on it from its page."""

import re
from datetime import UTC, datetime

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from requests_app.actions import ACTION_FORMS
from requests_app.models import Request
from requests_app.workflow import ACTIONS, State
from tests import factories
from tests.requests_app import focal

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return focal.people()


def detail_url(request_obj):
    return f"/requests/{request_obj.reference}/"


def act(client, request_obj, action, data=None):
    return client.post(f"/requests/{request_obj.reference}/act/{action}/", data or {})


def references_listed(response) -> set[str]:
    return set(re.findall(r">([A-Z]{3}-\d{4}-\d{4})</a>", response.content.decode()))


# --- Who sees what -------------------------------------------------------------------------------


def test_list_shows_the_country_its_requests_drafts_included(cast, client_for):
    draft = focal.draft(cast, title="A draft")
    sent = focal.submitted(cast)
    brazil = factories.make_request("BRA", state=State.SUBMITTED, title="From Brazil")
    for person in (cast.owner, cast.colleague):
        listed = references_listed(client_for(person).get("/requests/"))
        assert listed == {draft.reference, sent.reference}
    assert references_listed(client_for(cast.outsider_focal_point).get("/requests/")) == {
        brazil.reference
    }
    # The office sees what was submitted from its countries, never drafts.
    assert references_listed(client_for(cast.office).get("/requests/")) == {sent.reference}
    assert references_listed(client_for(cast.outsider_office).get("/requests/")) == {
        brazil.reference
    }


def test_list_needs_a_login(client):
    response = client.get("/requests/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["owner", "colleague", "office"])
def test_the_request_page_for_those_in_scope(cast, client_for, who):
    request_obj = focal.submitted(cast)
    response = client_for(getattr(cast, who)).get(detail_url(request_obj))
    assert response.status_code == 200
    assert request_obj.reference in response.content.decode()


def test_outsiders_get_404_on_every_page_of_a_request(cast, client_for):
    request_obj = focal.submitted(cast)
    base = detail_url(request_obj)
    for person in cast.outsiders:
        client = client_for(person)
        assert client.get(base).status_code == 404
        assert client.get(base + "edit/").status_code == 404
        assert act(client, request_obj, "comment", {"text": "Hello"}).status_code == 404
        assert act(client, request_obj, "withdraw", {"reason": "x"}).status_code == 404
        assert client.post(base + "attachments/", {"kind": "other"}).status_code == 404
    assert request_obj.events.filter(action="comment").count() == 0


def test_a_division_sees_a_request_only_once_routed_to_it(cast, client_for):
    request_obj = focal.advance(focal.submitted(cast), cast, "acknowledge")
    client = client_for(cast.lead)
    assert client.get(detail_url(request_obj)).status_code == 404
    focal.advance(request_obj, cast, "route")
    assert client.get(detail_url(request_obj)).status_code == 200


def test_unknown_action_is_404(cast, client_for):
    request_obj = focal.submitted(cast)
    assert act(client_for(cast.owner), request_obj, "approve").status_code == 404


# --- Following a request -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, written",
    [
        ("en", "3 Dec 2026"),
        ("fr", "03/12/2026"),
        ("ru", "03.12.2026"),
        ("zh-hans", "2026年12月3日"),
    ],
)
def test_dates_are_written_the_readers_way(cast, client_for, language, written):
    request_obj = focal.submitted(cast)
    Request.objects.filter(pk=request_obj.pk).update(
        submitted_at=datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    )
    reader = client_for(cast.owner)
    html = reader.get(detail_url(request_obj), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<time datetime="2026-12-03T09:30:00+00:00">{written}</time>' in html


def test_the_page_says_who_holds_it_what_comes_next_and_by_when(cast, client_for):
    request_obj = focal.submitted(cast)
    html = client_for(cast.owner).get(detail_url(request_obj)).content.decode()
    assert "Held by" in html
    assert f"<dd>{request_obj.regional_office}</dd>" in html
    assert "Acknowledgement by the regional office." in html
    assert date_format(request_obj.acknowledge_due_at, "SHORT_DATE_FORMAT") in html
    assert "Acknowledgement by the regional office" in html  # the clock
    assert "running" in html

    focal.advance(request_obj, cast, "acknowledge", "request_info")
    html = client_for(cast.owner).get(detail_url(request_obj)).content.decode()
    assert "The focal points of Kenya" in html
    assert "An answer to the question asked." in html
    assert "paused while waiting for the country" in html


def test_timeline_shows_the_messages_between_country_and_office(cast, client_for):
    request_obj = focal.advance(focal.submitted(cast), cast, "acknowledge", "request_info")
    client = client_for(cast.owner)
    html = client.get(detail_url(request_obj)).content.decode()
    assert "Question to the country" in html
    assert "Which counties would the training cover?" in html
    assert "Amina Diallo" in html

    response = act(client, request_obj, "provide_info", {"message": "Migori and Kakamega."})
    assert response.status_code == 302
    assert response["Location"] == detail_url(request_obj)
    request_obj.refresh_from_db()
    assert request_obj.state == State.UNDER_REVIEW
    html = client.get(detail_url(request_obj)).content.decode()
    assert "Answer from the country" in html
    assert "Migori and Kakamega." in html
    assert "Your answer was sent." in html
    timeline = html[html.index('id="timeline"') :]
    assert timeline.index("Draft started") < timeline.index("Submitted to the regional office")
    assert timeline.index("Question to the country") < timeline.index("Answer from the country")


def test_an_invalid_action_form_comes_back_with_its_message(cast, client_for):
    request_obj = focal.advance(focal.submitted(cast), cast, "acknowledge", "request_info")
    response = act(client_for(cast.owner), request_obj, "provide_info", {"message": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in html
    assert 'id="action-provide_info" class="card action" open' in html
    request_obj.refresh_from_db()
    assert request_obj.state == State.INFO_REQUESTED


def test_a_transition_the_table_forbids_is_a_clear_409(cast, client_for):
    request_obj = focal.submitted(cast)
    client = client_for(cast.owner)
    focal.advance(request_obj, cast, "acknowledge", "route", "accept")
    # The page offered "withdraw" before the division accepted; now it is too late.
    response = act(client, request_obj, "withdraw", {"reason": "Found other funding."})
    assert response.status_code == 409
    assert "it cannot be withdraw now" in response.content.decode()
    request_obj.refresh_from_db()
    assert request_obj.state == State.IN_PROGRESS


def test_staff_actions_are_refused_to_the_focal_point(cast, client_for):
    request_obj = focal.submitted(cast)
    response = act(client_for(cast.owner), request_obj, "acknowledge")
    assert response.status_code == 403
    assert request_obj.events.filter(action="acknowledge").count() == 0


def test_withdrawing_needs_a_reason_and_records_it(cast, client_for):
    request_obj = focal.submitted(cast)
    client = client_for(cast.colleague)
    assert act(client, request_obj, "withdraw", {"reason": ""}).status_code == 400
    assert act(client, request_obj, "withdraw", {"reason": "Funded nationally."}).status_code == 302
    request_obj.refresh_from_db()
    assert request_obj.state == State.WITHDRAWN
    assert request_obj.events.get(action="withdraw").note == "Funded nationally."


def test_every_action_of_the_table_has_a_form():
    assert set(ACTION_FORMS) == set(ACTIONS)
    for name, spec in ACTIONS.items():
        fields = set(ACTION_FORMS[name].base_fields)
        assert set(spec.required) <= fields, name
        assert set(spec.optional) <= fields, name


def test_each_person_sees_the_forms_of_the_actions_they_may_take(cast, client_for):
    request_obj = focal.advance(focal.submitted(cast), cast, "acknowledge")
    office_html = client_for(cast.office).get(detail_url(request_obj)).content.decode()
    for action in ("assign", "request_info", "route", "decline", "refer", "merge", "comment"):
        assert f'action="/requests/{request_obj.reference}/act/{action}/"' in office_html
    assert "/act/submit/" not in office_html
    # The assignee choice offers the office's own staff only.
    assert "Kofi Mensah" in office_html
    assert "Diego Pérez" not in office_html

    owner_html = client_for(cast.owner).get(detail_url(request_obj)).content.decode()
    assert "/act/withdraw/" in owner_html
    assert "/act/comment/" in owner_html
    assert "/act/route/" not in owner_html

    council_html = client_for(cast.council).get(detail_url(request_obj)).content.decode()
    assert "/act/comment/" in council_html
    assert "/act/withdraw/" not in council_html


def test_the_whole_lifecycle_through_the_request_pages(cast, client_for):
    request_obj = focal.draft(cast)

    def step(person, action, data=None, expect_state=None):
        response = act(client_for(person), request_obj, action, data)
        assert response.status_code == 302, (action, response.content.decode()[:3000])
        request_obj.refresh_from_db()
        if expect_state:
            assert request_obj.state == expect_state, action

    step(cast.owner, "submit", expect_state=State.SUBMITTED)
    step(cast.office, "acknowledge", {"assignee": cast.office_colleague.pk}, State.UNDER_REVIEW)
    assert request_obj.assignee == cast.office_colleague
    step(cast.office, "assign", {"assignee": cast.office.pk})
    assert request_obj.assignee == cast.office
    step(cast.office, "request_info", {"message": "Which counties?"}, State.INFO_REQUESTED)
    step(cast.owner, "provide_info", {"message": "Migori."}, State.UNDER_REVIEW)
    step(
        cast.office,
        "route",
        {"lead_division": "DEPI", "supporting_divisions": ["DELC", "DEWA"]},
        State.ROUTED,
    )
    assert set(request_obj.supporting_divisions.values_list("code", flat=True)) == {"DELC", "DEWA"}
    step(cast.lead, "return", {"reason": "Needs a legal review first."}, State.UNDER_REVIEW)
    step(cast.office, "route", {"lead_division": "DEPI"}, State.ROUTED)
    step(cast.lead, "accept", {"response_plan": "Two trainings.", "activities": ""})
    assert request_obj.state == State.IN_PROGRESS
    step(cast.lead, "progress", {"text": "First training held."})
    step(
        cast.lead,
        "complete",
        {
            "people_trained_female": "31",
            "people_trained_male": "27",
            "people_trained_other": "",
            "institutions_supported": "4",
            "outputs": "Manual.",
            "cost_usd": "48500",
            "lessons": "Cooperatives work.",
        },
        State.COMPLETED,
    )
    assert request_obj.people_trained_total == 58
    step(
        cast.owner, "evaluate", {"rating": "4", "comments": "Useful.", "capacity_retained": "true"}
    )
    assert request_obj.evaluation.rating == 4
    assert request_obj.evaluation.capacity_retained is True
    step(cast.office, "close", expect_state=State.CLOSED)
    # Assessing is still invited after closing; a later assessment is kept beside the first.
    step(
        cast.owner,
        "evaluate",
        {"rating": "5", "comments": "Even better a year on.", "kind": "follow_up"},
    )
    kept = list(request_obj.evaluations.order_by("evaluated_at", "pk"))
    assert [(item.kind, item.rating) for item in kept] == [
        ("on_completion", 4),
        ("follow_up", 5),
    ]
    assert request_obj.evaluation.rating == 5
    step(cast.council, "comment", {"text": "Cited in the annual report."})

    html = client_for(cast.owner).get(detail_url(request_obj)).content.decode()
    for title in (
        "Acknowledged by the regional office",
        "Routed to a division",
        "Returned to the regional office",
        "Accepted by the division",
        "Progress update",
        "Completed",
        "Closed",
        "Assessment of the support received",
    ):
        assert title in html
    assert "5/5" in html


def test_decline_refer_and_merge_from_the_page(cast, client_for):
    office = client_for(cast.office)
    declined = focal.advance(focal.submitted(cast), cast, "acknowledge")
    response = act(
        office,
        declined,
        "decline",
        {"reason": "outside_mandate", "explanation": "Not environmental."},
    )
    assert response.status_code == 302
    declined.refresh_from_db()
    assert (declined.state, declined.decline_reason) == (State.DECLINED, "outside_mandate")

    referred = focal.advance(focal.submitted(cast), cast, "acknowledge")
    undp = focal.organization()
    response = act(
        office,
        referred,
        "refer",
        {
            "organization": undp.pk,
            "contact_email": "partnerships@undp.example.org",
            "explanation": "UNDP runs it.",
        },
    )
    assert response.status_code == 302
    referred.refresh_from_db()
    assert (referred.state, referred.referred_to) == (State.REFERRED, undp)
    html = client_for(cast.owner).get(detail_url(referred)).content.decode()
    assert "United Nations Development Programme" in html
    assert "UNDP runs it." in html

    target = focal.submitted(cast, **focal.complete_values("Filed first"))
    duplicate = focal.submitted(cast, **focal.complete_values("Filed twice"))
    office = client_for(cast.office)  # the same test client, logged in again
    response = act(office, duplicate, "merge", {"into": target.reference.lower()})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == target
    html = client_for(cast.owner).get(detail_url(duplicate)).content.decode()
    assert f'href="/requests/{target.reference}/"' in html


def test_evaluation_is_invited_but_never_required(cast, client_for):
    request_obj = focal.advance(
        focal.submitted(cast), cast, "acknowledge", "route", "accept", "complete"
    )
    html = client_for(cast.owner).get(detail_url(request_obj)).content.decode()
    assert "/act/evaluate/" in html
    assert "it is invited, never required" in html
    # Closing does not wait for it.
    assert act(client_for(cast.office), request_obj, "close").status_code == 302
    request_obj.refresh_from_db()
    assert request_obj.state == State.CLOSED
    assert not request_obj.evaluations.exists()


# --- Filters on the list -------------------------------------------------------------------------


def test_list_filters_and_search(cast, client_for):
    mercury = focal.submitted(cast)
    floods = focal.draft(cast, title="Flood early warning", thematic_areas=["T04"])
    client = client_for(cast.owner)

    def listed(query):
        response = client.get("/requests/" + query)
        assert response.status_code == 200
        return references_listed(response)

    assert listed("?state=draft") == {floods.reference}
    assert listed("?state=draft&state=submitted") == {floods.reference, mercury.reference}
    assert listed("?search=flood") == {floods.reference}
    assert listed(f"?search={mercury.reference}") == {mercury.reference}
    assert listed("?thematic_area=T07") == {mercury.reference}
    assert listed("?support_type=training") == {mercury.reference}
    assert listed("?overdue=false") == {floods.reference, mercury.reference}
    assert listed("?overdue=true") == set()
    Request.objects.filter(pk=mercury.pk).update(due_at=timezone.now() - timezone.timedelta(1))
    assert listed("?overdue=true") == {mercury.reference}
    assert listed("?submitted_after=2000-01-01") == {mercury.reference}


def test_list_is_paginated(cast, client_for):
    for number in range(27):
        factories.make_request("KEN", state=State.SUBMITTED, title=f"Need {number}")
    client = client_for(cast.owner)
    first = client.get("/requests/")
    assert len(references_listed(first)) == 25
    assert "Page 1 of 2" in first.content.decode()
    second = client.get("/requests/?page=2")
    assert len(references_listed(second)) == 2
