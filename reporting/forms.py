from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import Division, RegionalOffice

from .models import FIRST_YEAR


class RunForm(forms.Form):
    """What the coordinator chooses: the year or the period reported on, optionally one
    regional office, and the report's language (``services.validate_run_input`` checks them)."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    period_start = forms.DateField(
        label=_("Or a period: first day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    period_end = forms.DateField(
        label=_("Last day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    regional_office = forms.ModelChoiceField(
        label=_("Regional office"),
        queryset=RegionalOffice.objects.order_by("sort_order", "code"),
        required=False,
        empty_label=_("All regional offices"),
    )
    language = forms.ChoiceField(label=_("Language of the report"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read at each form: the portal's languages, as settings have them now.
        self.fields["language"].choices = settings.LANGUAGES
        this_year = timezone.now().year
        self.fields["year"].choices = [("", "—")] + [
            (year, str(year)) for year in range(this_year, FIRST_YEAR - 1, -1)
        ]
        self.fields["year"].help_text = _(
            "A calendar year (the current year gives the figures to date), or leave it empty "
            "and give a period."
        )


class AllocationForm(forms.Form):
    """One division's allocation to the BSP for a biennium (``services.set_division_allocation``
    checks the year and the amount)."""

    division = forms.ModelChoiceField(
        label=_("Division"), queryset=Division.objects.order_by("sort_order", "code")
    )
    first_year = forms.IntegerField(
        label=_("First year of the biennium"), help_text=_("An even year, e.g. 2026 for 2026-2027.")
    )
    amount_usd = forms.DecimalField(label=_("Allocation to the BSP (USD)"), decimal_places=2)
    note = forms.CharField(label=_("Source"), max_length=300, required=False)
