"""Every field of every action, given what it must refuse, through the API and the page.

Generated from the actions' forms (``requests_app.actions.ACTION_FORMS``): for each field, the
bad values of its kind (wrong types, numbers out of range, huge strings, NUL characters) are
posted with otherwise valid input, as JSON to ``/api/v1/requests/{ref}/{action}/`` and as a
form to the request's page. Each answers 400 naming the field, and the request and its
history stay as they were. A new field of an action is tested without new test code.
"""

import pytest
from django import forms
from django.db import transaction
from django.forms.models import model_to_dict

from requests_app.actions import ACTION_FORMS
from requests_app.actions.forms import FREE_TEXT_CHARS, ActivitiesField
from requests_app.models import Request
from requests_app.workflow import ACTIONS, State
from tests.requests_app import lifecycle

HUGE = "A" * (FREE_TEXT_CHARS + 1)
NUL = "a\x00b"
NOT_A_KEY = 10**30


def bad_values(field) -> list:
    """What the field must refuse, by its kind."""
    wrong_types = [{"a": 1}, [[1]]]
    if isinstance(field, ActivitiesField):
        return [NOT_A_KEY, [NOT_A_KEY], [{"a": 1}], "x" * 301, NUL, "No such activity"]
    if isinstance(field, forms.ModelMultipleChoiceField):
        return [5, ["²"], [NOT_A_KEY], [{"a": 1}], {"a": 1}, [NUL]]
    if isinstance(field, forms.ModelChoiceField):
        return [*wrong_types, "²", NOT_A_KEY, HUGE, NUL, -1, "nobody@example.org"]
    if isinstance(field, forms.DecimalField):
        return [*wrong_types, "1e30", "NaN", "Infinity", -1, "10000000000000", "²"]
    # after DecimalField, which derives from it
    if isinstance(field, forms.IntegerField):
        return [*wrong_types, "²", -1, 2**31, NOT_A_KEY, "NaN", 1.5, "1e30"]
    if isinstance(field, forms.EmailField):
        return [*wrong_types, "not an address", f"a{NUL}@example.org", "x" * 400 + "@example.org"]
    if isinstance(field, forms.ChoiceField):
        return [*wrong_types, "no such choice", 9, NUL]
    if isinstance(field, forms.CharField):
        too_long = "A" * (field.max_length + 1)
        return [*wrong_types, too_long, NUL]
    raise AssertionError(f"no bad values for {type(field).__name__}")


# The state each action is taken from, and who takes it.
FROM_STATE = {name: sorted(spec.from_states)[0] for name, spec in ACTIONS.items()}
FROM_STATE["submit"] = State.DRAFT
FIELDS = [(name, field) for name, form in ACTION_FORMS.items() for field in form.base_fields]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        cast = lifecycle.make_cast()
        lifecycle.organization()
        requests = {
            state: lifecycle.new_request(cast, state).pk for state in set(FROM_STATE.values())
        }
        yield cast, requests
        transaction.set_rollback(True)


def test_every_action_with_fields_is_covered():
    with_fields = {name for name, form in ACTION_FORMS.items() if form.base_fields}
    assert {name for name, _ in FIELDS} == with_fields
    assert len(FIELDS) >= 25


def _snapshot(request: Request) -> tuple:
    request = Request.objects.get(pk=request.pk)
    return (
        model_to_dict(request),
        request.events.count(),
        sorted(request.supporting_divisions.values_list("pk", flat=True)),
        sorted(request.activities.values_list("pk", flat=True)),
    )


def _case(world, action, name):
    cast, requests = world
    request = Request.objects.get(pk=requests[FROM_STATE[action]])
    actor = lifecycle.actor_for(action, cast)
    valid = lifecycle.valid_data(action, request, cast)
    field = ACTION_FORMS[action].base_fields[name]
    return request, actor, valid, field


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "name"), FIELDS, ids=[f"{a}-{n}" for a, n in FIELDS])
def test_through_the_api(world, api_for, action, name):
    request, actor, valid, field = _case(world, action, name)
    before = _snapshot(request)
    api = api_for(actor)
    for value in bad_values(field):
        response = api.post(
            f"/api/v1/requests/{request.reference}/{action}/",
            {**valid, name: value},
            format="json",
        )
        assert response.status_code == 400, (value, response.content[:300])
        body = response.json()
        assert set(body) == {"detail", "code", "errors"}
        assert name in body["errors"], (value, body)
        assert all(isinstance(m, str) for m in body["errors"][name])
        assert _snapshot(request) == before, value


def _as_posted(value):
    """A value as a form posts it: text, or repeated fields for a list."""
    if isinstance(value, dict):
        return str(value)
    if isinstance(value, list):
        return [str(item) for item in value]
    return str(value)


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "name"), FIELDS, ids=[f"{a}-{n}" for a, n in FIELDS])
def test_through_the_page(world, client_for, action, name):
    request, actor, valid, field = _case(world, action, name)
    before = _snapshot(request)
    client = client_for(actor)
    posted = {key: _as_posted(value) for key, value in valid.items()}
    for value in bad_values(field):
        if isinstance(value, dict) or (isinstance(value, list) and value and value[0] == [1]):
            continue  # a form cannot post an object or a nested list
        response = client.post(
            f"/requests/{request.reference}/act/{action}/", {**posted, name: _as_posted(value)}
        )
        assert response.status_code == 400, (value, response.status_code)
        form = next(
            item["form"]
            for item in response.context["action_forms"]
            if item["action"].name == action
        )
        assert name in form.errors, (value, form.errors)
        assert _snapshot(request) == before, value
