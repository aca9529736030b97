"""The request lifecycle, as data.

This table is the only place that decides whether an action may be taken on a request: the
services, the API, the buttons shown on a page, the tests and the docs all read it
(``docs/design.md``, "The request lifecycle").
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    # The state, not the date label "Submitted" (a context each: they read differently).
    SUBMITTED = "submitted", pgettext_lazy("request state", "Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    INFO_REQUESTED = "info_requested", _("Information requested")
    ROUTED = "routed", _("Routed to a division")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CLOSED = "closed", _("Closed")
    DECLINED = "declined", _("Declined")
    REFERRED = "referred", _("Referred")
    WITHDRAWN = "withdrawn", _("Withdrawn")


TERMINAL_STATES = frozenset({State.CLOSED, State.DECLINED, State.REFERRED, State.WITHDRAWN})
# Open: the portal still owes the country a step.
OPEN_STATES = frozenset(
    {State.SUBMITTED, State.UNDER_REVIEW, State.INFO_REQUESTED, State.ROUTED, State.IN_PROGRESS}
)
ALL_STATES = frozenset(State.values)
NON_DRAFT_STATES = ALL_STATES - {State.DRAFT}


class Capacity(models.TextChoices):
    """In what capacity a user acts on a given request (their role *and* its relation to it)."""

    FOCAL_POINT = "focal_point", _("focal point of the country")
    REGIONAL_STAFF = "regional_staff", _("staff of the country's regional office")
    LEAD_DIVISION = "lead_division", _("staff of the lead division")
    SUPPORTING_DIVISION = "supporting_division", _("staff of a supporting division")
    COORDINATOR = "coordinator", _("BSP coordinator")
    COUNCIL = "council", _("Governing Council staff")


# "the state it came from": provide_info returns the request to where the question was asked.
PREVIOUS_STATE = "<previous>"
UNCHANGED = None


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    from_states: frozenset
    to_state: str | None
    capacities: frozenset
    required: tuple = ()
    optional: tuple = ()
    # Shown to the country as "what is expected next" while the request waits for this action.
    button_style: str = "secondary"
    description: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def changes_state(self) -> bool:
        return self.to_state is not UNCHANGED

    def is_allowed_from(self, state: str) -> bool:
        return state in self.from_states


C = Capacity
S = State

ACTIONS: dict[str, Action] = {
    action.name: action
    for action in [
        Action(
            "submit",
            _("Submit"),
            frozenset({S.DRAFT}),
            S.SUBMITTED,
            frozenset({C.FOCAL_POINT}),
            button_style="primary",
        ),
        Action(
            "acknowledge",
            _("Acknowledge"),
            frozenset({S.SUBMITTED}),
            S.UNDER_REVIEW,
            frozenset({C.REGIONAL_STAFF}),
            optional=("assignee",),
            button_style="primary",
        ),
        Action(
            "assign",
            _("Assign"),
            frozenset({S.UNDER_REVIEW, S.INFO_REQUESTED}),
            UNCHANGED,
            frozenset({C.REGIONAL_STAFF}),
            required=("assignee",),
        ),
        Action(
            "request_info",
            _("Ask the focal point"),
            frozenset({S.UNDER_REVIEW, S.ROUTED}),
            S.INFO_REQUESTED,
            frozenset({C.REGIONAL_STAFF, C.LEAD_DIVISION}),
            required=("message",),
        ),
        Action(
            "provide_info",
            _("Answer"),
            frozenset({S.INFO_REQUESTED}),
            PREVIOUS_STATE,
            frozenset({C.FOCAL_POINT}),
            required=("message",),
            button_style="primary",
        ),
        Action(
            "route",
            _("Route to a division"),
            frozenset({S.UNDER_REVIEW}),
            S.ROUTED,
            frozenset({C.REGIONAL_STAFF}),
            required=("lead_division",),
            optional=("supporting_divisions",),
            button_style="primary",
        ),
        Action(
            "decline",
            _("Decline"),
            frozenset({S.UNDER_REVIEW}),
            S.DECLINED,
            frozenset({C.REGIONAL_STAFF}),
            required=("reason", "explanation"),
        ),
        Action(
            "refer",
            _("Refer to another organization"),
            frozenset({S.UNDER_REVIEW}),
            S.REFERRED,
            frozenset({C.REGIONAL_STAFF}),
            required=("organization", "contact_email"),
            optional=("explanation",),
        ),
        Action(
            "merge",
            _("Merge into another request"),
            frozenset({S.SUBMITTED, S.UNDER_REVIEW}),
            S.DECLINED,
            frozenset({C.REGIONAL_STAFF}),
            required=("into",),
        ),
        Action(
            "return",
            _("Return to the regional office"),
            frozenset({S.ROUTED}),
            S.UNDER_REVIEW,
            frozenset({C.LEAD_DIVISION}),
            required=("reason",),
        ),
        Action(
            "accept",
            _("Accept"),
            frozenset({S.ROUTED}),
            S.IN_PROGRESS,
            frozenset({C.LEAD_DIVISION}),
            required=("response_plan",),
            optional=("activities",),
            button_style="primary",
        ),
        Action(
            "progress",
            _("Post a progress update"),
            frozenset({S.IN_PROGRESS}),
            UNCHANGED,
            frozenset({C.LEAD_DIVISION}),
            required=("text",),
        ),
        Action(
            "complete",
            _("Complete with results"),
            frozenset({S.IN_PROGRESS}),
            S.COMPLETED,
            frozenset({C.LEAD_DIVISION}),
            required=(
                "people_trained_female",
                "people_trained_male",
                "outputs",
                "cost_usd",
                "lessons",
            ),
            optional=(
                "people_trained_other",
                "institutions_supported",
                "laws_drafted",
                "policies_adopted",
                "tools_developed",
                "institutions_strengthened",
                "successes",
                "shortcomings",
            ),
            button_style="primary",
        ),
        Action(
            "close",
            _("Close"),
            frozenset({S.COMPLETED}),
            S.CLOSED,
            frozenset({C.REGIONAL_STAFF, C.COORDINATOR}),
        ),
        Action(
            "withdraw",
            _("Withdraw"),
            frozenset({S.SUBMITTED, S.UNDER_REVIEW, S.INFO_REQUESTED, S.ROUTED}),
            S.WITHDRAWN,
            frozenset({C.FOCAL_POINT}),
            required=("reason",),
        ),
        # Assessing the help received is invited, never a precondition for anything (§25).
        Action(
            "evaluate",
            _("Assess the support received"),
            frozenset({S.COMPLETED, S.CLOSED}),
            UNCHANGED,
            frozenset({C.FOCAL_POINT}),
            required=("rating", "comments"),
            optional=(
                "kind",
                "capacity_retained",
                "capacity_used",
                "programme_rating",
                "staff_rating",
            ),
        ),
        Action(
            "comment",
            _("Comment"),
            NON_DRAFT_STATES,
            UNCHANGED,
            frozenset(Capacity.values),
            required=("text",),
        ),
    ]
}


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
