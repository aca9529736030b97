"""The one filterset of requests, shared by the HTML lists, the staff queues and the API.

It only narrows a queryset it is given; which requests a user may see at all is decided by
``selectors.requests_visible_to`` before this runs.
"""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q, Value
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from bali_portal import bounds
from bali_portal.accounts.models import Role, User
from bali_portal.filters import FilterSet, StrictBooleanFilter
from registry.models import Country, Division, Forum, RegionalOffice, SupportType, ThematicArea

from . import sla
from .models import Request, Requester, searched_text
from .workflow import State


class CommaSeparatedMultipleChoiceField(forms.MultipleChoiceField):
    """Takes ``?state=a&state=b`` (a multiple select) and ``?state=a,b`` (an API client)."""

    def to_python(self, value):
        values = super().to_python(value)
        return [part.strip() for item in values for part in item.split(",") if part.strip()]


class MultipleStateFilter(django_filters.MultipleChoiceFilter):
    field_class = CommaSeparatedMultipleChoiceField

    def __init__(self, *args, **kwargs):
        # State is a column: no join, so no duplicates to remove. django-filter's default
        # DISTINCT would make every list sort all its matching rows on every column.
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        # One ``state IN (...)``, which PostgreSQL matches in the queue index; the parent's
        # ``state = a OR state = b ...`` makes it scan the whole office and filter.
        if not value:
            return qs
        return self.get_method(qs)(**{f"{self.field_name}__in": value})


@extend_schema_field(OpenApiTypes.STR)
class CodeFilter(django_filters.ModelChoiceFilter):
    """A reference item by its code (``DEPI``, ``T02``, ``training``)."""


class RequestFilterSet(FilterSet):
    state = MultipleStateFilter(label=_("State"), choices=State.choices)
    country = django_filters.ModelChoiceFilter(
        label=_("Country"), queryset=Country.objects.all(), empty_label=_("All countries")
    )
    requester = django_filters.ChoiceFilter(
        label=_("Requester"), choices=Requester.choices, empty_label=_("Countries and forums")
    )
    forum = django_filters.ModelChoiceFilter(
        label=_("Forum"), queryset=Forum.objects.all(), empty_label=_("All forums")
    )
    regional_office = django_filters.ModelChoiceFilter(
        label=_("Regional office"),
        queryset=RegionalOffice.objects.all(),
        empty_label=_("All regional offices"),
    )
    division = CodeFilter(
        label=_("Division (lead or supporting)"),
        queryset=Division.objects.all(),
        method="filter_division",
        empty_label=_("All divisions"),
    )
    thematic_area = CodeFilter(
        label=_("Thematic area"),
        queryset=ThematicArea.objects.all(),
        method="filter_thematic_area",
        empty_label=_("All thematic areas"),
    )
    support_type = CodeFilter(
        label=_("Type of support"),
        queryset=SupportType.objects.all(),
        method="filter_support_type",
        empty_label=_("All types of support"),
    )
    assignee = django_filters.CharFilter(
        label=_("Assignee"),
        method="filter_assignee",
        help_text=_('"me", "none", or a person\'s id or e-mail address.'),
    )
    submitted_after = django_filters.DateFilter(
        label=_("Submitted on or after"),
        field_name="submitted_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    submitted_before = django_filters.DateFilter(
        label=_("Submitted on or before"),
        field_name="submitted_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    overdue = StrictBooleanFilter(label=_("Overdue"), method="filter_overdue")
    min_age_days = django_filters.NumberFilter(
        label=_("At least this many days old"),
        method="filter_min_age_days",
        min_value=bounds.AGE_DAYS.low,
        max_value=bounds.AGE_DAYS.high,
    )
    search = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        help_text=_("Reference, title or description."),
    )

    class Meta:
        model = Request
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.role == Role.REGIONAL_STAFF:
            # On a page, an office chooses among its own people rather than typing an address.
            colleagues = User.objects.filter(
                role=Role.REGIONAL_STAFF,
                regional_office_id=user.regional_office_id,
                is_active=True,
            )
            choices = [("", _("Anyone")), ("me", _("Me")), ("none", _("Nobody yet"))]
            self.filters["assignee"].extra["widget"] = forms.Select(
                choices=choices
                + [(str(person.pk), person.colleague_label) for person in colleagues]
            )

    @property
    def now(self):
        return timezone.now()

    def filter_division(self, queryset, name, value):
        # A subquery rather than a join, so a request with several supporting divisions is
        # listed once without DISTINCT.
        supported = Request.supporting_divisions.through.objects.filter(division=value)
        return queryset.filter(Q(lead_division=value) | Q(pk__in=supported.values("request_id")))

    def filter_thematic_area(self, queryset, name, value):
        tagged = Request.thematic_areas.through.objects.filter(thematicarea=value)
        return queryset.filter(pk__in=tagged.values("request_id"))

    def filter_support_type(self, queryset, name, value):
        tagged = Request.support_types.through.objects.filter(supporttype=value)
        return queryset.filter(pk__in=tagged.values("request_id"))

    def filter_assignee(self, queryset, name, value):
        value = value.strip()
        if value.lower() == "me":
            user = getattr(self.request, "user", None)
            return queryset.filter(assignee_id=getattr(user, "pk", None))
        if value.lower() == "none":
            return queryset.filter(assignee__isnull=True)
        if bounds.is_key(value):
            return queryset.filter(assignee_id=int(value))
        # Anything else names a person by address; "²" or a 20-digit number names nobody.
        return queryset.filter(assignee__email__iexact=value)

    def filter_overdue(self, queryset, name, value):
        overdue = sla.overdue_q(self.now)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_min_age_days(self, queryset, name, value):
        # Age counts from submission; a draft's age from its creation.
        cutoff = self.now - timedelta(days=float(value))
        return queryset.filter(
            Q(submitted_at__lte=cutoff) | Q(submitted_at__isnull=True, created_at__lte=cutoff)
        )

    def filter_search(self, queryset, name, value):
        # Each word in the reference, the title or the description, in any case: one
        # condition on the three joined (``models.searched_text``), which PostgreSQL answers
        # from its trigram index instead of reading every request.
        queryset = queryset.alias(searched_text=searched_text())
        for term in value.split():
            queryset = queryset.filter(searched_text__contains=Upper(Value(term)))
        return queryset
