"""The lifecycle table, one class a row: who may take the action, from which states, to which
state, with which form; what it changes; who hears of it; how its event reads.

``workflow.ACTIONS`` is built from ``ALL_ACTIONS``; ``services.perform_action`` is the one path
that takes them (lock, capacity, state, form, ``apply``, event, notices). To add an action:
a name in ``states.ActionName``, a form in ``forms``, a class here, in ``ALL_ACTIONS``.
"""

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bali_portal import bounds
from exchange.services import request_routed, send_referral
from registry.models import Division, Organization
from registry.reference import active_items
from registry.selectors import activities_visible_to

from .. import sla
from ..errors import InvalidInput
from ..models import OUTPUT_KINDS, DeclineReason, Evaluation, EvaluationKind, RequestEvent
from ..selectors import requests_visible_to
from ..states import (
    NON_DRAFT_STATES,
    PREVIOUS_STATE,
    TERMINAL_STATES,
    UNCHANGED,
    ActionName,
    Capacity,
    State,
)
from ..submission import missing_for_submission, refuse_unless_served
from . import forms, inputs
from .base import Action, Audience, Outcome

C = Capacity
S = State


def _division_names(codes: list[str]) -> str:
    """Divisions by name in the reader's language (the event keeps their codes)."""
    divisions = active_items(Division)
    return ", ".join(
        item.localized_name if (item := divisions.find(code)) else code for code in codes
    )


def _assignee_details(payload: dict) -> list[tuple[str, str]]:
    return [(_("Assignee"), payload["assignee_name"])] if payload.get("assignee_name") else []


def _assignee_outcome(assignee) -> Outcome:
    return Outcome(payload={"assignee": assignee.pk, "assignee_name": str(assignee)})


class _NoteAction(Action):
    """An action whose event carries one required text of its form, as the event's note."""

    note_field = "text"

    def apply(self, request, actor, data, now, levels):
        errors = {}
        note = inputs.text(data, self.note_field, errors)
        inputs.raise_if(errors)
        return Outcome(note=note)


# --- The country files; the regional office reviews ------------------------------------------


class Submit(Action):
    name = ActionName.SUBMIT.value
    from_states = frozenset({S.DRAFT})
    to_state = S.SUBMITTED
    capacities = frozenset({C.FOCAL_POINT})
    form = forms.SubmitForm
    button_style = "primary"
    notify_requester = notify_holder = True
    title = gettext_lazy("Submitted to the regional office")
    success_message = gettext_lazy(
        "The request was submitted. Your regional office has been notified."
    )

    def apply(self, request, actor, data, now, levels):
        refuse_unless_served(request)
        missing = missing_for_submission(request)
        if missing:
            raise InvalidInput(_("The request is not complete yet."), missing)
        request.regional_office_id = request.asked_by.regional_office_id
        request.submitted_at = now
        sla.start_clocks_on_submission(request, now, levels)
        return Outcome()

    def audience(self, request):
        # Nobody holds a request yet when it is first submitted: its office's staff hear of it.
        audience = super().audience(request)
        if request.assignee_id:
            return audience
        return Audience(
            country_id=audience.country_id,
            forum_id=audience.forum_id,
            office_id=request.regional_office_id,
        )


class Acknowledge(Action):
    name = ActionName.ACKNOWLEDGE.value
    from_states = frozenset({S.SUBMITTED})
    to_state = S.UNDER_REVIEW
    capacities = frozenset({C.REGIONAL_STAFF})
    form = forms.AcknowledgeForm
    button_style = "primary"
    notify_requester = True
    title = gettext_lazy("Acknowledged by the regional office")
    success_message = gettext_lazy("You acknowledged the request; the country has been told.")

    def apply(self, request, actor, data, now, levels):
        errors = {}
        assignee = inputs.assignee(data, request, actor, errors)
        inputs.raise_if(errors)
        request.assignee = assignee
        request.acknowledged_at = now
        return _assignee_outcome(assignee)

    def details(self, payload):
        return _assignee_details(payload)


class Assign(Action):
    name = ActionName.ASSIGN.value
    from_states = frozenset({S.UNDER_REVIEW, S.INFO_REQUESTED})
    to_state = UNCHANGED
    capacities = frozenset({C.REGIONAL_STAFF})
    form = forms.AssignForm
    title = gettext_lazy("Assigned")
    success_message = gettext_lazy("The request now has a new assignee.")

    def apply(self, request, actor, data, now, levels):
        errors = {}
        if data.get("assignee") in (None, ""):
            errors["assignee"] = _("This field is required.")
        assignee = inputs.assignee(data, request, actor, errors)
        inputs.raise_if(errors)
        request.assignee = assignee
        return _assignee_outcome(assignee)

    def details(self, payload):
        return _assignee_details(payload)


class RequestInfo(Action):
    name = ActionName.REQUEST_INFO.value
    from_states = frozenset({S.UNDER_REVIEW, S.ROUTED})
    to_state = S.INFO_REQUESTED
    capacities = frozenset({C.REGIONAL_STAFF, C.LEAD_DIVISION})
    form = forms.RequestInfoForm
    notify_requester = True
    is_message = True
    title = gettext_lazy("Question to the country")
    success_message = gettext_lazy(
        "Your question was sent to the country; the clock stops until it answers."
    )

    def apply(self, request, actor, data, now, levels):
        errors = {}
        message = inputs.text(data, "message", errors)
        inputs.raise_if(errors)
        request.state_before_info = request.state
        request.info_requested_at = now
        return Outcome(note=message)


class ProvideInfo(Action):
    name = ActionName.PROVIDE_INFO.value
    from_states = frozenset({S.INFO_REQUESTED})
    to_state = PREVIOUS_STATE
    capacities = frozenset({C.FOCAL_POINT})
    form = forms.ProvideInfoForm
    button_style = "primary"
    notify_holder = True
    is_message = True
    title = gettext_lazy("Answer from the country")
    success_message = gettext_lazy("Your answer was sent.")

    def apply(self, request, actor, data, now, levels):
        errors = {}
        message = inputs.text(data, "message", errors)
        inputs.raise_if(errors)
        sla.pause_for_answer(request, request.info_requested_at or now, now)
        request.info_requested_at = None
        return Outcome(note=message)


class Route(Action):
    name = ActionName.ROUTE.value
    from_states = frozenset({S.UNDER_REVIEW})
    to_state = S.ROUTED
    capacities = frozenset({C.REGIONAL_STAFF})
    form = forms.RouteForm
    button_style = "primary"
    notify_requester = True
    title = gettext_lazy("Routed to a division")
    success_message = gettext_lazy("The request was routed to the division.")

    def apply(self, request, actor, data, now, levels):
        errors = {}
        lead = inputs.division(data.get("lead_division"), errors, "lead_division")
        supporting_codes = {code.upper() for code in inputs.codes(data.get("supporting_divisions"))}
        supporting = list(Division.objects.filter(pk__in=supporting_codes))
        unknown = supporting_codes - {division.pk for division in supporting}
        if unknown:
            errors["supporting_divisions"] = _("Unknown divisions: %(codes)s.") % {
                "codes": ", ".join(sorted(unknown))
            }
        inputs.raise_if(errors)
        supporting = [division for division in supporting if division.pk != lead.pk]
        request.lead_division = lead
        request.supporting_divisions.set(supporting)
        request.decided_at = request.decided_at or now
        request.routed_at = now
        sla.start_acceptance_clock(request, now, levels)
        request_routed(request)  # its providers hear of it, after commit (issue 19)
        return Outcome(
            payload={
                "lead_division": lead.pk,
                "supporting_divisions": sorted(d.pk for d in supporting),
            }
        )

    def details(self, payload):
        details = []
        if payload.get("lead_division"):
            details.append((_("Lead division"), _division_names([payload["lead_division"]])))
        if payload.get("supporting_divisions"):
            supporting = _division_names(payload["supporting_divisions"])
            details.append((_("Supporting divisions"), supporting))
        return details


class Decline(Action):
    name = ActionName.DECLINE.value
    from_states = frozenset({S.UNDER_REVIEW})
    to_state = S.DECLINED
    capacities = frozenset({C.REGIONAL_STAFF})
    form = forms.DeclineForm
    notify_requester = True
    title = gettext_lazy("Declined")
    success_message = gettext_lazy("The request was declined; the country has been told why.")

    def apply(self, request, actor, data, now, levels):
        errors = {}
        reason = inputs.text(data, "reason", errors)
        explanation = inputs.text(data, "explanation", errors)
        if reason and reason not in DeclineReason.values:
            errors["reason"] = _("Choose one of: %(reasons)s.") % {
                "reasons": ", ".join(DeclineReason.values)
            }
        inputs.raise_if(errors)
        request.decline_reason = reason
        request.decided_at = now
        return Outcome(note=explanation, payload={"reason": reason})

    def details(self, payload):
        if payload.get("reason") in DeclineReason.values:
            return [(_("Reason"), DeclineReason(payload["reason"]).label)]
        return []


class Refer(Action):
    name = ActionName.REFER.value
    from_states = frozenset({S.UNDER_REVIEW})
    to_state = S.REFERRED
    capacities = frozenset({C.REGIONAL_STAFF})
    form = forms.ReferForm
    notify_requester = True
    title = gettext_lazy("Referred to another organization")
    success_message = gettext_lazy(
        "The request was referred; the organization's contact has been sent a link."
    )

    def apply(self, request, actor, data, now, levels):
        errors = {}
        explanation = inputs.text(data, "explanation", errors, required=False)
        value = data.get("organization")
        organization = (
            Organization.objects.filter(pk=value).first() if str(value).isdigit() else None
        )
        if organization is None:
            errors["organization"] = _("Choose the organization from the registry.")
        contact_email = inputs.email(data, "contact_email", errors)
        inputs.raise_if(errors)
        request.referred_to = organization
        request.decided_at = now
        send_referral(request=request, actor=actor, organization=organization,
                      contact_email=contact_email, explanation=explanation, now=now)  # fmt: skip
        return Outcome(
            note=explanation,
            payload={"organization": organization.pk, "organization_name": str(organization)},
        )

    def details(self, payload):
        if payload.get("organization_name"):
            return [(_("Referred to"), payload["organization_name"])]
        return []


class Merge(Action):
    name = ActionName.MERGE.value
    from_states = frozenset({S.SUBMITTED, S.UNDER_REVIEW})
    to_state = S.DECLINED
    capacities = frozenset({C.REGIONAL_STAFF})
    form = forms.MergeForm
    notify_requester = True
    title = gettext_lazy("Merged into another request")
    success_message = gettext_lazy("The request was merged into the other one.")

    def apply(self, request, actor, data, now, levels):
        errors = {}
        reference = inputs.text(data, "into", errors)
        target = None
        if reference:
            # Locked as the merged request is: its state is read and its history written here,
            # and a colleague withdrawing or merging it meanwhile waits for this transaction.
            target = (
                requests_visible_to(actor)
                .select_for_update()
                .filter(
                    reference=reference.upper(),
                    country_id=request.country_id,
                    forum_id=request.forum_id,
                )
                .exclude(pk=request.pk)
                .first()
            )
            if target is None or target.state in TERMINAL_STATES:
                errors["into"] = _("Choose an open request of the same requester.")
        inputs.raise_if(errors)
        request.merged_into = target
        request.decline_reason = DeclineReason.DUPLICATE
        request.decided_at = now
        RequestEvent.objects.create(
            request=target,
            actor=actor,
            action=ActionName.COMMENT.value,
            from_state=target.state,
            to_state=target.state,
            created_at=now,
            note=_("Request %(reference)s was merged into this one.")
            % {"reference": request.reference},
            payload={"merged_from": request.reference},
        )
        return Outcome(
            note=_("Merged into %(reference)s.") % {"reference": target.reference},
            payload={"into": target.reference},
        )

    def details(self, payload):
        return [(_("Merged into"), payload["into"])] if payload.get("into") else []


# --- The division answers ---------------------------------------------------------------------


class Return(Action):
    name = ActionName.RETURN.value
    from_states = frozenset({S.ROUTED})
    to_state = S.UNDER_REVIEW
    capacities = frozenset({C.LEAD_DIVISION})
    form = forms.ReturnForm
    notify_requester = True
    title = gettext_lazy("Returned to the regional office")
    success_message = gettext_lazy("The request was returned to the regional office.")

    def apply(self, request, actor, data, now, levels):
        errors = {}
        reason = inputs.text(data, "reason", errors)
        inputs.raise_if(errors)
        payload = {"lead_division": request.lead_division_id}
        request.lead_division = None
        request.supporting_divisions.clear()
        request.routed_at = None
        request.acceptance_due_at = None
        return Outcome(note=reason, payload=payload)


class Accept(Action):
    name = ActionName.ACCEPT.value
    from_states = frozenset({S.ROUTED})
    to_state = S.IN_PROGRESS
    capacities = frozenset({C.LEAD_DIVISION})
    form = forms.AcceptForm
    button_style = "primary"
    notify_requester = True
    title = gettext_lazy("Accepted by the division")
    success_message = gettext_lazy("You accepted the request; the country has been told.")

    def apply(self, request, actor, data, now, levels):
        errors = {}
        plan = inputs.text(data, "response_plan", errors)
        activities = self._registry_activities(data, actor, errors)
        inputs.raise_if(errors)
        request.response_plan = plan
        request.accepted_at = now
        request.activities.add(*activities)
        return Outcome(note=plan, payload={"activities": sorted(a.pk for a in activities)})

    @staticmethod
    def _registry_activities(data: dict, actor, errors: dict) -> list:
        """The registry activities a division links to its response: ids it can see."""
        wanted = inputs.codes(data.get("activities"))
        ids = {int(value) for value in wanted if str(value).isdigit()}
        found = list(activities_visible_to(actor).filter(pk__in=ids)) if ids else []
        unknown = sorted(set(map(str, wanted)) - {str(activity.pk) for activity in found})
        if unknown:
            errors["activities"] = _("Unknown registry activities: %(ids)s.") % {
                "ids": ", ".join(unknown)
            }
        return found


class Progress(_NoteAction):
    name = ActionName.PROGRESS.value
    from_states = frozenset({S.IN_PROGRESS})
    to_state = UNCHANGED
    capacities = frozenset({C.LEAD_DIVISION})
    form = forms.ProgressForm
    title = gettext_lazy("Progress update")
    success_message = gettext_lazy("Your progress update was added.")


class Complete(Action):
    name = ActionName.COMPLETE.value
    from_states = frozenset({S.IN_PROGRESS})
    to_state = S.COMPLETED
    capacities = frozenset({C.LEAD_DIVISION})
    form = forms.CompleteForm
    button_style = "primary"
    notify_requester = True
    title = gettext_lazy("Completed")
    success_message = gettext_lazy("The request was completed with its results.")

    def apply(self, request, actor, data, now, levels):
        errors = {}
        female = inputs.count(data, "people_trained_female", errors)
        male = inputs.count(data, "people_trained_male", errors)
        other = inputs.count(data, "people_trained_other", errors, required=False)
        institutions = inputs.count(data, "institutions_supported", errors, required=False)
        outputs = inputs.text(data, "outputs", errors)
        cost = inputs.amount(data, "cost_usd", errors)
        lessons = inputs.text(data, "lessons", errors)
        # Outputs by kind and what went well or not (issue 18): optional, counted by the report.
        by_kind = {name: inputs.count(data, name, errors, required=False) for name in OUTPUT_KINDS}
        for name, count in by_kind.items():
            if count is not None and count > bounds.OUTPUTS.high:
                errors[name] = bounds.OUTPUTS.message()
        successes = inputs.text(data, "successes", errors, required=False)
        shortcomings = inputs.text(data, "shortcomings", errors, required=False)
        inputs.raise_if(errors)
        request.people_trained_female = female
        request.people_trained_male = male
        request.people_trained_other = other or 0
        request.institutions_supported = institutions or 0
        request.outputs = outputs
        request.cost_usd = cost
        request.lessons = lessons
        for name, count in by_kind.items():
            setattr(request, name, count or 0)
        request.successes = successes
        request.shortcomings = shortcomings
        request.completed_at = now
        return Outcome(
            note=outputs,
            payload={
                "people_trained_female": female, "people_trained_male": male,
                "people_trained_other": other or 0, "institutions_supported": institutions or 0,
                "cost_usd": str(cost), "lessons": lessons,
                **{name: count or 0 for name, count in by_kind.items()},
            },
        )  # fmt: skip

    def details(self, payload):
        trained = sum(
            payload.get(key) or 0
            for key in ("people_trained_female", "people_trained_male", "people_trained_other")
        )
        details = [(_("People trained"), str(trained))]
        if payload.get("cost_usd"):
            details.append((_("Cost (USD)"), payload["cost_usd"]))
        return details


# --- The request ends; the country assesses; anyone writes ----------------------------------


class Close(Action):
    name = ActionName.CLOSE.value
    from_states = frozenset({S.COMPLETED})
    to_state = S.CLOSED
    capacities = frozenset({C.REGIONAL_STAFF, C.COORDINATOR})
    form = forms.CloseForm
    notify_requester = True
    title = gettext_lazy("Closed")
    success_message = gettext_lazy("The request was closed.")

    def apply(self, request, actor, data, now, levels):
        request.closed_at = now
        return Outcome()


class Withdraw(_NoteAction):
    name = ActionName.WITHDRAW.value
    from_states = frozenset({S.SUBMITTED, S.UNDER_REVIEW, S.INFO_REQUESTED, S.ROUTED})
    to_state = S.WITHDRAWN
    capacities = frozenset({C.FOCAL_POINT})
    form = forms.WithdrawForm
    notify_requester = notify_holder = True
    title = gettext_lazy("Withdrawn by the country")
    success_message = gettext_lazy("The request was withdrawn.")
    note_field = "reason"


def _yes_no(data: dict, name: str):
    value = data.get(name)
    if isinstance(value, str):
        value = {"true": True, "yes": True, "1": True, "false": False, "no": False,
                 "0": False}.get(value.strip().lower())  # fmt: skip
    return value if value in (True, False) else None


def _rating(data: dict, name: str, errors: dict, required: bool) -> int | None:
    rating = inputs.count(data, name, errors, required=required)
    if rating is not None and not 1 <= rating <= 5:
        errors[name] = _("Rate from 1 to 5.")
    return rating


def _follow_up_window(request, now) -> int:
    """The window a follow-up answers: 12 months once nine have passed since completion."""
    completed = request.completed_at or now
    return 12 if now >= completed + timedelta(days=274) else 6


# Assessing the help received is invited, never a precondition for anything (§25).
class Evaluate(Action):
    name = ActionName.EVALUATE.value
    from_states = frozenset({S.COMPLETED, S.CLOSED})
    to_state = UNCHANGED
    capacities = frozenset({C.FOCAL_POINT})
    form = forms.EvaluateForm
    title = gettext_lazy("Assessment of the support received")
    success_message = gettext_lazy("Thank you: your assessment was recorded.")

    def apply(self, request, actor, data, now, levels):
        errors = {}
        rating = _rating(data, "rating", errors, required=True)
        comments = inputs.text(data, "comments", errors)
        kind = data.get("kind") or EvaluationKind.ON_COMPLETION
        if kind not in EvaluationKind.values:
            errors["kind"] = _("Choose one of: %(kinds)s.") % {
                "kinds": ", ".join(EvaluationKind.values)
            }
        programme_rating = _rating(data, "programme_rating", errors, required=False)
        staff_rating = _rating(data, "staff_rating", errors, required=False)
        retained = _yes_no(data, "capacity_retained")
        used = _yes_no(data, "capacity_used")
        inputs.raise_if(errors)
        # Every assessment is kept (issue 18): a new one never overwrites an earlier one.
        Evaluation.objects.create(
            request=request, kind=kind, rating=rating, comments=comments,
            months_after=(
                _follow_up_window(request, now) if kind == EvaluationKind.FOLLOW_UP else None
            ),
            capacity_retained=retained, capacity_used=used, programme_rating=programme_rating,
            staff_rating=staff_rating, evaluated_by=actor, evaluated_at=now,
        )  # fmt: skip
        return Outcome(
            note=comments,
            payload={"rating": rating, "kind": kind, "capacity_retained": retained,
                     "capacity_used": used, "programme_rating": programme_rating,
                     "staff_rating": staff_rating},
        )  # fmt: skip

    def details(self, payload):
        return [(_("Rating"), f"{payload['rating']}/5")] if payload.get("rating") else []


class Comment(_NoteAction):
    name = ActionName.COMMENT.value
    from_states = NON_DRAFT_STATES
    to_state = UNCHANGED
    capacities = frozenset(Capacity.values)
    form = forms.CommentForm
    is_message = True
    title = gettext_lazy("Message")
    success_message = gettext_lazy("Your message was added.")


# In the order of ``states.ActionName`` (the table's, and a page's list of forms).
ALL_ACTIONS: tuple[type[Action], ...] = (
    Submit, Acknowledge, Assign, RequestInfo, ProvideInfo, Route, Decline, Refer, Merge,
    Return, Accept, Progress, Complete, Close, Withdraw, Evaluate, Comment,
)  # fmt: skip

# How the event a draft's creation writes reads (it is no action of the table).
CREATE_TITLE = gettext_lazy("Draft started")
