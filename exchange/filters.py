"""One FilterSet per list, shared by the pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from registry.models import Country, Organization, SupportType, ThematicArea

from .models import LANGUAGE_CHOICES, Expert, Offer


class OfferFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(label=_("Search"), method="filter_search")
    thematic_area = django_filters.ModelMultipleChoiceFilter(
        field_name="thematic_areas",
        queryset=ThematicArea.objects.all(),
        to_field_name="code",
        label=_("Thematic area"),
        distinct=True,
    )
    support_type = django_filters.ModelMultipleChoiceFilter(
        field_name="support_types",
        queryset=SupportType.objects.all(),
        to_field_name="code",
        label=_("Type of support"),
        distinct=True,
    )
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
        for term in value.split():
            queryset = queryset.filter(
                Q(title__icontains=term)
                | Q(description__icontains=term)
                | Q(provider_country__name__icontains=term)
                | Q(provider_organization__name__icontains=term)
                | Q(provider_organization__acronym__icontains=term)
            )
        return queryset

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


class ExpertFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(label=_("Search"), method="filter_search")
    thematic_area = django_filters.ModelMultipleChoiceFilter(
        field_name="thematic_areas",
        queryset=ThematicArea.objects.all(),
        to_field_name="code",
        label=_("Thematic area"),
        distinct=True,
    )
    country = django_filters.ModelMultipleChoiceFilter(
        field_name="countries",
        queryset=Country.objects.all(),
        to_field_name="code",
        label=_("Country of experience"),
        distinct=True,
    )
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
