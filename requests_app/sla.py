"""Service-level clocks (``docs/design.md``): acknowledge within 5 days of submission, decide
(route, decline or refer) within 20, and the division accepts within 15 days of routing.

Each clock's due date is stored on the request when its step starts; time spent waiting for
the focal point's answer does not count, so the answer moves the running due date by the
length of the wait. ``due_at`` is the due date of the step the request waits for now (none
while paused or when nothing is owed), indexed for the queues.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Request, ServiceLevel
from .states import State

# The clock that runs against whoever holds a request in each state.
CLOCK_OF_STATE = {
    State.SUBMITTED: "acknowledge",
    State.UNDER_REVIEW: "decision",
    State.ROUTED: "acceptance",
}
CLOCKED_STATES = tuple(CLOCK_OF_STATE)

CLOCK_LABELS = {
    "acknowledge": _("Acknowledgement by the regional office"),
    "decision": _("Decision: route, decline or refer"),
    "acceptance": _("Acceptance by the division"),
}
STATUS_LABELS = {
    "met": _("done on time"),
    "missed": _("done late"),
    "paused": _("paused while waiting for the country's answer"),
    "overdue": _("overdue"),
    "running": _("running"),
}


def _days(levels: ServiceLevel, clock: str) -> int:
    return {
        "acknowledge": levels.acknowledge_days,
        "decision": levels.decision_days,
        "acceptance": levels.acceptance_days,
    }[clock]


def start_clocks_on_submission(request: Request, now: datetime, levels: ServiceLevel) -> None:
    request.acknowledge_due_at = now + timedelta(days=levels.acknowledge_days)
    request.decision_due_at = now + timedelta(days=levels.decision_days)


def start_acceptance_clock(request: Request, now: datetime, levels: ServiceLevel) -> None:
    request.acceptance_due_at = now + timedelta(days=levels.acceptance_days)


def pause_for_answer(request: Request, asked_at: datetime, answered_at: datetime) -> None:
    """The country answered: the clock of the step that asked moves by the wait."""
    waited = answered_at - asked_at
    request.paused_seconds += int(waited.total_seconds())
    clock = CLOCK_OF_STATE.get(request.state_before_info)
    field = f"{clock}_due_at" if clock else None
    if field and getattr(request, field):
        setattr(request, field, getattr(request, field) + waited)


def refresh_deadline(request: Request, levels: ServiceLevel) -> None:
    """Point ``due_at`` (and ``escalate_at``, twice the step's time) at the current step."""
    clock = CLOCK_OF_STATE.get(request.state)
    due_at = getattr(request, f"{clock}_due_at") if clock else None
    request.due_at = due_at
    request.escalate_at = due_at + timedelta(days=_days(levels, clock)) if due_at else None


def overdue_q(now: datetime) -> Q:
    """Requests past their current due date (a request waiting for the country never is)."""
    return Q(state__in=CLOCKED_STATES, due_at__lt=now)


def twice_overdue_q(now: datetime) -> Q:
    return Q(state__in=CLOCKED_STATES, escalate_at__lt=now)


@dataclass(frozen=True)
class Clock:
    name: str
    due_at: datetime | None
    done_at: datetime | None
    running: bool
    paused: bool

    @property
    def label(self):
        return CLOCK_LABELS[self.name]

    def status(self, now: datetime) -> str:
        if self.done_at:
            return "met" if self.due_at is None or self.done_at <= self.due_at else "missed"
        if self.paused:
            return "paused"
        return "overdue" if self.due_at and now > self.due_at else "running"


def clocks_for(request: Request) -> list[Clock]:
    """The clocks that have started on a request, as the country and staff see them."""
    waiting_on = CLOCK_OF_STATE.get(request.state_before_info)
    paused = request.state == State.INFO_REQUESTED
    steps = [
        ("acknowledge", request.acknowledge_due_at, request.acknowledged_at),
        ("decision", request.decision_due_at, request.decided_at),
        ("acceptance", request.acceptance_due_at, request.accepted_at),
    ]
    return [
        Clock(
            name,
            due_at,
            done_at,
            running=CLOCK_OF_STATE.get(request.state) == name,
            paused=paused and waiting_on == name,
        )
        for name, due_at, done_at in steps
        if due_at is not None
    ]
