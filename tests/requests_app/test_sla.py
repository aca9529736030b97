"""The SLA clocks on a fixed calendar: every step is taken with ``now=`` at a known moment.

Defaults (design.md): acknowledge within 5 days of submission, decide within 20, the division
accepts within 15 days of routing; twice a step's time is the escalation date. Time spent
waiting for the focal point's answer does not count against whoever asked.
"""

from datetime import UTC, datetime, timedelta

import pytest

from requests_app import services, sla
from requests_app.models import Request, ServiceLevel
from requests_app.workflow import State
from tests.requests_app import lifecycle

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning: the request is submitted
SECOND = timedelta(seconds=1)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def overdue_at(request: Request, when: datetime) -> bool:
    return Request.objects.filter(sla.overdue_q(when), pk=request.pk).exists()


def twice_overdue_at(request: Request, when: datetime) -> bool:
    return Request.objects.filter(sla.twice_overdue_q(when), pk=request.pk).exists()


def statuses(request: Request, when: datetime) -> dict[str, str]:
    request.refresh_from_db()
    return {clock.name: clock.status(when) for clock in sla.clocks_for(request)}


@pytest.fixture
def cast():
    return lifecycle.make_cast()


def act(cast, request, action, when, **data):
    actor = lifecycle.actor_for(action, cast)
    data = data or lifecycle.valid_data(action, request, cast)
    services.perform_action(request=request, actor=actor, action=action, data=data, now=when)
    request.refresh_from_db()
    return request


def submitted(cast, when=T0):
    request = services.create_draft(
        actor=cast.focal_point, values=lifecycle.complete_values(), now=when - timedelta(days=1)
    )
    return act(cast, request, "submit", when)


def test_acknowledgement_is_due_five_days_after_submission_and_escalated_after_ten(cast):
    request = submitted(cast)
    assert request.submitted_at == T0
    assert request.acknowledge_due_at == day(5)
    assert request.decision_due_at == day(20)
    assert (request.due_at, request.escalate_at) == (day(5), day(10))

    assert not overdue_at(request, day(5) - SECOND)
    assert overdue_at(request, day(5) + SECOND)
    assert not twice_overdue_at(request, day(10) - SECOND)
    assert twice_overdue_at(request, day(10) + SECOND)
    assert statuses(request, day(4)) == {"acknowledge": "running", "decision": "running"}
    assert statuses(request, day(6))["acknowledge"] == "overdue"


def test_a_late_step_is_recorded_as_missed_and_the_next_clock_takes_over(cast):
    request = act(cast, submitted(cast), "acknowledge", day(7))
    assert request.acknowledged_at == day(7)
    assert statuses(request, day(8)) == {"acknowledge": "missed", "decision": "running"}
    # Now it waits for the decision, due 20 days after submission.
    assert (request.due_at, request.escalate_at) == (day(20), day(40))
    assert not overdue_at(request, day(19))
    assert overdue_at(request, day(21))


def test_waiting_for_the_focal_point_does_not_count_against_the_office(cast):
    request = act(cast, submitted(cast), "acknowledge", day(3))
    assert statuses(request, day(3)) == {"acknowledge": "met", "decision": "running"}

    # Day 10: the office asks a question. While the country has not answered, nothing is due.
    request = act(cast, request, "request_info", day(10))
    assert request.state == State.INFO_REQUESTED
    assert request.due_at is None and request.escalate_at is None
    assert not overdue_at(request, day(60))
    assert statuses(request, day(30))["decision"] == "paused"

    # Day 17: the answer. The decision, due on day 20, moves by the 7 days waited.
    request = act(cast, request, "provide_info", day(17))
    assert request.state == State.UNDER_REVIEW
    assert request.paused_seconds == 7 * 24 * 3600
    assert request.decision_due_at == day(27)
    assert (request.due_at, request.escalate_at) == (day(27), day(47))
    assert not overdue_at(request, day(26))
    assert overdue_at(request, day(27) + SECOND)

    # Routed on day 25: the decision was on time thanks to the pause; the division has 15 days.
    request = act(cast, request, "route", day(25))
    assert request.decided_at == day(25)
    assert request.acceptance_due_at == day(40)
    assert (request.due_at, request.escalate_at) == (day(40), day(55))
    assert statuses(request, day(25)) == {
        "acknowledge": "met",
        "decision": "met",
        "acceptance": "running",
    }


def test_the_divisions_question_pauses_its_own_clock(cast):
    request = act(cast, act(cast, submitted(cast), "acknowledge", day(1)), "route", day(2))
    assert request.acceptance_due_at == day(17)
    # The lead division asks on day 5 and the country answers on day 9.
    request = act(cast, request, "request_info", day(5))
    assert request.state_before_info == State.ROUTED
    assert statuses(request, day(6))["acceptance"] == "paused"
    request = act(cast, request, "provide_info", day(9))
    assert request.state == State.ROUTED
    assert request.acceptance_due_at == day(21)
    assert request.decision_due_at == day(20)  # the office's clock is not touched
    assert request.paused_seconds == 4 * 24 * 3600
    request = act(cast, request, "accept", day(20))
    assert request.due_at is None
    assert statuses(request, day(30))["acceptance"] == "met"
    assert not overdue_at(request, day(100))


def test_returned_to_the_office_the_acceptance_clock_stops(cast):
    request = act(cast, act(cast, submitted(cast), "acknowledge", day(1)), "route", day(2))
    request = act(cast, request, "return", day(4))
    assert request.state == State.UNDER_REVIEW
    assert request.acceptance_due_at is None
    # Back with the office, which had decided on day 2: its decision clock is due again.
    assert request.due_at == day(20)


@pytest.mark.parametrize("state", sorted(set(State.values) - set(sla.CLOCKED_STATES)))
def test_only_a_step_someone_owes_can_be_overdue(cast, state):
    request = lifecycle.new_request(cast, state, when=T0)
    assert request.due_at is None
    assert not overdue_at(request, day(365))


def test_the_coordinator_changes_the_service_levels_for_steps_that_start_afterwards(cast):
    running = submitted(cast)
    services.update_service_levels(
        actor=cast.coordinator,
        values={"acknowledge_days": 2, "decision_days": 10, "acceptance_days": 7},
    )
    levels = ServiceLevel.current()
    assert (levels.acknowledge_days, levels.decision_days, levels.acceptance_days) == (2, 10, 7)
    assert ServiceLevel.objects.count() == 1

    later = submitted(cast, when=day(1))
    assert later.acknowledge_due_at == day(3)
    assert later.decision_due_at == day(11)
    running.refresh_from_db()
    assert running.acknowledge_due_at == day(5)  # a clock already running keeps its date
    later = act(cast, act(cast, later, "acknowledge", day(2)), "route", day(3))
    assert later.acceptance_due_at == day(10)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"acknowledge_days": 0, "decision_days": 20, "acceptance_days": 15}, "acknowledge_days"),
        ({"acknowledge_days": 5, "decision_days": "", "acceptance_days": 15}, "decision_days"),
        ({"acknowledge_days": 5, "decision_days": 20, "acceptance_days": 999}, "acceptance_days"),
    ],
)
def test_service_levels_are_whole_days_from_1_to_365(cast, values, field):
    with pytest.raises(services.InvalidInput) as caught:
        services.update_service_levels(actor=cast.coordinator, values=values)
    assert list(caught.value.errors) == [field]


@pytest.mark.parametrize("who", ["focal_point", "regional_staff", "lead_division", "council"])
def test_only_the_coordinator_changes_the_service_levels(cast, who):
    with pytest.raises(services.ActionNotPermitted):
        services.update_service_levels(
            actor=getattr(cast, who),
            values={"acknowledge_days": 1, "decision_days": 1, "acceptance_days": 1},
        )
    assert ServiceLevel.current().acknowledge_days == 5
