"""One FilterSet per list, shared by the pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from bali_portal.filters import FilterSet
from registry.models import Country, Organization, SupportType, ThematicArea

from .models import LANGUAGE_CHOICES, Expert, Offer


def _by_codes(field_name: str, model, label):
    """Items of a reference list by their codes (``?thematic_area=T02&thematic_area=T07``)."""
    return django_filters.ModelMultipleChoiceFilter(
        field_name=field_name,
        queryset=model.objects.all(),
        to_field_name="code",
        label=label,
        distinct=True,
    )


def _search(queryset, fields, value):
    """Rows naming every word of ``value`` in one of ``fields``."""
    for term in value.split():
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": term})
        queryset = queryset.filter(condition)
    return queryset


class OfferFilterSet(FilterSet):
    search = django_filters.CharFilter(label=_("Search"), method="filter_search")
    thematic_area = _by_codes("thematic_areas", ThematicArea, _("Thematic area"))
    support_type = _by_codes("support_types", SupportType, _("Type of support"))
    country_served = django_filters.ModelChoiceFilter(
        queryset=Country.objects.all(),
        to_field_name="code",
        label=_("Open to the country"),
        method="filter_country_served",
    )
    provider_country = django_filters.ModelChoiceFilter(
        queryset=Country.objects.all(), to_field_name="code", label=_("Offered by the country")
    )
    provider_organization = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.filter(kind=Organization.Kind.REGIONAL_CENTRE),
        label=_("Offered by the regional centre"),
    )
    language = django_filters.ChoiceFilter(
        choices=LANGUAGE_CHOICES, label=_("Language"), method="filter_language"
    )

    class Meta:
        model = Offer
        fields = []

    def filter_search(self, queryset, name, value):
        return _search(queryset, self.SEARCHED, value)

    SEARCHED = (
        "title",
        "description",
        "provider_country__name",
        "provider_organization__name",
        "provider_organization__acronym",
    )

    @extend_schema_field(OpenApiTypes.STR)  # a country's code
    def filter_country_served(self, queryset, name, value):
        if not value:
            return queryset
        # An offer naming no country is open to every one.
        served = Offer.countries_served.through.objects
        return queryset.filter(
            Q(pk__in=served.filter(country=value.pk).values("offer"))
            | ~Q(pk__in=served.values("offer"))
        )

    def filter_language(self, queryset, name, value):
        # Stored as a JSON list of codes: matched as the quoted code, on every database.
        return queryset.filter(languages__icontains=f'"{value}"') if value else queryset


class ExpertFilterSet(FilterSet):
    search = django_filters.CharFilter(label=_("Search"), method="filter_search")
    thematic_area = _by_codes("thematic_areas", ThematicArea, _("Thematic area"))
    country = _by_codes("countries", Country, _("Country of experience"))
    centre = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.filter(kind=Organization.Kind.REGIONAL_CENTRE),
        label=_("Regional centre"),
    )
    language = django_filters.ChoiceFilter(
        choices=LANGUAGE_CHOICES, label=_("Language"), method="filter_language"
    )

    class Meta:
        model = Expert
        fields = []

    def filter_search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(Q(full_name__icontains=term) | Q(expertise__icontains=term))
        return queryset

    filter_language = OfferFilterSet.filter_language
