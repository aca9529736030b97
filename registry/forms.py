"""Forms of the registry's pages: input validation and shaping only; the rules are services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bali_portal import bounds

from .models import (
    Activity,
    AssistanceSource,
    Country,
    FundingSourceKind,
    LinkKind,
    Organization,
    PartnerRole,
    Solution,
    ThematicArea,
)
from .records import CODE_LISTS, FOREIGN_KEYS, SCALAR_FIELDS, ActivityInput, FundingInput, LinkInput


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "identifier",
            "title",
            "title_zh",
            "status",
            "modality",
            "scope",
            "parent",
            "phase",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "lead_division",
            "subprogramme",
            "regional_offices",
            "thematic_areas",
            "cross_cutting_issues",
            "meas",
            "support_types",
            "objectives",
            "description",
            "people_trained_female",
            "people_trained_male",
            "people_trained_other",
            "institutions_supported",
            "outputs",
            "results_narrative",
            "is_published",
        ]
        widgets = {
            "planned_start": DateInput(),
            "planned_end": DateInput(),
            "actual_start": DateInput(),
            "actual_end": DateInput(),
            "regional_offices": forms.CheckboxSelectMultiple,
            "thematic_areas": forms.CheckboxSelectMultiple,
            "cross_cutting_issues": forms.CheckboxSelectMultiple,
            "meas": forms.CheckboxSelectMultiple,
            "support_types": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, divisions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if divisions is not None:
            # Division staff record their own division's work.
            self.fields["lead_division"].queryset = divisions
        parents = Activity.objects.order_by("title")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents


class CountryShareForm(forms.Form):
    country = forms.ModelChoiceField(
        Country.objects.all(), to_field_name="code", required=False, label=_("Country")
    )
    share_percent = forms.DecimalField(
        label=_("Share (%)"), required=False, min_value=0, max_value=100, decimal_places=2
    )


class PartnerForm(forms.Form):
    organization = forms.ModelChoiceField(
        Organization.objects.all(), required=False, label=_("Organization")
    )
    role = forms.ChoiceField(choices=PartnerRole.choices, required=False, label=_("Role"))


def _amount_field(label, bound: bounds.Bound) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=bound.low,
        max_value=bound.high,
        decimal_places=2,
    )


class FundingForm(forms.Form):
    funder = forms.ModelChoiceField(Organization.objects.all(), required=False, label=_("Funder"))
    source_kind = forms.ModelChoiceField(
        FundingSourceKind.objects.all(), required=False, label=_("Kind of source")
    )
    amount = _amount_field(_("Amount"), bounds.AMOUNT)
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3)
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=bounds.YEAR.low, max_value=bounds.YEAR.high
    )
    amount_usd = _amount_field(_("Amount (USD)"), bounds.USD)

    def clean(self):
        data = super().clean()
        if data.get("funder") and (
            data.get("amount") is None or not data.get("currency") or not data.get("source_kind")
        ):
            raise forms.ValidationError(
                _("A funding line needs its kind of source, amount and currency.")
            )
        if data.get("currency"):
            data["currency"] = data["currency"].upper()
        return data


class LinkForm(forms.Form):
    kind = forms.ChoiceField(choices=LinkKind.choices, required=False, label=_("Kind"))
    url = forms.URLField(label=_("Address"), required=False, max_length=500, assume_scheme="https")
    identifier = forms.CharField(label=_("Identifier"), required=False, max_length=120)
    label = forms.CharField(label=_("Label"), required=False, max_length=200)


CountryFormSet = forms.formset_factory(CountryShareForm, extra=3, can_delete=True)
PartnerFormSet = forms.formset_factory(PartnerForm, extra=3, can_delete=True)
FundingFormSet = forms.formset_factory(FundingForm, extra=2, can_delete=True)
LinkFormSet = forms.formset_factory(LinkForm, extra=2, can_delete=True)


def _kept(formset) -> list[dict]:
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def activity_input(form: ActivityForm, countries, partners, funding, links) -> ActivityInput:
    """What a person entered in the activity form and its formsets (all valid)."""
    data = form.cleaned_data
    return ActivityInput(
        fields={name: data.get(name) for name in (*SCALAR_FIELDS, *FOREIGN_KEYS)},
        countries=[
            (row["country"], row.get("share_percent"))
            for row in _kept(countries)
            if row.get("country")
        ],
        partners=[
            (row["organization"], row["role"])
            for row in _kept(partners)
            if row.get("organization") and row.get("role")
        ],
        funding=[
            FundingInput(
                funder=row["funder"],
                source_kind=row["source_kind"],
                amount=row["amount"],
                currency=row["currency"],
                year=row.get("year"),
                amount_usd=row.get("amount_usd"),
            )
            for row in _kept(funding)
            if row.get("funder")
        ],
        links=[
            LinkInput(
                kind=row["kind"],
                url=row.get("url") or "",
                identifier=row.get("identifier") or "",
                label=row.get("label") or "",
            )
            for row in _kept(links)
            if row.get("kind") and (row.get("url") or row.get("identifier"))
        ],
        **{name: list(data.get(name) or []) for name in CODE_LISTS},
    )


def initial_formsets(activity: Activity | None) -> dict:
    """Initial rows of the formsets for an existing activity (loaded ``with_everything()``)."""
    if activity is None:
        return {"countries": [], "partners": [], "funding": [], "links": []}
    return {
        "countries": [
            {"country": row.country, "share_percent": row.share_percent}
            for row in activity.activity_countries.all()
        ],
        "partners": [
            {"organization": row.organization, "role": row.role}
            for row in activity.partnerships.all()
        ],
        "funding": [
            {
                "funder": line.funder,
                "source_kind": line.source_kind,
                "amount": line.amount,
                "currency": line.currency,
                "year": line.year,
                "amount_usd": line.amount_usd,
            }
            for line in activity.funding_lines.all()
        ],
        "links": [
            {"kind": link.kind, "url": link.url, "identifier": link.identifier, "label": link.label}
            for link in activity.links.all()
        ],
    }


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, with the columns of the CSV export (the first line names them)."),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file and report, without saving anything"),
        required=False,
        initial=True,
    )


class OrganizationForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = [
            "name",
            "name_zh",
            "acronym",
            "kind",
            "country",
            "website",
            "iati_ref",
            "description",
        ]


class SolutionForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Solution
        fields = [
            "title",
            "title_zh",
            "kind",
            "provider",
            "description",
            "thematic_areas",
            "cross_cutting_issues",
            "support_types",
            "countries",
            "is_south_south",
            "source_activity",
            "website",
            "is_published",
        ]
        widgets = {
            "thematic_areas": forms.CheckboxSelectMultiple,
            "cross_cutting_issues": forms.CheckboxSelectMultiple,
            "support_types": forms.CheckboxSelectMultiple,
        }


class AssistanceSourceForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = AssistanceSource
        fields = [
            "name",
            "provider",
            "kind",
            "description",
            "eligibility",
            "eligible_regional_offices",
            "thematic_areas",
            "support_types",
            "how_to_apply",
            "website",
            "is_active",
        ]
        widgets = {
            "eligible_regional_offices": forms.CheckboxSelectMultiple,
            "thematic_areas": forms.CheckboxSelectMultiple,
            "support_types": forms.CheckboxSelectMultiple,
        }


class ForumPrioritiesForm(forms.Form):
    """The thematic areas a forum names as its region's priorities."""

    priorities = forms.ModelMultipleChoiceField(
        label=_("The region's priorities"),
        queryset=ThematicArea.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The themes the forum's ministers set as the region's priorities."),
    )
