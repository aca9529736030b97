"""What every action of the lifecycle table is: one class holding its row of the table (name,
from-states, to-state, capacities), its form, its effect, who hears of it and how its event
reads. The classes themselves are in ``lifecycle``; ``workflow.ACTIONS`` is built from them."""

from dataclasses import dataclass

from ..states import UNCHANGED, ActionName
from .forms import ActionForm


@dataclass
class Outcome:
    """What an action's effect tells the event: a note for the timeline and structured data."""

    note: str = ""
    payload: dict | None = None


@dataclass(frozen=True)
class Audience:
    """Who is written to about an event, besides its actor: the requester's focal points (of
    the country, or of the forum), the person holding the request, the regional office's staff
    (None: not them)."""

    country_id: str | None = None
    holder_id: int | None = None
    office_id: str | None = None
    forum_id: str | None = None


class Action:
    """One action of the lifecycle table. A subclass sets the class attributes and ``apply``;
    ``services.perform_action`` checks the capacity, the state and the form, then applies it."""

    name: str = ""
    from_states: frozenset = frozenset()
    to_state: str | None = UNCHANGED
    capacities: frozenset = frozenset()
    form: type[ActionForm] = ActionForm
    # Shown open on the request's page, as the step the reader is expected to take.
    button_style: str = "secondary"
    # Who hears of its event by e-mail: the requester (the country's or the forum's focal
    # points), and the person holding the request.
    notify_requester: bool = False
    notify_holder: bool = False
    # How its event reads on the timeline (and in the e-mail's subject), and what the person
    # who took it reads next, in plain words.
    # (Each action sets both: a test checks every class of the table does.)
    title = ""
    success_message = ""
    # Its event is a message between people (shown as one on the timeline).
    is_message: bool = False

    @property
    def label(self) -> str:
        """The button's label (``states.ActionName``, which the events' choices read too)."""
        return ActionName(self.name).label

    @property
    def email_subject(self):
        """What an e-mail about its event is about: the event's title."""
        return self.title

    @property
    def required(self) -> tuple:
        return tuple(name for name, field in self.form.base_fields.items() if field.required)

    @property
    def optional(self) -> tuple:
        return tuple(name for name, field in self.form.base_fields.items() if not field.required)

    @property
    def changes_state(self) -> bool:
        return self.to_state is not UNCHANGED

    def is_allowed_from(self, state: str) -> bool:
        return state in self.from_states

    def apply(self, request, actor, data: dict, now, levels) -> Outcome:
        """Change the locked ``request`` (saved by the caller) with the form's cleaned ``data``,
        or raise ``InvalidInput``; say what the event records."""
        return Outcome()

    def audience(self, request) -> Audience | None:
        """Who hears of its event on ``request``; None: nobody."""
        country_id = forum_id = holder_id = None
        if self.notify_requester:
            country_id, forum_id = request.country_id, request.forum_id
        if self.notify_holder and request.assignee_id:
            holder_id = request.assignee_id
        if (country_id, forum_id, holder_id) == (None, None, None):
            return None
        return Audience(country_id=country_id, holder_id=holder_id, forum_id=forum_id)

    def details(self, payload: dict) -> list[tuple[str, str]]:
        """The structured part of its event, as label/value pairs a person can read."""
        return []

    def __repr__(self) -> str:
        return f"<Action {self.name}>"
