"""Build a request in any state of the lifecycle, through the services, with the people around it.

The lifecycle tests are generated from ``workflow.ACTIONS``; this module gives them, for any
state, a request really brought there by the services, a person in each capacity, and valid
data for each action, so a new row of the table is tested without new test code.
"""

from dataclasses import dataclass
from datetime import date, datetime

from registry.models import Organization
from requests_app import services
from requests_app.models import Request
from requests_app.workflow import ACTIONS, Capacity, State
from tests import factories

C = Capacity

# How the services bring a draft to each state. info_requested and withdrawn go through routing,
# so that the divisions see them too and every capacity is exercised there.
PATHS: dict[str, tuple[str, ...]] = {
    State.DRAFT: (),
    State.SUBMITTED: ("submit",),
    State.UNDER_REVIEW: ("submit", "acknowledge"),
    State.INFO_REQUESTED: ("submit", "acknowledge", "route", "request_info"),
    State.ROUTED: ("submit", "acknowledge", "route"),
    State.IN_PROGRESS: ("submit", "acknowledge", "route", "accept"),
    State.COMPLETED: ("submit", "acknowledge", "route", "accept", "complete"),
    State.CLOSED: ("submit", "acknowledge", "route", "accept", "complete", "close"),
    State.DECLINED: ("submit", "acknowledge", "decline"),
    State.REFERRED: ("submit", "acknowledge", "refer"),
    State.WITHDRAWN: ("submit", "acknowledge", "route", "withdraw"),
}
assert set(PATHS) == set(State.values), "every state needs a path"

# The states in which the request has a lead (DEPI) and a supporting (DELC) division.
ROUTED_STATES = frozenset(
    state for state, path in PATHS.items() if "route" in path and "return" not in path
)

# Who takes each step of a path: the first of these capacities the table allows.
PREFERRED_ACTOR = (C.FOCAL_POINT, C.REGIONAL_STAFF, C.LEAD_DIVISION, C.COORDINATOR)

LEAD, SUPPORTING = "DEPI", "DELC"


@dataclass
class Cast:
    """The people around a request of Kenya (Africa office), and outsiders to it."""

    focal_point: object
    regional_staff: object
    colleague: object
    lead_division: object
    supporting_division: object
    coordinator: object
    council: object
    outside_focal_point: object
    outside_regional_staff: object
    outside_division: object

    def in_capacity(self, capacity: str):
        return {
            C.FOCAL_POINT: self.focal_point,
            C.REGIONAL_STAFF: self.regional_staff,
            C.LEAD_DIVISION: self.lead_division,
            C.SUPPORTING_DIVISION: self.supporting_division,
            C.COORDINATOR: self.coordinator,
            C.COUNCIL: self.council,
        }[capacity]

    def outsider_for(self, capacity: str):
        """Someone with the same role but another scope: the request does not exist for them."""
        return {
            C.FOCAL_POINT: self.outside_focal_point,
            C.REGIONAL_STAFF: self.outside_regional_staff,
            C.LEAD_DIVISION: self.outside_division,
            C.SUPPORTING_DIVISION: self.outside_division,
        }.get(capacity)


def make_cast(country: str = "KEN", office: str = "ROA") -> Cast:
    return Cast(
        focal_point=factories.focal_point(country),
        regional_staff=factories.regional_staff(office),
        colleague=factories.regional_staff(office),
        lead_division=factories.division_staff(LEAD),
        supporting_division=factories.division_staff(SUPPORTING),
        coordinator=factories.coordinator(),
        council=factories.council(),
        outside_focal_point=factories.focal_point("NPL"),
        outside_regional_staff=factories.regional_staff("ROAP"),
        outside_division=factories.division_staff("DTIE"),
    )


def complete_values(title: str = "Mercury-free artisanal gold mining") -> dict:
    return {
        "title": title,
        "description": "Train miners' cooperatives in mercury-free gold processing.",
        "national_priorities": "Minamata national action plan on artisanal gold mining, 2024.",
        "thematic_areas": ["T07", "T10"],
        "support_types": ["training", "technology"],
        "meas": ["MINAMATA"],
        "scope": "national",
        "desired_start": date(2026, 9, 1),
        "duration_months": 12,
        "gender_considerations": "Women process most of the ore; half the trainees are women.",
    }


def organization() -> Organization:
    organization, _ = Organization.objects.get_or_create(
        name="United Nations Development Programme",
        defaults={"acronym": "UNDP", "kind": Organization.Kind.UN_BODY},
    )
    return organization


def valid_data(action: str, request: Request, cast: Cast) -> dict:
    """Data the action accepts, JSON-ready so that the API tests send the very same."""
    if action == "merge":
        into = new_request(cast, state=State.SUBMITTED, title="The same need, filed first")
    return {
        "submit": {},
        "acknowledge": {"assignee": cast.colleague.pk},
        "assign": {"assignee": cast.colleague.pk},
        "request_info": {"message": "Which provinces would the training cover?"},
        "provide_info": {"message": "Migori and Kakamega counties."},
        "route": {"lead_division": LEAD, "supporting_divisions": [SUPPORTING]},
        "decline": {"reason": "no_resources", "explanation": "No budget left this biennium."},
        "refer": {
            "organization": organization().pk,
            "contact_email": "partnerships@undp.example.org",
            "explanation": "UNDP runs this programme.",
        },
        "merge": {"into": into.reference} if action == "merge" else {},
        "return": {"reason": "This needs the Africa office's legal review first."},
        "accept": {"response_plan": "Two regional trainings, then national follow-up."},
        "progress": {"text": "First training held in Kisumu."},
        "complete": {
            "people_trained_female": 31,
            "people_trained_male": 27,
            "people_trained_other": 0,
            "institutions_supported": 4,
            "outputs": "Training manual; national guideline on mercury-free processing.",
            "cost_usd": "48500.00",
            "lessons": "Working through cooperatives reached women miners.",
        },
        "close": {},
        "withdraw": {"reason": "The ministry found national funding."},
        "evaluate": {"rating": 4, "comments": "Useful and well run.", "capacity_retained": True},
        "comment": {"text": "Noted, thank you."},
    }[action]


def actor_for(action: str, cast: Cast):
    for capacity in PREFERRED_ACTOR:
        if capacity in ACTIONS[action].capacities:
            return cast.in_capacity(capacity)
    raise AssertionError(f"nobody may {action}")


def new_request(
    cast: Cast, state: str = State.DRAFT, title: str | None = None, when: datetime | None = None
) -> Request:
    """A request brought to ``state`` by the services, step by step as people would."""
    values = complete_values(title) if title else complete_values()
    request = services.create_draft(actor=cast.focal_point, values=values, now=when)
    for action in PATHS[state]:
        services.perform_action(
            request=request,
            actor=actor_for(action, cast),
            action=action,
            data=valid_data(action, request, cast),
            now=when,
        )
    request.refresh_from_db()
    assert request.state == state, (request.state, state)
    return request


def visible(state: str, capacity: str) -> bool:
    """Whether a person in this capacity sees a request in this state (design.md, who sees what)."""
    if capacity == C.FOCAL_POINT:
        return True
    if state == State.DRAFT:
        return False
    if capacity in (C.LEAD_DIVISION, C.SUPPORTING_DIVISION):
        return state in ROUTED_STATES
    return True


def expected_outcome(action: str, state: str, capacity: str) -> int | str:
    """What the table (and the scope rules) say: the state reached, or 404/403/409."""
    spec = ACTIONS[action]
    if not visible(state, capacity):
        return 404
    if capacity not in spec.capacities:
        return 403
    if not spec.is_allowed_from(state):
        return 409
    return "ok"


def cases() -> list[tuple[str, str, str, int | str]]:
    """The lifecycle table as test cases: ``(action, state, capacity, expected)``.

    - every capacity in every state an action is allowed from (allowed: the move; others:
      403, or 404 when they cannot see the request at all);
    - every other state, by a capacity the table allows (409; 404 for staff on a draft);
    """
    generated = []
    for name, spec in ACTIONS.items():
        for state in State.values:
            if spec.is_allowed_from(state):
                capacities = list(C.values)
            else:
                seeing = [c for c in C.values if c in spec.capacities and visible(state, c)]
                capacities = seeing[:1] or [next(c for c in C.values if c in spec.capacities)]
            for capacity in capacities:
                generated.append((name, state, capacity, expected_outcome(name, state, capacity)))
    return generated


def outsider_cases() -> list[tuple[str, str, str]]:
    """Each action, from a state it is allowed in, by someone of the right role and another
    scope (another country, office or division): always 404."""
    generated = []
    for name, spec in ACTIONS.items():
        state = sorted(spec.from_states & ROUTED_STATES or spec.from_states)[0]
        for capacity in sorted(spec.capacities):
            if capacity in (C.FOCAL_POINT, C.REGIONAL_STAFF, C.LEAD_DIVISION):
                generated.append((name, state, capacity))
    return generated
