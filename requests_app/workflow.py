"""The request lifecycle, as data.

This table is the only place that decides whether an action may be taken on a request: the
services, the API, the buttons shown on a page, the tests and the docs all read it
(``docs/design.md``, "The request lifecycle"). Each row is one class of
``requests_app.actions.lifecycle`` (its states, capacities, form, effect, audience and texts);
the states and capacities are named in ``requests_app.states``.
"""

from .actions.base import Action
from .actions.lifecycle import ALL_ACTIONS
from .states import (
    ALL_STATES,
    NON_DRAFT_STATES,
    OPEN_STATES,
    PREVIOUS_STATE,
    TERMINAL_STATES,
    UNCHANGED,
    Capacity,
    State,
)

__all__ = [
    "ACTIONS",
    "ALL_STATES",
    "NON_DRAFT_STATES",
    "OPEN_STATES",
    "PREVIOUS_STATE",
    "TERMINAL_STATES",
    "UNCHANGED",
    "Action",
    "Capacity",
    "State",
    "actions_available",
    "get_action",
    "resulting_state",
]  # fmt: skip

ACTIONS: dict[str, Action] = {cls.name: cls() for cls in ALL_ACTIONS}


def get_action(name: str) -> Action:
    try:
        return ACTIONS[name]
    except KeyError:
        raise LookupError(name) from None


def resulting_state(action: Action, current: str, previous: str | None) -> str:
    if action.to_state is UNCHANGED:
        return current
    if action.to_state == PREVIOUS_STATE:
        return previous or State.UNDER_REVIEW
    return action.to_state


def actions_available(state: str, capacities: set[str]) -> list[Action]:
    """The actions a person acting in these capacities may take on a request in this state."""
    return [
        action
        for action in ACTIONS.values()
        if action.is_allowed_from(state) and action.capacities & capacities
    ]
