"""The lifecycle's vocabulary: the states of a request, the capacities people act in, and the
names of the actions (with their buttons' labels).

Below everything else of the lifecycle, so that the models, the selectors and the action
classes (``requests_app.actions``) can all name a state without importing the table that
is built from those classes (``workflow.ACTIONS``).
"""

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


class ActionName(models.TextChoices):
    """Each action of the lifecycle table by name, with its button's label; its class in
    ``requests_app.actions.lifecycle`` holds everything else about it. The order is the
    order the table and a page list the actions in."""

    SUBMIT = "submit", _("Submit")
    ACKNOWLEDGE = "acknowledge", _("Acknowledge")
    ASSIGN = "assign", _("Assign")
    REQUEST_INFO = "request_info", _("Ask the focal point")
    PROVIDE_INFO = "provide_info", _("Answer")
    ROUTE = "route", _("Route to a division")
    DECLINE = "decline", _("Decline")
    REFER = "refer", _("Refer to another organization")
    MERGE = "merge", _("Merge into another request")
    RETURN = "return", _("Return to the regional office")
    ACCEPT = "accept", _("Accept")
    PROGRESS = "progress", _("Post a progress update")
    COMPLETE = "complete", _("Complete with results")
    CLOSE = "close", _("Close")
    WITHDRAW = "withdraw", _("Withdraw")
    EVALUATE = "evaluate", _("Assess the support received")
    COMMENT = "comment", _("Comment")


# The event a draft's creation writes: not an action of the table (nobody takes it on a request).
CREATE = "create"

# "the state it came from": provide_info returns the request to where the question was asked.
PREVIOUS_STATE = "<previous>"
UNCHANGED = None
