"""Input of the staff pages (issue 4): the queue's bulk form and the service levels."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bali_portal import bounds
from bali_portal.accounts.models import Role, User

from .workflow import ACTIONS

# What can be done to many requests at once from a regional office's queue.
BULK_ACTIONS = ("acknowledge", "assign")


class BulkActionForm(forms.Form):
    """The requests ticked in a queue, an action and (optionally) a colleague to assign.

    The references offered are the ones in the actor's queue, so nothing outside it can be
    named; whether each request can take the action is the service's decision.
    """

    requests = forms.MultipleChoiceField(
        label=_("Requests"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one request.")},
    )
    action = forms.ChoiceField(
        label=_("Action"), choices=[(name, ACTIONS[name].label) for name in BULK_ACTIONS]
    )
    assignee = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Me"),
        help_text=_("To you, unless you choose a colleague of your office."),
    )

    def __init__(self, *args, user, references=(), **kwargs):
        # Its own ids: the queue's filter form has an "assignee" field too.
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["requests"].choices = [(reference, reference) for reference in references]
        self.fields["assignee"].queryset = User.objects.filter(
            role=Role.REGIONAL_STAFF, regional_office_id=user.regional_office_id, is_active=True
        ).order_by("full_name", "email")
        self.fields["assignee"].label_from_instance = lambda person: person.colleague_label

    def action_data(self) -> dict:
        assignee = self.cleaned_data.get("assignee") or self.user
        return {"assignee": assignee.pk}


def _days_field(label, help_text):
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=bounds.SLA_DAYS.low,
        max_value=bounds.SLA_DAYS.high,
        required=True,
    )


class ServiceLevelForm(forms.Form):
    """The three SLA clocks, in days; the service saves them (``update_service_levels``)."""

    acknowledge_days = _days_field(
        _("Days to acknowledge"),
        _("From submission to acknowledgement by the regional office."),
    )
    decision_days = _days_field(
        _("Days to decide"),
        _("From submission to a decision: route, decline or refer."),
    )
    acceptance_days = _days_field(
        _("Days for the division to accept"),
        _("From routing to acceptance by the lead division."),
    )
