"""One FilterSet per model, shared by the pages, the API and the exports."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from bali_portal import bounds
from bali_portal.filters import FilterSet, StrictBooleanFilter

from .models import (
    MEA,
    Activity,
    ActivityCountry,
    ActivityStatus,
    AssistanceKind,
    AssistanceSource,
    Country,
    CrossCuttingIssue,
    Division,
    Modality,
    Organization,
    PartnerRole,
    Partnership,
    RegionalOffice,
    Solution,
    SolutionKind,
    SupportType,
    ThematicArea,
)
from .search import search_activities


class OneOrMoreSelect(forms.Select):
    """A plain drop-down (with "All") for a filter that also takes several values in the URL.

    Facet links and API clients may pass ``?country=CHN&country=NPL``; the search form shows
    one choice, which works without JavaScript and with the keyboard.
    """

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            values = data.getlist(name)
        else:
            value = data.get(name)
            values = value if isinstance(value, list | tuple) else [value]
        return [value for value in values if value not in (None, "")]

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        everything = self.create_option(name, "", _("All"), not value, 0, attrs=attrs)
        return [(None, [everything], 0), *groups]


class WholeNumberFilter(django_filters.NumberFilter):
    """A whole number within bounds (a year, a key): anything else is refused, naming the
    parameter, before it reaches a query it could break (``?year=99999``)."""

    field_class = forms.IntegerField

    def __init__(self, *args, bound: bounds.Bound, **kwargs):
        super().__init__(*args, min_value=bound.low, max_value=bound.high, **kwargs)


def _codes(model, label):
    return django_filters.ModelMultipleChoiceFilter(
        queryset=model.objects.all(),
        to_field_name="code",
        label=label,
        method="filter_related",
        widget=OneOrMoreSelect,
    )


class ActivityFilterSet(FilterSet):
    """Every parameter takes one value or several (``?country=CHN&country=NPL``: either)."""

    search = django_filters.CharFilter(label=_("Search"), method="filter_search")
    regional_office = _codes(RegionalOffice, _("Region"))
    country = _codes(Country, _("Country"))
    thematic_area = _codes(ThematicArea, _("Thematic area"))
    cross_cutting_issue = _codes(CrossCuttingIssue, _("Cross-cutting issue"))
    mea = _codes(MEA, _("Agreement (MEA)"))
    support_type = _codes(SupportType, _("Type of support"))
    division = django_filters.ModelMultipleChoiceFilter(
        field_name="lead_division",
        queryset=Division.objects.all(),
        to_field_name="code",
        label=_("Lead division"),
        widget=OneOrMoreSelect,
    )
    modality = django_filters.MultipleChoiceFilter(
        choices=Modality.choices, label=_("Cooperation modality"), widget=OneOrMoreSelect
    )
    status = django_filters.MultipleChoiceFilter(
        choices=ActivityStatus.choices, label=_("Status"), widget=OneOrMoreSelect
    )
    year = WholeNumberFilter(label=_("Start year"), method="filter_year", bound=bounds.YEAR)
    funder = django_filters.ModelMultipleChoiceFilter(
        queryset=Organization.objects.all(), label=_("Funder"), method="filter_funder"
    )
    identifier = django_filters.CharFilter(label=_("Identifier"))
    parent = WholeNumberFilter(label=_("Part of"), field_name="parent_id", bound=bounds.KEY)

    class Meta:
        model = Activity
        fields = []

    # Each related filter keeps one row per activity by filtering on a subquery of ids, so
    # no DISTINCT is needed and counts stay exact.
    _RELATED = {
        "regional_office": (Activity.regional_offices.through, "regionaloffice_id"),
        "country": (ActivityCountry, "country_id"),
        "thematic_area": (Activity.thematic_areas.through, "thematicarea_id"),
        "cross_cutting_issue": (Activity.cross_cutting_issues.through, "crosscuttingissue_id"),
        "mea": (Activity.meas.through, "mea_id"),
        "support_type": (Activity.support_types.through, "supporttype_id"),
    }

    @extend_schema_field(OpenApiTypes.STR)  # codes: T01, NPL, ROAP…
    def filter_related(self, queryset, name, value):
        if not value:
            return queryset
        through, column = self._RELATED[name]
        ids = through.objects.filter(**{f"{column}__in": [item.pk for item in value]})
        return queryset.filter(pk__in=ids.values("activity_id"))

    def filter_search(self, queryset, name, value):
        return search_activities(queryset, value)

    def filter_year(self, queryset, name, value):
        year = int(value)
        return queryset.filter(
            Q(actual_start__year=year) | Q(actual_start__isnull=True, planned_start__year=year)
        )

    @extend_schema_field(OpenApiTypes.INT)  # organization ids
    def filter_funder(self, queryset, name, value):
        if not value:
            return queryset
        funded = Partnership.objects.filter(
            role=PartnerRole.FUNDING, organization__in=[item.pk for item in value]
        )
        return queryset.filter(pk__in=funded.values("activity_id"))


class OrganizationFilterSet(FilterSet):
    search = django_filters.CharFilter(label=_("Search"), method="filter_search")
    kind = django_filters.MultipleChoiceFilter(choices=Organization.Kind.choices, label=_("Kind"))
    country = django_filters.ModelMultipleChoiceFilter(
        queryset=Country.objects.all(), to_field_name="code", label=_("Country")
    )

    class Meta:
        model = Organization
        fields = []

    def filter_search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(
                Q(name__icontains=term) | Q(acronym__icontains=term) | Q(name_zh__icontains=term)
            )
        return queryset


class SolutionFilterSet(FilterSet):
    search = django_filters.CharFilter(label=_("Search"), method="filter_search")
    kind = django_filters.MultipleChoiceFilter(choices=SolutionKind.choices, label=_("Kind"))
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
        label=_("Where it has worked"),
        distinct=True,
    )
    south_south = StrictBooleanFilter(field_name="is_south_south", label=_("South-South only"))

    class Meta:
        model = Solution
        fields = []

    def filter_search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(
                Q(title__icontains=term)
                | Q(title_zh__icontains=term)
                | Q(description__icontains=term)
                | Q(provider__name__icontains=term)
            )
        return queryset


class AssistanceSourceFilterSet(FilterSet):
    search = django_filters.CharFilter(label=_("Search"), method="filter_search")
    kind = django_filters.MultipleChoiceFilter(choices=AssistanceKind.choices, label=_("Kind"))
    thematic_area = django_filters.ModelMultipleChoiceFilter(
        field_name="thematic_areas",
        queryset=ThematicArea.objects.all(),
        to_field_name="code",
        label=_("Thematic area"),
        distinct=True,
    )
    regional_office = django_filters.ModelChoiceFilter(
        queryset=RegionalOffice.objects.all(),
        to_field_name="code",
        label=_("Open to the region"),
        method="filter_region",
    )

    class Meta:
        model = AssistanceSource
        fields = []

    def filter_search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(
                Q(name__icontains=term)
                | Q(description__icontains=term)
                | Q(provider__name__icontains=term)
            )
        return queryset

    @extend_schema_field(OpenApiTypes.STR)
    def filter_region(self, queryset, name, value):
        if not value:
            return queryset
        # A source with no regions listed is open to every region.
        restricted = AssistanceSource.eligible_regional_offices.through.objects.values(
            "assistancesource_id"
        )
        eligible = AssistanceSource.eligible_regional_offices.through.objects.filter(
            regionaloffice_id=value.pk
        ).values("assistancesource_id")
        return queryset.filter(Q(pk__in=eligible) | ~Q(pk__in=restricted))
