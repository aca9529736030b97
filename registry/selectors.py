"""Reads of the registry. Who may see or edit an activity is decided here, and only here.

``docs/design.md``, "Who sees what": everyone reads published activities, organizations,
solutions and sources of assistance; regional-office staff edit their region's activities,
division staff their division's, the BSP coordinator all of them.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext as _

from bali_portal.accounts.models import Role

from .models import (
    Activity,
    ActivityCountry,
    ActivityStatus,
    AssistanceSource,
    Modality,
    Organization,
    PartnerRole,
    Partnership,
    Solution,
    localized,
)

EDITOR_ROLES = frozenset({Role.REGIONAL_STAFF, Role.DIVISION_STAFF, Role.COORDINATOR})


def _is_active_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def activities_editable_by(user) -> QuerySet[Activity]:
    activities = Activity.objects.all()
    if not _is_active_user(user):
        return activities.none()
    if user.role == Role.COORDINATOR:
        return activities
    if user.role == Role.REGIONAL_STAFF:
        return activities.filter(
            pk__in=Activity.regional_offices.through.objects.filter(
                regionaloffice_id=user.regional_office_id
            ).values("activity_id")
        )
    if user.role == Role.DIVISION_STAFF:
        return activities.filter(lead_division_id=user.division_id)
    return activities.none()


def activities_visible_to(user) -> QuerySet[Activity]:
    """Published activities for everyone, plus the unpublished ones the user may edit."""
    activities = Activity.objects.all()
    if not _is_active_user(user) or user.role not in EDITOR_ROLES:
        return activities.published()
    if user.role == Role.COORDINATOR:
        return activities
    return activities.filter(
        Q(is_published=True) | Q(pk__in=activities_editable_by(user).values("pk"))
    )


def can_create_activities(user) -> bool:
    return _is_active_user(user) and user.role in EDITOR_ROLES


def can_import_activities(user) -> bool:
    return _is_active_user(user) and user.role == Role.COORDINATOR


def can_edit_directory(user) -> bool:
    """Organizations, solutions and sources of assistance are the coordinator's to keep."""
    return _is_active_user(user) and user.role == Role.COORDINATOR


def organizations_visible_to(user) -> QuerySet[Organization]:
    return Organization.objects.select_related("country")


def solutions_visible_to(user) -> QuerySet[Solution]:
    solutions = Solution.objects.select_related("provider")
    return solutions if can_edit_directory(user) else solutions.filter(is_published=True)


def assistance_sources_visible_to(user) -> QuerySet[AssistanceSource]:
    return AssistanceSource.objects.select_related("provider")


def activity_detail(user, pk: int) -> Activity:
    """One activity with every relation its page shows; ``DoesNotExist`` outside the scope."""
    return activities_visible_to(user).with_everything().get(pk=pk)


def related_activities(activity: Activity, user, limit: int = 6) -> QuerySet[Activity]:
    """Other visible activities sharing a country and a thematic area with this one."""
    countries = [row.country_id for row in activity.activity_countries.all()]
    themes = [theme.pk for theme in activity.thematic_areas.all()]
    if not countries or not themes:
        return Activity.objects.none()
    family = {activity.pk, activity.parent_id, *(child.pk for child in activity.children.all())}
    return (
        activities_visible_to(user)
        .exclude(pk__in=[pk for pk in family if pk])
        .filter(
            pk__in=ActivityCountry.objects.filter(country_id__in=countries).values("activity_id")
        )
        .filter(
            pk__in=Activity.thematic_areas.through.objects.filter(
                thematicarea_id__in=themes
            ).values("activity_id")
        )
        .order_by("title")[:limit]
    )


def organization_activities(organization: Organization, user) -> QuerySet[Partnership]:
    """The organization's roles in visible activities, with the activities, in one query."""
    return (
        Partnership.objects.filter(
            organization=organization, activity__in=activities_visible_to(user)
        )
        .select_related("activity")
        .order_by("activity__title", "role")
    )


# --- Facets -----------------------------------------------------------------------------------


@dataclass
class FacetItem:
    value: str
    label: str
    count: int


@dataclass
class Facet:
    """Counts of the activities of a result set by one dimension (one grouped query)."""

    name: str  # the filter parameter
    label: str
    items: list[FacetItem] = field(default_factory=list)


FACET_LIMIT = 15


def _through_facet(through, column: str, ids, label_fields) -> list[FacetItem]:
    rows = (
        through.objects.filter(activity_id__in=ids)
        .values(column, *label_fields)
        .annotate(count=Count("activity_id", distinct=True))
        .order_by("-count", column)
    )
    return [
        FacetItem(
            value=str(row[column]),
            label=localized(row[label_fields[0]], row[label_fields[1]])
            if len(label_fields) > 1
            else str(row[label_fields[0]]),
            count=row["count"],
        )
        for row in rows[:FACET_LIMIT]
    ]


def activity_facets(queryset: QuerySet[Activity]) -> list[Facet]:
    """Facets of a filtered list: one grouped query each, whatever the number of activities."""
    ids = queryset.order_by().values("pk")
    facets = [
        Facet(
            "regional_office",
            _("Region"),
            _through_facet(
                Activity.regional_offices.through,
                "regionaloffice_id",
                ids,
                ("regionaloffice__name", "regionaloffice__name_zh"),
            ),
        ),
        Facet(
            "country",
            _("Country"),
            _through_facet(
                ActivityCountry, "country_id", ids, ("country__name", "country__name_zh")
            ),
        ),
        Facet(
            "thematic_area",
            _("Thematic area"),
            _through_facet(
                Activity.thematic_areas.through,
                "thematicarea_id",
                ids,
                ("thematicarea__name", "thematicarea__name_zh"),
            ),
        ),
    ]
    modality_labels = dict(Modality.choices)
    facets.append(
        Facet(
            "modality",
            _("Cooperation modality"),
            [
                FacetItem(row["modality"], str(modality_labels[row["modality"]]), row["count"])
                for row in Activity.objects.filter(pk__in=ids)
                .values("modality")
                .annotate(count=Count("pk"))
                .order_by("-count", "modality")
            ],
        )
    )
    facets.append(
        Facet(
            "division",
            _("Lead division"),
            [
                FacetItem(
                    row["lead_division"],
                    localized(row["lead_division__name"], row["lead_division__name_zh"]),
                    row["count"],
                )
                for row in Activity.objects.filter(pk__in=ids)
                .values("lead_division", "lead_division__name", "lead_division__name_zh")
                .annotate(count=Count("pk"))
                .order_by("-count", "lead_division")
            ],
        )
    )
    status_labels = dict(ActivityStatus.choices)
    facets.append(
        Facet(
            "status",
            _("Status"),
            [
                FacetItem(row["status"], str(status_labels[row["status"]]), row["count"])
                for row in Activity.objects.filter(pk__in=ids)
                .values("status")
                .annotate(count=Count("pk"))
                .order_by("-count", "status")
            ],
        )
    )
    facets.append(
        Facet(
            "year",
            _("Start year"),
            [
                FacetItem(str(row["start_year"]), str(row["start_year"]), row["count"])
                for row in Activity.objects.filter(pk__in=ids)
                .annotate(start_year=ExtractYear(Coalesce("actual_start", "planned_start")))
                .filter(start_year__isnull=False)
                .values("start_year")
                .annotate(count=Count("pk"))
                .order_by("-start_year")[:FACET_LIMIT]
            ],
        )
    )
    facets.append(
        Facet(
            "funder",
            _("Funder"),
            [
                FacetItem(
                    str(row["organization_id"]),
                    localized(row["organization__name"], row["organization__name_zh"]),
                    row["count"],
                )
                for row in Partnership.objects.filter(activity_id__in=ids, role=PartnerRole.FUNDING)
                .values("organization_id", "organization__name", "organization__name_zh")
                .annotate(count=Count("activity_id", distinct=True))
                .order_by("-count", "organization__name")[:FACET_LIMIT]
            ],
        )
    )
    return facets
