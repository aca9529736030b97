"""Every row of the lifecycle table, generated from ``workflow.ACTIONS``.

For each action: every capacity in every state it is allowed from (the move, or 403 / 404 for
the others), every other state (409), someone of the right role outside the request's scope
(404), and each required field left out (400 naming it) — through the services and through
``POST /api/v1/requests/{reference}/{action}/``. A new row of the table is tested without new
test code.
"""

import pytest
from django.db import transaction

from bali_portal.api_errors import domain_status
from requests_app import services
from requests_app.models import Request, RequestEvent
from requests_app.workflow import ACTIONS, State, actions_available, resulting_state
from tests.requests_app import lifecycle

CASES = lifecycle.cases()
OUTSIDERS = lifecycle.outsider_cases()
MISSING = [(name, field) for name, spec in ACTIONS.items() for field in spec.required]


def _case_id(case):
    return "-".join(str(part) for part in case)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """A request in every state, built once through the services, and the people around it.

    Kept inside one transaction rolled back at the end of the module; each test runs in a
    savepoint of it (like Django's ``setUpTestData``), so a test's move never leaks into the
    next one.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        cast = lifecycle.make_cast()
        lifecycle.organization()
        requests = {state: lifecycle.new_request(cast, state).pk for state in State.values}
        yield cast, requests
        transaction.set_rollback(True)


def _setup(world, state):
    cast, requests = world
    request = Request.objects.get(pk=requests[state])
    return cast, request


def _assert_moved(request, action, state, previous, actor, events_before):
    spec = ACTIONS[action]
    request.refresh_from_db()
    assert request.state == resulting_state(spec, state, previous)
    event = request.events.order_by("-created_at", "-id").first()
    assert request.events.count() == events_before + 1
    assert (event.action, event.from_state, event.to_state) == (action, state, request.state)
    assert event.actor_id == actor.pk


def _assert_unchanged(request, state, events_before):
    request.refresh_from_db()
    assert request.state == state
    assert request.events.count() == events_before


def test_the_table_is_covered():
    """Each action is tried in every state, and every allowed (state, capacity) succeeds."""
    tried = {(action, state) for action, state, _, _ in CASES}
    assert tried == {(action, state) for action in ACTIONS for state in State.values}
    allowed = {(a, s, c) for a, s, c, expected in CASES if expected == "ok"}
    assert allowed == {
        (name, state, capacity)
        for name, spec in ACTIONS.items()
        for state in spec.from_states
        for capacity in spec.capacities
        if lifecycle.visible(state, capacity)
    }


@pytest.mark.parametrize(
    ("action", "state", "capacity", "expected"), CASES, ids=[_case_id(c) for c in CASES]
)
def test_the_buttons_offered_agree_with_the_services(action, state, capacity, expected):
    """What a page offers (``actions_available``) is exactly what the services let through."""
    if expected == 404:
        return  # the person never sees the request, let alone its buttons
    offered = {spec.name for spec in actions_available(state, {capacity})}
    assert (action in offered) == (expected == "ok")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "state", "capacity", "expected"), CASES, ids=[_case_id(c) for c in CASES]
)
def test_through_the_services(world, action, state, capacity, expected):
    cast, request = _setup(world, state)
    actor = cast.in_capacity(capacity)
    data = lifecycle.valid_data(action, request, cast)
    previous, before = request.state_before_info, request.events.count()
    if expected == "ok":
        event = services.perform_action(request=request, actor=actor, action=action, data=data)
        assert isinstance(event, RequestEvent)
        _assert_moved(request, action, state, previous, actor, before)
    else:
        with pytest.raises(services.RequestError) as caught:
            services.perform_action(request=request, actor=actor, action=action, data=data)
        assert domain_status(caught.value) == expected, caught.value.message
        _assert_unchanged(request, state, before)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "state", "capacity", "expected"), CASES, ids=[_case_id(c) for c in CASES]
)
def test_through_the_api(world, api_for, action, state, capacity, expected):
    cast, request = _setup(world, state)
    actor = cast.in_capacity(capacity)
    data = lifecycle.valid_data(action, request, cast)
    previous, before = request.state_before_info, request.events.count()
    response = api_for(actor).post(
        f"/api/v1/requests/{request.reference}/{action}/", data, format="json"
    )
    if expected == "ok":
        assert response.status_code in (200, 201), response.content
        _assert_moved(request, action, state, previous, actor, before)
        assert response.json()["state"] == request.state
    else:
        assert response.status_code == expected, response.content
        _assert_unchanged(request, state, before)
        if expected == 404:
            # Never a hint that the request exists.
            assert request.title.encode() not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "state", "capacity"), OUTSIDERS, ids=[_case_id(c) for c in OUTSIDERS]
)
def test_outside_the_scope_the_request_does_not_exist(world, api_for, action, state, capacity):
    cast, request = _setup(world, state)
    outsider = cast.outsider_for(capacity)
    data = lifecycle.valid_data(action, request, cast)
    before = request.events.count()
    with pytest.raises(services.RequestNotFound):
        services.perform_action(request=request, actor=outsider, action=action, data=data)
    response = api_for(outsider).post(
        f"/api/v1/requests/{request.reference}/{action}/", data, format="json"
    )
    assert response.status_code == 404
    assert request.title.encode() not in response.content
    _assert_unchanged(request, state, before)


def _allowed_setting(action):
    spec = ACTIONS[action]
    state = sorted(spec.from_states & lifecycle.ROUTED_STATES or spec.from_states)[0]
    capacity = next(c for c in lifecycle.PREFERRED_ACTOR if c in spec.capacities)
    return state, capacity


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "field"), MISSING, ids=[_case_id(c) for c in MISSING])
def test_a_missing_field_is_named(world, api_for, action, field):
    state, capacity = _allowed_setting(action)
    cast, request = _setup(world, state)
    actor = cast.in_capacity(capacity)
    data = lifecycle.valid_data(action, request, cast)
    data.pop(field)
    before = request.events.count()
    with pytest.raises(services.InvalidInput) as caught:
        services.perform_action(request=request, actor=actor, action=action, data=data)
    assert field in caught.value.errors
    response = api_for(actor).post(
        f"/api/v1/requests/{request.reference}/{action}/", data, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json() or field in str(response.json())
    _assert_unchanged(request, state, before)
