"""Forms of the exchange's pages: input shaping only; the services decide and check again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.models import Country, Organization, ThematicArea

from .models import LANGUAGE_CHOICES, Expert, Offer, ReferralOutcome


class _ValuesForm(forms.ModelForm):
    """A model form whose cleaned values a service saves (``services.save_*``)."""

    def values(self) -> dict:
        return dict(self.cleaned_data)


def _languages_field():
    return forms.MultipleChoiceField(
        label=_("Languages"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class OfferForm(_ValuesForm):
    languages = _languages_field()

    class Meta:
        model = Offer
        fields = [
            "provider_country",
            "provider_organization",
            "title",
            "description",
            "thematic_areas",
            "support_types",
            "countries_served",
            "languages",
            "contact_name",
            "contact_email",
            "is_published",
        ]
        widgets = {
            "thematic_areas": forms.CheckboxSelectMultiple,
            "support_types": forms.CheckboxSelectMultiple,
            "countries_served": forms.SelectMultiple(attrs={"size": 8}),
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, names_provider: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if names_provider:
            # The coordinator records an offer for a country or a regional centre.
            self.fields["provider_organization"].queryset = Organization.objects.filter(
                kind=Organization.Kind.REGIONAL_CENTRE
            )
        else:
            # Focal points offer for their country, centres for themselves.
            del self.fields["provider_country"]
            del self.fields["provider_organization"]
        self.fields["thematic_areas"].required = True
        self.fields["support_types"].required = True
        self.fields["countries_served"].queryset = Country.objects.active()


class ExpertForm(_ValuesForm):
    languages = _languages_field()

    class Meta:
        model = Expert
        fields = [
            "full_name",
            "email",
            "expertise",
            "thematic_areas",
            "languages",
            "countries",
            "is_available",
        ]
        widgets = {
            "thematic_areas": forms.CheckboxSelectMultiple,
            "countries": forms.SelectMultiple(attrs={"size": 8}),
            "expertise": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["thematic_areas"].queryset = ThematicArea.objects.active()

    def validate_unique(self):
        # The centre is the service's to set; it checks the roster's uniqueness itself.
        pass


class SharingForm(forms.Form):
    share = forms.BooleanField(label=_("Share this request with partners"), required=False)


class ProposalForm(forms.Form):
    summary = forms.CharField(
        label=_("The help your centre proposes"), widget=forms.Textarea(attrs={"rows": 5})
    )
    experts = forms.ModelMultipleChoiceField(
        label=_("Experts of your roster"),
        queryset=Expert.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, roster=None, **kwargs):
        super().__init__(*args, **kwargs)
        if roster is not None:
            self.fields["experts"].queryset = roster


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept into the routing")), ("decline", _("Do not take up"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the centre"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReferralAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Can your organization take up this request?"),
        choices=[("accept", _("Yes, we accept it")), ("decline", _("No, we decline it"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("A note for the country and the regional office"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReferralOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("What came of it"), choices=ReferralOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}))


class FundingAccessForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to name the request after the source."),
    )
    description = forms.CharField(
        label=_("What help your country needs to reach this source"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    national_priorities = forms.CharField(
        label=_("Link to national priorities"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
