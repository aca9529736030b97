"""Forms of the request pages: input shaping only. The services decide and validate again."""

import re

from django import forms
from django.utils.datastructures import MultiValueDict
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from bali_portal import bounds
from registry.models import (
    MEA,
    Country,
    CrossCuttingIssue,
    SupportType,
    ThematicArea,
)

from .models import Attachment, Request
from .submission import DRAFT_FIELDS, DRAFT_RELATIONS, REQUIRED_TO_SUBMIT
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


# --- Attachments ----------------------------------------------------------------------------------


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=Attachment.Kind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=format_lazy(_("Accepted: {kinds}."), kinds=ALLOWED_LABEL),
        widget=forms.FileInput(attrs={"accept": ".pdf,.docx,.odt,.png,.jpg,.jpeg"}),
    )
