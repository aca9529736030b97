"""How each event reads to people, by the name of its action: its title on the timeline and in
e-mail subjects, and what the person who took the action reads next. Read from the action
classes (``lifecycle``), for the places that hold an event's name, not its action."""

from .lifecycle import ALL_ACTIONS, CREATE_TITLE

EVENT_TITLES = {"create": CREATE_TITLE, **{action.name: action.title for action in ALL_ACTIONS}}
MESSAGE_ACTIONS = frozenset(action.name for action in ALL_ACTIONS if action.is_message)
SUCCESS_MESSAGES = {action.name: action.success_message for action in ALL_ACTIONS}
EMAIL_SUBJECTS = {"create": CREATE_TITLE, **{a.name: a().email_subject for a in ALL_ACTIONS}}


def event_title(action: str) -> str:
    """The title of an event of ``action``, in words (never the button's label)."""
    return str(EVENT_TITLES.get(action, action))


def email_subject(action: str) -> str:
    """What an e-mail about an event of ``action`` is about (after the request's reference)."""
    return str(EMAIL_SUBJECTS.get(action, action))
