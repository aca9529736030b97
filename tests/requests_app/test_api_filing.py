"""A complete request filed and submitted in one API call (``"submit": true``), as API
clients of other agencies and the benchmark's 8 clients do: answered from what was written,
in a fixed number of queries, and exactly as the request reads back afterwards."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from registry.models import ThematicArea
from requests_app.models import Notification, Request
from tests import factories
from tests.requests_app import focal

pytestmark = pytest.mark.django_db

LIST = "/api/v1/requests/"

COMPLETE = {
    "title": "Air quality monitoring network",
    "description": "Train the agency's staff to run low-cost sensors.",
    "national_priorities": "National air quality plan 2030.",
    "thematic_areas": ["T09", "T02"],
    "cross_cutting_issues": ["X04"],
    "meas": [],
    "support_types": ["training", "technology"],
    "scope": "national",
    "desired_start": "2027-03-01",
    "duration_months": 12,
    "estimated_budget_usd": "25000.5",
    "submit": True,
}

# Measured once; a change here is a change in what a submission costs — look why. Token, the
# reference number, the service levels, the request, its lists, both events in one statement,
# the e-mail owed in one statement choosing who hears of it; the rest are the test's
# savepoints. The codes are looked up in the reference lists the process keeps
# (``registry.reference``).
PINNED_FILING = 11


@pytest.fixture
def cast():
    return focal.people()


def token_client(user) -> APIClient:
    """Authenticated as API clients are, by token (the real authentication path)."""
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


def test_the_answer_to_a_filing_is_the_request_as_it_reads_back(cast):
    api = token_client(cast.owner)
    filed = api.post(LIST, COMPLETE, format="json")
    assert filed.status_code == 201, filed.content
    body = filed.json()
    assert filed["Location"] == f"{LIST}{body['reference']}/"
    read_back = api.get(filed["Location"])
    assert read_back.status_code == 200
    assert body == read_back.json()
    # What the answer says, spelled out (the comparison above would pass on two wrong reads).
    assert body["state"] == "submitted"
    assert (body["country"], body["regional_office"]) == ("KEN", "ROA")
    assert body["thematic_areas"] == ["T02", "T09"]  # in the list's usual order, as read
    assert sorted(body["support_types"]) == ["technology", "training"]
    assert body["estimated_budget_usd"] == "25000.50"
    assert [event["action"] for event in body["events"]] == ["create", "submit"]
    assert body["attachments"] == [] and body["evaluation"] is None
    assert body["missing_fields"] == {}
    assert [clock["name"] for clock in body["clocks"]] == ["acknowledge", "decision"]


def test_a_filed_request_is_created_and_submitted_at_the_times_of_its_events(cast):
    reference = token_client(cast.owner).post(LIST, COMPLETE, format="json").json()["reference"]
    stored = Request.objects.get(reference=reference)
    created, submitted = stored.events.order_by("created_at", "id")
    assert (created.action, submitted.action) == ("create", "submit")
    assert stored.created_at == created.created_at
    assert stored.submitted_at == submitted.created_at
    assert stored.created_at <= stored.submitted_at <= stored.updated_at
    assert stored.due_at == stored.acknowledge_due_at is not None


def test_those_who_hear_of_a_filing_are_the_office_and_the_other_focal_points(cast):
    inactive = factories.regional_staff("ROA", is_active=False)
    reference = token_client(cast.owner).post(LIST, COMPLETE, format="json").json()["reference"]
    told = set(
        Notification.objects.filter(event__request__reference=reference).values_list(
            "recipient", flat=True
        )
    )
    assert told == {cast.colleague.pk, cast.office.pk, cast.office_colleague.pk}
    assert inactive.pk not in told and cast.owner.pk not in told


def test_a_filing_runs_the_same_queries_however_many_codes_each_list_has(cast):
    api = token_client(cast.owner)
    few = {**COMPLETE, "thematic_areas": ["T09"], "support_types": ["training"]}
    many = {
        **COMPLETE,
        "thematic_areas": list(ThematicArea.objects.active().values_list("code", flat=True)),
    }
    counts = []
    for body in (few, few, many):
        with CaptureQueriesContext(connection) as queries:
            response = api.post(LIST, body, format="json")
        assert response.status_code == 201, response.content
        counts.append(len(queries))
    # The first filing of a process reads each list it names once (three in COMPLETE).
    assert counts == [PINNED_FILING + 3, PINNED_FILING, PINNED_FILING]


def test_codes_are_matched_ignoring_case_and_unknown_ones_are_named(cast):
    api = token_client(cast.owner)
    filed = api.post(
        LIST, {**COMPLETE, "thematic_areas": ["t09", "T02"], "support_types": ["TRAINING"]},
        format="json",
    )  # fmt: skip
    assert filed.status_code == 201, filed.content
    assert filed.json()["thematic_areas"] == ["T02", "T09"]
    assert filed.json()["support_types"] == ["training"]
    withdrawn = ThematicArea.objects.get(code="T02")
    withdrawn.is_active = False
    withdrawn.save()  # as the admin does; the lists kept by every process are retired
    stored = Request.objects.count()
    refused = api.post(LIST, {**COMPLETE, "thematic_areas": ["T09", "T02", "NOPE"]}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"]["thematic_areas"] == ["Object with code=T02 does not exist."]
    assert Request.objects.count() == stored


def test_a_token_of_a_deactivated_account_is_refused(cast):
    api = token_client(cast.owner)
    cast.owner.is_active = False
    cast.owner.save()
    refused = api.post(LIST, COMPLETE, format="json")
    assert (refused.status_code, refused.json()["detail"]) == (401, "User inactive or deleted.")
    assert not Request.objects.filter(title=COMPLETE["title"]).exists()
    unknown = APIClient(HTTP_AUTHORIZATION="Token nope").get(LIST)
    assert (unknown.status_code, unknown.json()["detail"]) == (401, "Invalid token.")
