"""The staff queues: the regional office's triage queue and the division's queue, their filters,
bulk acknowledge/assign, the coordinator's service levels page, and the list API as a queue.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bali_portal.api_errors import domain_status
from requests_app import selectors, services
from requests_app.models import Request, ServiceLevel
from requests_app.workflow import State
from tests import factories
from tests.requests_app import lifecycle

pytestmark = pytest.mark.django_db


def ago(days: float):
    return timezone.now() - timedelta(days=days)


def walk(cast, title, steps, **values):
    """A request taken through ``steps`` [(action, days ago, data?)] by the usual people."""
    request = services.create_draft(
        actor=cast.focal_point,
        values={**lifecycle.complete_values(title), **values},
        now=ago(steps[0][1] + 0.1) if steps else ago(1),
    )
    for step in steps:
        action, days = step[0], step[1]
        if len(step) > 2:
            data = step[2]
        elif action == "acknowledge":
            data = {}  # assigned to the officer who acknowledges
        else:
            data = lifecycle.valid_data(action, request, cast)
        services.perform_action(
            request=request,
            actor=lifecycle.actor_for(action, cast),
            action=action,
            data=data,
            now=ago(days),
        )
    request.refresh_from_db()
    return request


@pytest.fixture
def cast():
    return lifecycle.make_cast()


@pytest.fixture
def office(cast):
    """Kenya's requests at the Africa office, in a known order of urgency."""
    return {
        "fresh": walk(cast, "Submitted yesterday", [("submit", 1)]),
        "late": walk(cast, "Submitted eight days ago", [("submit", 8)]),
        "later": walk(cast, "Submitted twelve days ago", [("submit", 12)]),
        "reviewing": walk(
            cast,
            "Under review, on time",
            [("submit", 15), ("acknowledge", 14, {"assignee": cast.colleague.pk})],
            thematic_areas=["T04"],
            support_types=["advisory"],
        ),
        "routed": walk(
            cast, "Routed last week", [("submit", 30), ("acknowledge", 29), ("route", 7)]
        ),
        "closed": walk(
            cast,
            "Long finished",
            [
                ("submit", 200),
                ("acknowledge", 199),
                ("route", 190),
                ("accept", 180),
                ("complete", 90),
                ("close", 80),
            ],
        ),
        "draft": walk(cast, "Still a draft", []),
    }


def references(response) -> list[str]:
    return re.findall(r'data-reference="([A-Z]{3}-\d{4}-\d{4,})"', response.content.decode())


# --- The regional office's queue ------------------------------------------------------------------


def test_the_office_sees_its_requests_overdue_first_then_open_then_finished(
    cast, office, client_for
):
    egypt = lifecycle.make_cast(country="EGY")  # the same office (Africa)
    egyptian = walk(egypt, "From Egypt", [("submit", 2)])
    nepal = lifecycle.make_cast(country="NPL", office="ROAP")
    elsewhere = walk(nepal, "From Nepal, another office", [("submit", 30)])

    response = client_for(cast.regional_staff).get("/requests/queue/")
    assert response.status_code == 200
    assert references(response) == [
        office["later"].reference,  # overdue, the oldest first
        office["late"].reference,
        office["routed"].reference,  # then the open ones, oldest first
        office["reviewing"].reference,
        egyptian.reference,
        office["fresh"].reference,
        office["closed"].reference,  # finished ones last
    ]
    assert office["draft"].reference not in response.content.decode()
    assert elsewhere.reference not in response.content.decode()


def test_overdue_rows_are_flagged_and_link_to_the_request(cast, office, client_for):
    page = client_for(cast.regional_staff).get("/requests/queue/").content.decode()
    late_row = _row(page, office["later"].reference)
    assert "Overdue" in late_row or "Twice overdue" in late_row
    assert f'href="/requests/{office["later"].reference}/"' in late_row
    assert "Twice overdue" in late_row  # 12 days: past the 5 days, and past twice that
    assert "Twice overdue" not in _row(page, office["late"].reference)
    assert "Overdue" in _row(page, office["late"].reference)
    assert "Overdue" not in _row(page, office["fresh"].reference)


def _row(page: str, reference: str) -> str:
    start = page.index(f'data-reference="{reference}"')
    return page[start : page.index("</tr>", start)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=submitted", ["later", "late", "fresh"]),
        ("state=submitted,routed", ["later", "late", "routed", "fresh"]),
        ("overdue=true", ["later", "late"]),
        ("overdue=false", ["routed", "reviewing", "fresh", "closed"]),
        ("thematic_area=T04", ["reviewing"]),
        ("support_type=advisory", ["reviewing"]),
        ("min_age_days=10", ["later", "routed", "reviewing", "closed"]),
        ("search=eight", ["late"]),
        ("country=KEN&state=closed", ["closed"]),
    ],
)
def test_the_queue_filters(cast, office, client_for, query, expected):
    response = client_for(cast.regional_staff).get(f"/requests/queue/?{query}")
    assert response.status_code == 200
    assert references(response) == [office[name].reference for name in expected]


def test_filter_by_assignee(cast, office, client_for):
    client = client_for(cast.colleague)
    mine = references(client.get("/requests/queue/?assignee=me"))
    assert mine == [office["reviewing"].reference]
    theirs = references(client.get(f"/requests/queue/?assignee={cast.regional_staff.pk}"))
    assert theirs == [office["routed"].reference, office["closed"].reference]
    nobody = references(client.get("/requests/queue/?assignee=none"))
    assert nobody == [
        office["later"].reference,
        office["late"].reference,
        office["fresh"].reference,
    ]


def test_the_page_works_without_javascript_and_labels_every_control(cast, office, client_for):
    page = client_for(cast.regional_staff).get("/requests/queue/").content.decode()
    assert "<script" not in page and "<style" not in page and " style=" not in page
    ids = re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', page)
    assert ids and len(ids) == len(set(ids)), "ids are unique"
    for control_id in ids:
        if control_id == "language":
            continue
        assert f'for="{control_id}"' in page, f"{control_id} has a label"


@pytest.mark.parametrize("who", ["focal_point", "outside_focal_point"])
def test_focal_points_have_no_queue(cast, client_for, who):
    assert client_for(getattr(cast, who)).get("/requests/queue/").status_code == 404


def test_anonymous_people_are_asked_to_log_in(client):
    response = client.get("/requests/queue/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_coordinator_sees_every_office(cast, office, client_for):
    nepal = lifecycle.make_cast(country="NPL", office="ROAP")
    elsewhere = walk(nepal, "From Nepal", [("submit", 30)])
    page = client_for(cast.coordinator).get("/requests/queue/?regional_office=ROAP")
    assert references(page) == [elsewhere.reference]
    everything = references(client_for(cast.coordinator).get("/requests/queue/"))
    assert set(everything) == {r.reference for r in office.values() if r.state != State.DRAFT} | {
        elsewhere.reference
    }


# --- The division's queue -------------------------------------------------------------------------


def test_the_division_sees_what_is_routed_to_it_as_lead_or_supporting(cast, office, client_for):
    other = walk(
        cast,
        "Routed to DTIE with DEPI supporting",
        [
            ("submit", 20),
            ("acknowledge", 19),
            ("route", 18, {"lead_division": "DTIE", "supporting_divisions": ["DEPI"]}),
        ],
    )
    lead = references(client_for(cast.lead_division).get("/requests/queue/"))
    # Routed 18 days ago: past the 15 days to accept, so overdue and first.
    assert lead == [other.reference, office["routed"].reference, office["closed"].reference]
    supporting = references(client_for(cast.supporting_division).get("/requests/queue/"))
    assert supporting == [office["routed"].reference, office["closed"].reference]
    assert selectors.division_queue(cast.regional_staff, timezone.now()).count() == 0
    assert selectors.triage_queue(cast.lead_division, timezone.now()).count() == 0
    filtered = references(client_for(cast.lead_division).get("/requests/queue/?overdue=true"))
    assert filtered == [other.reference]


def test_the_division_has_no_bulk_form(cast, office, client_for):
    client = client_for(cast.lead_division)
    assert 'name="requests"' not in client.get("/requests/queue/").content.decode()
    response = client.post(
        "/requests/queue/", {"requests": [office["routed"].reference], "action": "acknowledge"}
    )
    assert response.status_code == 404


# --- Bulk acknowledge and assign ------------------------------------------------------------------


def test_bulk_acknowledge_reports_each_request_it_could_not_move(cast, office, client_for):
    chosen = [office[name].reference for name in ("fresh", "late", "later", "reviewing")]
    client = client_for(cast.regional_staff)
    response = client.post(
        "/requests/queue/",
        {"requests": chosen, "action": "acknowledge", "assignee": "", "query": "overdue=true"},
        follow=True,
    )
    assert response.redirect_chain == [("/requests/queue/?overdue=true", 302)]
    page = response.content.decode()
    assert "Acknowledge: 3 requests done" in page
    reviewing = office["reviewing"].reference
    assert f"{reviewing} was not changed" in page
    assert "cannot be acknowledge" in page  # the 409 reason of the table
    for name in ("fresh", "late", "later"):
        request = Request.objects.get(pk=office[name].pk)
        assert request.state == State.UNDER_REVIEW
        assert request.assignee == cast.regional_staff  # "me" by default
        assert request.events.filter(action="acknowledge", actor=cast.regional_staff).count() == 1
    assert Request.objects.get(pk=office["reviewing"].pk).assignee == cast.colleague


def test_bulk_assign_to_a_colleague(cast, office, client_for):
    for name in ("fresh", "late"):
        services.perform_action(
            request=office[name], actor=cast.regional_staff, action="acknowledge"
        )
    chosen = [office[name].reference for name in ("fresh", "late", "routed")]
    response = client_for(cast.regional_staff).post(
        "/requests/queue/",
        {"requests": chosen, "action": "assign", "assignee": cast.colleague.pk},
        follow=True,
    )
    page = response.content.decode()
    assert "Assign: 2 requests done" in page
    assert f"{office['routed'].reference} was not changed" in page  # routed: not the office's
    for name in ("fresh", "late"):
        assert Request.objects.get(pk=office[name].pk).assignee == cast.colleague
    assert Request.objects.get(pk=office["routed"].pk).assignee == cast.regional_staff


def test_bulk_cannot_name_a_request_outside_the_office(cast, office, client_for):
    nepal = lifecycle.make_cast(country="NPL", office="ROAP")
    elsewhere = walk(nepal, "From Nepal", [("submit", 3)])
    response = client_for(cast.regional_staff).post(
        "/requests/queue/",
        {"requests": [elsewhere.reference, office["fresh"].reference], "action": "acknowledge"},
        follow=True,
    )
    assert "Select a valid choice" in response.content.decode()
    assert Request.objects.get(pk=elsewhere.pk).state == State.SUBMITTED
    assert Request.objects.get(pk=office["fresh"].pk).state == State.SUBMITTED


def test_bulk_cannot_assign_to_someone_of_another_office(cast, office, client_for):
    outsider = cast.outside_regional_staff
    response = client_for(cast.regional_staff).post(
        "/requests/queue/",
        {"requests": [office["fresh"].reference], "action": "acknowledge", "assignee": outsider.pk},
        follow=True,
    )
    assert "Select a valid choice" in response.content.decode()
    assert Request.objects.get(pk=office["fresh"].pk).state == State.SUBMITTED


def test_bulk_action_service_runs_each_request_in_its_own_transaction(cast, office):
    results = services.bulk_action(
        requests=[office["reviewing"], office["fresh"]],
        actor=cast.regional_staff,
        action="acknowledge",
    )
    assert [result.ok for result in results] == [False, True]
    assert domain_status(results[0].error) == 409
    assert results[1].event.action == "acknowledge"
    assert Request.objects.get(pk=office["fresh"].pk).state == State.UNDER_REVIEW


# --- The coordinator's service levels ------------------------------------------------------------


def test_the_coordinator_edits_the_service_levels(cast, client_for):
    client = client_for(cast.coordinator)
    page = client.get("/requests/service-levels/")
    assert page.status_code == 200
    assert 'name="acknowledge_days" value="5"' in page.content.decode()
    response = client.post(
        "/requests/service-levels/",
        {"acknowledge_days": 3, "decision_days": 15, "acceptance_days": 10},
        follow=True,
    )
    assert response.redirect_chain == [("/requests/service-levels/", 302)]
    assert "The service levels were saved." in response.content.decode()
    levels = ServiceLevel.current()
    assert (levels.acknowledge_days, levels.decision_days, levels.acceptance_days) == (3, 15, 10)


def test_invalid_service_levels_are_explained_and_not_saved(cast, client_for):
    response = client_for(cast.coordinator).post(
        "/requests/service-levels/",
        {"acknowledge_days": 0, "decision_days": "", "acceptance_days": 10},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "error-summary" in page
    assert "Ensure this value is greater than or equal to 1." in page
    assert "This field is required." in page
    assert ServiceLevel.current().acknowledge_days == 5


@pytest.mark.parametrize(
    "who", ["focal_point", "regional_staff", "lead_division", "council", "colleague"]
)
def test_only_the_coordinator_has_the_service_levels_page(cast, client_for, who):
    client = client_for(getattr(cast, who))
    assert client.get("/requests/service-levels/").status_code == 404
    response = client.post(
        "/requests/service-levels/",
        {"acknowledge_days": 1, "decision_days": 1, "acceptance_days": 1},
    )
    assert response.status_code == 404
    assert ServiceLevel.current().acknowledge_days == 5


# --- The queues through the list API --------------------------------------------------------------


def api_references(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["reference"] for item in response.json()["results"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=submitted", {"later", "late", "fresh"}),
        ("state=submitted,under_review", {"later", "late", "fresh", "reviewing"}),
        ("regional_office=ROA&overdue=true", {"later", "late"}),
        ("division=DEPI", {"routed", "closed"}),
        ("division=DELC&state=routed", {"routed"}),
        ("country=KEN&thematic_area=T04", {"reviewing"}),
        ("support_type=advisory", {"reviewing"}),
        ("min_age_days=10&state=submitted", {"later"}),
    ],
)
def test_the_list_endpoint_serves_the_queues(cast, office, api_for, query, expected):
    response = api_for(cast.regional_staff).get(f"/api/v1/requests/?{query}")
    assert api_references(response) == {office[name].reference for name in expected}


def test_the_list_endpoint_filters_by_assignee(cast, office, api_for):
    api = api_for(cast.colleague)
    assert api_references(api.get("/api/v1/requests/?assignee=me")) == {
        office["reviewing"].reference
    }
    by_email = api.get(f"/api/v1/requests/?assignee={cast.regional_staff.email}")
    assert api_references(by_email) == {office["routed"].reference, office["closed"].reference}


def test_the_list_endpoint_is_the_divisions_queue_too(cast, office, api_for):
    api = api_for(cast.supporting_division)
    assert api_references(api.get("/api/v1/requests/")) == {
        office["routed"].reference,
        office["closed"].reference,
    }
    # Another office's filter cannot widen the scope.
    assert (
        api_references(api_for(cast.regional_staff).get("/api/v1/requests/?regional_office=ROAP"))
        == set()
    )


# --- A fixed number of queries whatever the size of the queue -----------------------------------


def populate(cast, size: int) -> None:
    """``size`` more requests in varied states, assignees, divisions and tags."""
    for index in range(size):
        steps = [
            [("submit", 3 + index)],
            [("submit", 20 + index), ("acknowledge", 19, {"assignee": cast.colleague.pk})],
            [("submit", 30 + index), ("acknowledge", 29), ("route", 20)],
            [("submit", 40 + index), ("acknowledge", 39), ("route", 38), ("accept", 30)],
        ][index % 4]
        walk(
            cast,
            f"Need number {index}",
            steps,
            thematic_areas=["T01", "T02", "T03"][: 1 + index % 3],
            support_types=["training", "advisory"][: 1 + index % 2],
        )


OPEN = "submitted,under_review,info_requested,routed,in_progress"


def count_queries(do) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = do()
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("regional_staff", "/requests/queue/"),
        ("regional_staff", "/requests/queue/?overdue=true&thematic_area=T01"),
        ("lead_division", "/requests/queue/"),
        ("supporting_division", "/requests/queue/?state=routed"),
        ("coordinator", "/requests/queue/"),
    ],
)
def test_queue_pages_run_a_fixed_number_of_queries(cast, client_for, who, url):
    client = client_for(getattr(cast, who))
    populate(cast, 3)
    small = count_queries(lambda: client.get(url))
    populate(cast, 6)
    large = count_queries(lambda: client.get(url))
    assert small == large, f"{small} queries for 3 requests, {large} for 9"


@pytest.mark.parametrize(
    ("who", "query"),
    [
        ("regional_staff", "regional_office=ROA&overdue=true"),
        ("regional_staff", "state=submitted,under_review&thematic_area=T01"),
        ("regional_staff", "state=submitted,under_review,routed&ordering=urgency"),
        ("lead_division", "division=DEPI"),
        ("supporting_division", "ordering=urgency"),
        ("coordinator", "state=routed"),
        # The division's queue of open requests, lead and supporting (issue 14).
        ("lead_division", f"state={OPEN}&ordering=urgency"),
        ("supporting_division", f"state={OPEN}&ordering=urgency"),
        ("coordinator", "search=need+number"),
    ],
)
def test_queue_queries_of_the_api_are_flat(cast, api_for, who, query):
    api = api_for(getattr(cast, who))
    populate(cast, 3)
    small = count_queries(lambda: api.get(f"/api/v1/requests/?{query}"))
    populate(cast, 6)
    large = count_queries(lambda: api.get(f"/api/v1/requests/?{query}"))
    assert small == large, f"{small} queries for 3 requests, {large} for 9"


def test_the_queue_pages_at_fifty_rows(cast, client_for):
    populate(cast, 3)
    for index in range(52):
        # Egypt: the same office; put straight into the state, as a reading test may.
        factories.make_request("EGY", state=State.SUBMITTED, title=f"Bulk row {index}")
    client = client_for(cast.regional_staff)
    first = client.get("/requests/queue/")
    assert len(references(first)) == 50
    assert "Page 1 of 2" in first.content.decode()
    second = client.get("/requests/queue/?page=2")
    assert len(references(second)) == 5


@pytest.mark.parametrize(
    ("who", "links"),
    [
        ("regional_staff", ["/requests/queue/"]),
        ("lead_division", ["/requests/queue/"]),
        ("coordinator", ["/requests/queue/", "/requests/service-levels/"]),
        ("focal_point", []),
    ],
)
def test_the_requests_page_leads_staff_to_their_queue(cast, client_for, who, links):
    page = client_for(getattr(cast, who)).get("/requests/").content.decode()
    for url in ("/requests/queue/", "/requests/service-levels/"):
        assert (f'href="{url}"' in page) == (url in links)
