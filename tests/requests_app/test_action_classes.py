"""One action, one object (issue 15): the lifecycle table is built from the action classes,
and each class carries everything about its action — its form, its effect, its audience and
its texts — so that adding a row cannot forget one of them."""

import inspect

import pytest
from django.utils import translation

from requests_app.actions import ACTION_FORMS, ActionForm
from requests_app.actions.base import Action, Audience
from requests_app.actions.lifecycle import ALL_ACTIONS, Acknowledge, Route, Submit
from requests_app.actions.texts import EVENT_TITLES, MESSAGE_ACTIONS, SUCCESS_MESSAGES
from requests_app.models import RequestEvent
from requests_app.states import CREATE, ActionName
from requests_app.workflow import ACTIONS, ALL_STATES, PREVIOUS_STATE, UNCHANGED, Capacity


def test_the_table_is_the_classes_in_the_order_of_the_names():
    assert list(ACTIONS) == [cls.name for cls in ALL_ACTIONS] == ActionName.values
    assert [type(action) for action in ACTIONS.values()] == list(ALL_ACTIONS)
    event_actions = [name for name, _label in RequestEvent._meta.get_field("action").choices]
    assert event_actions == [*ActionName.values, CREATE]


@pytest.mark.parametrize("cls", ALL_ACTIONS, ids=lambda cls: cls.name)
def test_every_action_has_its_row_form_effect_and_texts(cls):
    action = ACTIONS[cls.name]
    assert action.from_states and action.from_states <= ALL_STATES
    assert action.to_state in ALL_STATES | {UNCHANGED, PREVIOUS_STATE}
    assert action.capacities and action.capacities <= set(Capacity.values)
    assert issubclass(action.form, ActionForm) and action.form is not ActionForm
    assert ACTION_FORMS[cls.name] is action.form
    assert set(action.required) | set(action.optional) == set(action.form.base_fields)
    assert cls.apply is not Action.apply, "every action has its effect"
    assert list(inspect.signature(action.apply).parameters) == [
        "request", "actor", "data", "now", "levels",
    ]  # fmt: skip
    for text in (action.label, action.title, action.success_message, action.email_subject):
        assert str(text).strip()
    assert EVENT_TITLES[cls.name] == action.title
    assert SUCCESS_MESSAGES[cls.name] == action.success_message
    assert (cls.name in MESSAGE_ACTIONS) == action.is_message


def test_texts_are_translated_when_read():
    with translation.override("zh-hans"):
        assert str(ACTIONS["acknowledge"].title) != "Acknowledged by the regional office"


def test_each_action_says_who_hears_of_its_event():
    class Held:
        country_id, forum_id, assignee_id, regional_office_id = "KEN", None, 7, "ROA"

    class Unheld(Held):
        assignee_id = None

    assert Acknowledge().audience(Held) == Audience(country_id="KEN")
    assert ACTIONS["provide_info"].audience(Held) == Audience(holder_id=7)
    assert ACTIONS["provide_info"].audience(Unheld) is None
    assert ACTIONS["comment"].audience(Held) is None
    # Nobody holds a request when it is first submitted: its office hears of it.
    assert Submit().audience(Unheld) == Audience(country_id="KEN", office_id="ROA")
    assert Submit().audience(Held) == Audience(country_id="KEN", holder_id=7)


def test_each_action_describes_its_own_event():
    assert Acknowledge().details({"assignee": 3, "assignee_name": "Amina"}) == [
        ("Assignee", "Amina")
    ]
    assert Route().details({"lead_division": "", "supporting_divisions": []}) == []
    assert ACTIONS["evaluate"].details({"rating": 4}) == [("Rating", "4/5")]
    assert ACTIONS["comment"].details({"merged_from": "KEN-2026-0001"}) == []
    assert isinstance(ACTIONS["comment"], Action)
