"""How each action reads to people: its event's title on the timeline and in e-mail
subjects, and what the person who took it reads next, in plain words."""

from django.utils.translation import gettext_lazy

from ..workflow import ACTIONS

# How each event reads on the timeline.
EVENT_TITLES = {
    "create": gettext_lazy("Draft started"),
    "submit": gettext_lazy("Submitted to the regional office"),
    "acknowledge": gettext_lazy("Acknowledged by the regional office"),
    "assign": gettext_lazy("Assigned"),
    "request_info": gettext_lazy("Question to the country"),
    "provide_info": gettext_lazy("Answer from the country"),
    "route": gettext_lazy("Routed to a division"),
    "decline": gettext_lazy("Declined"),
    "refer": gettext_lazy("Referred to another organization"),
    "merge": gettext_lazy("Merged into another request"),
    "return": gettext_lazy("Returned to the regional office"),
    "accept": gettext_lazy("Accepted by the division"),
    "progress": gettext_lazy("Progress update"),
    "complete": gettext_lazy("Completed"),
    "close": gettext_lazy("Closed"),
    "withdraw": gettext_lazy("Withdrawn by the country"),
    "evaluate": gettext_lazy("Assessment of the support received"),
    "comment": gettext_lazy("Message"),
}
MESSAGE_ACTIONS = frozenset({"request_info", "provide_info", "comment"})

# What the person who took an action reads next, in plain words.
SUCCESS_MESSAGES = {
    "submit": gettext_lazy("The request was submitted. Your regional office has been notified."),
    "acknowledge": gettext_lazy("You acknowledged the request; the country has been told."),
    "assign": gettext_lazy("The request now has a new assignee."),
    "request_info": gettext_lazy(
        "Your question was sent to the country; the clock stops until it answers."
    ),
    "provide_info": gettext_lazy("Your answer was sent."),
    "route": gettext_lazy("The request was routed to the division."),
    "decline": gettext_lazy("The request was declined; the country has been told why."),
    "refer": gettext_lazy(
        "The request was referred; the organization's contact has been sent a link."
    ),
    "merge": gettext_lazy("The request was merged into the other one."),
    "return": gettext_lazy("The request was returned to the regional office."),
    "accept": gettext_lazy("You accepted the request; the country has been told."),
    "progress": gettext_lazy("Your progress update was added."),
    "complete": gettext_lazy("The request was completed with its results."),
    "close": gettext_lazy("The request was closed."),
    "withdraw": gettext_lazy("The request was withdrawn."),
    "evaluate": gettext_lazy("Thank you: your assessment was recorded."),
    "comment": gettext_lazy("Your message was added."),
}
assert set(SUCCESS_MESSAGES) == set(ACTIONS)


def event_title(action: str) -> str:
    """The title of an event of ``action``, in words (never the button's label)."""
    return str(EVENT_TITLES.get(action, action))
