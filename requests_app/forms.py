"""Forms of the request pages: input shaping only. The services decide and validate again."""

import re
from decimal import Decimal

from django import forms
from django.utils.datastructures import MultiValueDict
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from bali_portal import bounds
from bali_portal.accounts.models import Role, User
from registry.models import (
    MEA,
    Country,
    CrossCuttingIssue,
    Division,
    Organization,
    SupportType,
    ThematicArea,
)

from .models import Attachment, DeclineReason, EvaluationKind, Request
from .services import DRAFT_FIELDS, DRAFT_RELATIONS, REQUIRED_TO_SUBMIT
from .uploads import ALLOWED_LABEL

# --- The draft ---------------------------------------------------------------------------------

DRAFT_FIELDSETS = [
    (_("The need"), ("title", "description", "national_priorities")),
    (
        _("Themes, agreements and support asked for"),
        ("thematic_areas", "cross_cutting_issues", "meas", "support_types"),
    ),
    (
        _("Scope, timing and beneficiaries"),
        (
            "scope",
            "covered_countries",
            "desired_start",
            "duration_months",
            "beneficiaries",
            "gender_considerations",
        ),
    ),
    (
        _("Cooperation and resources"),
        (
            "south_south_interest",
            "share_with_partners",
            "other_support",
            "estimated_budget_usd",
            "co_financing",
        ),
    ),
]
DRAFT_FORM_FIELDS = tuple(name for _legend, names in DRAFT_FIELDSETS for name in names)
assert set(DRAFT_FORM_FIELDS) == set(DRAFT_FIELDS) | set(DRAFT_RELATIONS)


class LenientDecimalField(forms.DecimalField):
    """Takes "50,000", "USD 50 000" or "$50000" as typed: an amount is an amount."""

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"(?i)usd|us\$|\$|\s", "", value)
            if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", value):
                value = value.replace(",", "")
        return super().to_python(value)


def _text_input(**attrs):
    # Plain text inputs, not type=date/number: a browser would silently drop what it cannot
    # parse, and a draft must keep (and show back) whatever was typed.
    return forms.TextInput(attrs=attrs)


def capfirst_label(name: str):
    return capfirst(Request._meta.get_field(name).verbose_name)


def _draft_form_fields() -> dict:
    field = Request._meta.get_field
    checkboxes = forms.CheckboxSelectMultiple
    return {
        "title": field("title").formfield(required=False),
        "description": field("description").formfield(
            required=False,
            help_text=_("The country's own need, in its own words."),
            widget=forms.Textarea(attrs={"rows": 6}),
        ),
        "national_priorities": field("national_priorities").formfield(
            required=False, widget=forms.Textarea(attrs={"rows": 4})
        ),
        "thematic_areas": forms.ModelMultipleChoiceField(
            label=capfirst_label("thematic_areas"),
            queryset=ThematicArea.objects.active(),
            required=False,
            widget=checkboxes,
        ),
        "cross_cutting_issues": forms.ModelMultipleChoiceField(
            label=capfirst_label("cross_cutting_issues"),
            queryset=CrossCuttingIssue.objects.active(),
            required=False,
            widget=checkboxes,
        ),
        "meas": forms.ModelMultipleChoiceField(
            label=capfirst_label("meas"),
            queryset=MEA.objects.active(),
            required=False,
            widget=checkboxes,
        ),
        "support_types": forms.ModelMultipleChoiceField(
            label=capfirst_label("support_types"),
            queryset=SupportType.objects.active(),
            required=False,
            widget=checkboxes,
        ),
        "scope": field("scope").formfield(required=False, widget=forms.RadioSelect),
        "covered_countries": forms.ModelMultipleChoiceField(
            label=capfirst_label("covered_countries"),
            help_text=_(
                "For a subregional or regional request: the other countries it covers. Their "
                "focal points will see it."
            ),
            # Only countries the plan serves can be covered (registry.eligibility).
            queryset=Country.objects.active().eligible(),
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 8}),
        ),
        "desired_start": forms.DateField(
            label=capfirst_label("desired_start"),
            required=False,
            validators=bounds.DATE.validators(),
            input_formats=["%Y-%m-%d"],
            help_text=_("As year-month-day, e.g. 2026-09-01."),
            widget=_text_input(placeholder="YYYY-MM-DD", autocomplete="off"),
        ),
        "duration_months": forms.IntegerField(
            label=capfirst_label("duration_months"),
            required=False,
            min_value=bounds.MONTHS.low,
            max_value=bounds.MONTHS.high,
            widget=_text_input(inputmode="numeric"),
        ),
        "beneficiaries": field("beneficiaries").formfield(
            required=False,
            help_text=_("Who will benefit: institutions, people, communities."),
            widget=forms.Textarea(attrs={"rows": 3}),
        ),
        "gender_considerations": field("gender_considerations").formfield(
            required=False, widget=forms.Textarea(attrs={"rows": 3})
        ),
        "south_south_interest": field("south_south_interest").formfield(
            required=False, widget=forms.RadioSelect
        ),
        "share_with_partners": field("share_with_partners").formfield(required=False),
        "other_support": field("other_support").formfield(
            required=False, widget=forms.Textarea(attrs={"rows": 3})
        ),
        "estimated_budget_usd": LenientDecimalField(
            label=capfirst_label("estimated_budget_usd"),
            required=False,
            min_value=bounds.USD.low,
            max_value=bounds.USD.high,
            max_digits=14,
            decimal_places=2,
            widget=_text_input(inputmode="decimal"),
        ),
        "co_financing": field("co_financing").formfield(
            required=False, widget=forms.Textarea(attrs={"rows": 3})
        ),
    }


class DraftForm(forms.Form):
    """Every field of a request; none is required, because a draft keeps whatever was typed.

    ``draft_values()`` are the valid values (for the request's fields) and ``invalid_input()``
    the raw text of the invalid ones (for ``Request.draft_input``), so saving never loses
    anything; completeness is checked by the ``submit`` action, not here.
    """

    use_required_attribute = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_draft_form_fields())
        for name, field in self.fields.items():
            field.needed_to_submit = name in REQUIRED_TO_SUBMIT

    @classmethod
    def for_request(cls, request: Request) -> "DraftForm":
        """The form showing a saved draft: its values, and what was typed but is invalid."""
        data = MultiValueDict()
        for name in DRAFT_FIELDS:
            value = getattr(request, name)
            if value is None:
                value = ""
            data[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        for name in DRAFT_RELATIONS:
            data.setlist(name, [str(item.pk) for item in getattr(request, name).all()])
        for name, raw in (request.draft_input or {}).items():
            if name in DRAFT_FORM_FIELDS:
                data.setlist(name, raw if isinstance(raw, list) else [raw])
        form = cls(data)
        form.is_valid()  # so that each kept invalid value shows with its error
        return form

    @property
    def fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in DRAFT_FIELDSETS]

    def draft_values(self) -> dict:
        values = {}
        for name in DRAFT_FORM_FIELDS:
            if name not in self.cleaned_data:
                continue
            value = self.cleaned_data[name]
            if value in ("", None) and name in DRAFT_FIELDS:
                model_field = Request._meta.get_field(name)
                if not model_field.blank:
                    # Nothing chosen in a group of radio buttons: keep the field's default.
                    value = model_field.get_default()
            values[name] = value
        return values

    def invalid_input(self) -> dict:
        raw = {}
        for name in self.errors:
            if name not in self.fields:
                continue
            if isinstance(self.fields[name].widget, forms.SelectMultiple):
                raw[name] = self.data.getlist(name)
            else:
                raw[name] = self.data.get(name, "")
        return raw

    def add_missing(self, missing: dict) -> None:
        """Show, field by field, what ``submit`` found missing, keeping what was typed."""
        for name, message in missing.items():
            if name in self.fields:
                if not self.has_error(name):
                    self.add_error(name, message)
            else:
                self.add_error(None, message)


# --- One form per action of the lifecycle table --------------------------------------------------


def _text(label, rows=4, **kwargs):
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


class ActionForm(forms.Form):
    """The fields of one action, named as the action (and the API) names them."""

    intro = ""

    def __init__(self, *args, request_obj: Request, user: User, **kwargs):
        self.request_obj = request_obj
        self.user = user
        super().__init__(*args, **kwargs)

    def service_data(self) -> dict:
        """The cleaned values as ``services.perform_action`` takes them: codes, ids, text."""
        data = {}
        for name, value in self.cleaned_data.items():
            if hasattr(value, "pk"):
                value = value.pk
            elif hasattr(value, "__iter__") and not isinstance(value, str | bytes | dict):
                value = [getattr(item, "pk", item) for item in value]
            data[name] = value
        return data


def _office_staff(request: Request):
    return User.objects.filter(
        role=Role.REGIONAL_STAFF, regional_office_id=request.regional_office_id, is_active=True
    )


class SubmitForm(ActionForm):
    intro = _("Send the request to your regional office. It can no longer be edited afterwards.")


class AcknowledgeForm(ActionForm):
    intro = _("Confirm receipt to the country and name who handles the request.")
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=User.objects.none(), required=False, empty_label=_("Me")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _office_staff(self.request_obj)


class AssignForm(ActionForm):
    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _office_staff(self.request_obj)


class RequestInfoForm(ActionForm):
    intro = _("The clock stops while the country prepares its answer.")
    message = _text(_("Your question to the country"))


class ProvideInfoForm(ActionForm):
    message = _text(_("Your answer"), rows=6)


class RouteForm(ActionForm):
    lead_division = forms.ModelChoiceField(
        label=_("Lead division"), queryset=Division.objects.active()
    )
    supporting_divisions = forms.ModelMultipleChoiceField(
        label=_("Supporting divisions"),
        queryset=Division.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class DeclineForm(ActionForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=DeclineReason.choices)
    explanation = _text(_("Explanation for the country"))


class ReferForm(ActionForm):
    organization = forms.ModelChoiceField(
        label=_("Organization referred to"), queryset=Organization.objects.all()
    )
    contact_email = forms.EmailField(
        label=_("E-mail of the organization's contact"),
        help_text=_("The contact is sent a link to accept or decline, and to report the outcome."),
    )
    explanation = _text(_("Why this organization is better placed"), required=False)


class MergeForm(ActionForm):
    intro = _("Merge a duplicate into another open request of the same country.")
    into = forms.CharField(
        label=_("Reference of the request to merge into"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "KEN-2026-0007", "autocomplete": "off"}),
    )

    def clean_into(self):
        return self.cleaned_data["into"].strip().upper()


class ReturnForm(ActionForm):
    reason = _text(_("Why the division returns the request"))


class AcceptForm(ActionForm):
    response_plan = _text(_("Response plan"), rows=6)
    activities = forms.CharField(
        label=_("Registry activities answering the request"),
        required=False,
        help_text=_("Their numbers in the registry, separated by commas (optional)."),
    )

    def clean_activities(self):
        numbers = [part.strip() for part in self.cleaned_data["activities"].split(",")]
        numbers = [part for part in numbers if part]
        if any(not part.isdigit() for part in numbers):
            raise forms.ValidationError(_("Enter activity numbers separated by commas."))
        return [int(part) for part in numbers]


class ProgressForm(ActionForm):
    text = _text(_("Progress update"))


class CompleteForm(ActionForm):
    intro = _("Report the results: the annual report counts them.")
    people_trained_female = forms.IntegerField(label=_("Women trained"), min_value=0)
    people_trained_male = forms.IntegerField(label=_("Men trained"), min_value=0)
    people_trained_other = forms.IntegerField(
        label=_("Others trained"), min_value=0, required=False
    )
    institutions_supported = forms.IntegerField(
        label=_("Institutions supported"), min_value=0, required=False
    )
    outputs = _text(_("Outputs: laws, plans, tools, reports"))
    cost_usd = forms.DecimalField(
        label=_("Cost (USD)"), min_value=Decimal(0), max_digits=14, decimal_places=2
    )
    lessons = _text(_("Lessons learned"))
    # Outputs by kind and what went well or not (plan §24(b), §31(h)): counted by the report.
    laws_drafted = forms.IntegerField(
        label=_("Laws and regulations drafted"),
        min_value=bounds.OUTPUTS.low,
        max_value=bounds.OUTPUTS.high,
        required=False,
    )
    policies_adopted = forms.IntegerField(
        label=_("Policies and plans adopted"),
        min_value=bounds.OUTPUTS.low,
        max_value=bounds.OUTPUTS.high,
        required=False,
    )
    tools_developed = forms.IntegerField(
        label=_("Tools developed"),
        min_value=bounds.OUTPUTS.low,
        max_value=bounds.OUTPUTS.high,
        required=False,
    )
    institutions_strengthened = forms.IntegerField(
        label=_("Institutions strengthened"),
        min_value=bounds.OUTPUTS.low,
        max_value=bounds.OUTPUTS.high,
        required=False,
    )
    successes = forms.CharField(
        label=_("Successes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    shortcomings = forms.CharField(
        label=_("Shortcomings"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class CloseForm(ActionForm):
    intro = _("Close the completed request.")


class WithdrawForm(ActionForm):
    intro = _("Withdraw the request if the country no longer needs the support.")
    reason = _text(_("Reason for withdrawing"), rows=3)


class EvaluateForm(ActionForm):
    intro = _(
        "How did the support help? Your assessment improves future support; it is invited, "
        "never required."
    )
    rating = forms.TypedChoiceField(
        label=_("Rating of the results (1 = poor, 5 = excellent)"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    capacity_retained = forms.TypedChoiceField(
        label=_("Was the capacity built kept?"),
        choices=[("", _("Not sure yet")), ("true", _("Yes")), ("false", _("No"))],
        coerce=lambda value: value == "true",
        empty_value=None,
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("When"),
        choices=EvaluationKind.choices,
        initial=EvaluationKind.ON_COMPLETION,
        required=False,
    )
    capacity_used = forms.TypedChoiceField(
        label=_("Is the capacity built being used?"),
        choices=[("", _("Not sure yet")), ("true", _("Yes")), ("false", _("No"))],
        coerce=lambda value: value == "true",
        empty_value=None,
        required=False,
    )
    programme_rating = forms.TypedChoiceField(
        label=_("Rating of UNEP's programme (1 = poor, 5 = excellent)"),
        choices=[("", "—"), *((n, str(n)) for n in range(1, 6))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    staff_rating = forms.TypedChoiceField(
        label=_("Rating of the staff trained (1 = poor, 5 = excellent)"),
        choices=[("", "—"), *((n, str(n)) for n in range(1, 6))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    comments = _text(_("Comments"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every assessment is kept: once one exists, the next is a follow-up.
        if getattr(self.request_obj, "evaluation", None) is not None and not self.is_bound:
            self.initial = {"kind": EvaluationKind.FOLLOW_UP}


class CommentForm(ActionForm):
    text = _text(_("Message"), rows=3)


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "submit": SubmitForm,
    "acknowledge": AcknowledgeForm,
    "assign": AssignForm,
    "request_info": RequestInfoForm,
    "provide_info": ProvideInfoForm,
    "route": RouteForm,
    "decline": DeclineForm,
    "refer": ReferForm,
    "merge": MergeForm,
    "return": ReturnForm,
    "accept": AcceptForm,
    "progress": ProgressForm,
    "complete": CompleteForm,
    "close": CloseForm,
    "withdraw": WithdrawForm,
    "evaluate": EvaluateForm,
    "comment": CommentForm,
}


def action_form(name: str, request_obj: Request, user: User, data=None) -> ActionForm:
    # Field ids carry the action's name: several forms share a page.
    return ACTION_FORMS[name](
        data, request_obj=request_obj, user=user, auto_id=f"id_{name}_%s", prefix=None
    )


# --- Attachments ----------------------------------------------------------------------------------


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=Attachment.Kind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=format_lazy(_("Accepted: {kinds}."), kinds=ALLOWED_LABEL),
        widget=forms.FileInput(attrs={"accept": ".pdf,.docx,.odt,.png,.jpg,.jpeg"}),
    )
