"""The list and the request page, on pages and in the API, run a fixed number of queries
whatever the number of requests, events or documents (pinned here, NetBox-style)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests_app import services
from requests_app.models import Attachment
from requests_app.workflow import State
from tests import factories
from tests.requests_app import focal

pytestmark = pytest.mark.django_db

# Measured once; a change here is a change in how many queries a page costs — look why.
# The request page links to the registry's matches, on their own page (registry.matching).
# A focal point's pages and calls also ask whether its designation is in force (one query;
# the API's token authentication reads it with the user, these tests' clients do not); the
# regional office's request page shows the priorities its region's forums stated (one query).
PINNED = {
    # Keys first, then the page's rows (bali_portal.pagination): one query more, flat.
    "list page": 9,
    # The assessment is prefetched, not joined (cheaper to plan): one query more, flat.
    "detail page (focal point)": 14,
    "detail page (regional office)": 17,  # the organization to refer to is typed, not listed
    # The designation, the count, the page's keys, its rows, and every reference list in one.
    "api list": 5,
    "api detail": 10,
}

STATES = [State.DRAFT, State.SUBMITTED, State.UNDER_REVIEW, State.ROUTED, State.COMPLETED]


@pytest.fixture
def cast():
    return focal.people()


def count_queries(fetch) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = fetch()
    assert response.status_code == 200
    return len(queries)


def add_requests(cast, number: int) -> None:
    for index in range(number):
        request_obj = factories.make_request(
            "KEN",
            state=STATES[index % len(STATES)],
            created_by=cast.owner,
            lead_division="DEPI",
            supporting=("DELC", "DEWA"),
            assignee=cast.office,
        )
        request_obj.thematic_areas.set(["T01", "T02"])
        request_obj.support_types.set(["training"])


def grow_history(cast, request_obj, comments: int, documents: int) -> None:
    for number in range(comments):
        person = (cast.owner, cast.office, cast.colleague)[number % 3]
        services.perform_action(
            request=request_obj, actor=person, action="comment", data={"text": f"Note {number}"}
        )
    for number in range(documents):
        Attachment.objects.create(
            request=request_obj,
            file=f"attachments/{request_obj.pk}/doc{number}.pdf",
            stored_name=f"doc{number}.pdf",
            original_name=f"Document {number}.pdf",
            content_type="application/pdf",
            size=1000,
            uploaded_by=(cast.owner, cast.colleague)[number % 2],
        )


def test_list_page_is_flat(cast, client_for):
    client = client_for(cast.owner)
    counts = []
    for number in (3, 17):
        add_requests(cast, number)
        counts.append(count_queries(lambda: client.get("/requests/?state=submitted&state=draft")))
    assert counts == [PINNED["list page"]] * 2


def test_api_list_is_flat(cast, api_for):
    api = api_for(cast.owner)
    counts = []
    for number in (3, 17):
        add_requests(cast, number)
        counts.append(count_queries(lambda: api.get("/api/v1/requests/")))
    assert counts == [PINNED["api list"]] * 2


@pytest.mark.parametrize(
    ("who", "pin"),
    [("owner", "detail page (focal point)"), ("office", "detail page (regional office)")],
)
def test_request_page_is_flat(cast, client_for, who, pin):
    request_obj = focal.advance(focal.submitted(cast), cast, "acknowledge")
    client = client_for(getattr(cast, who))
    counts = []
    for comments, documents in ((1, 1), (12, 6)):
        grow_history(cast, request_obj, comments, documents)
        counts.append(count_queries(lambda: client.get(f"/requests/{request_obj.reference}/")))
    assert counts == [PINNED[pin]] * 2


def test_api_detail_is_flat(cast, api_for):
    request_obj = focal.advance(focal.submitted(cast), cast, "acknowledge", "route")
    api = api_for(cast.lead)
    counts = []
    for comments, documents in ((1, 1), (12, 6)):
        grow_history(cast, request_obj, comments, documents)
        counts.append(count_queries(lambda: api.get(f"/api/v1/requests/{request_obj.reference}/")))
    assert counts == [PINNED["api detail"]] * 2
