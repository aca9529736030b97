"""Forms of the designation pages: input shaping only; ``services`` decide and validate again."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from registry.models import Country
from requests_app.uploads import ALLOWED_LABEL

from .models import Designation
from .selectors import current_designations


class NominationForm(forms.Form):
    """A government's nomination. Dates are typed as text so that nothing typed is dropped by
    the browser; on an error everything typed comes back (the letter must be chosen again: a
    browser never refills a file field)."""

    use_required_attribute = False

    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.active().eligible(),
        empty_label=_("Choose the country"),
        help_text=_("Developing countries and countries with economies in transition."),
    )
    full_name = forms.CharField(label=_("Full name of the focal point"), max_length=200)
    position = forms.CharField(label=_("Position"), max_length=200)
    ministry = forms.CharField(label=_("Ministry or agency"), max_length=300)
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The focal point logs in with it and receives the portal's e-mail there."),
    )
    phone = forms.CharField(label=_("Telephone"), max_length=40)
    starts_on = forms.DateField(
        label=_("Designated from"),
        input_formats=["%Y-%m-%d"],
        help_text=_("As year-month-day, e.g. 2026-09-01."),
        widget=forms.TextInput(attrs={"placeholder": "YYYY-MM-DD", "autocomplete": "off"}),
    )
    ends_on = forms.DateField(
        label=_("Designated until (optional)"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.TextInput(attrs={"placeholder": "YYYY-MM-DD", "autocomplete": "off"}),
    )
    replaces = forms.ModelChoiceField(
        label=_("Replaces (optional)"),
        queryset=Designation.objects.none(),  # those in force on the day: see __init__
        required=False,
        empty_label=_("Nobody: an additional focal point"),
        help_text=_("A current focal point of the country whom this person replaces."),
    )
    letter = forms.FileField(
        label=_("Official letter of designation"),
        help_text=format_lazy(_("Signed by the ministry. {kinds}."), kinds=ALLOWED_LABEL),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        replaces = self.fields["replaces"]
        replaces.queryset = (
            current_designations().select_related("country").order_by("country__name", "pk")
        )
        replaces.label_from_instance = _replaced_label

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.fields if name != "letter"}


def _replaced_label(designation: Designation) -> str:
    return f"{designation.country.label}: {designation.full_name}"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
