"""Reads of the registry. Who may see or edit an activity is decided here, and only here.

``docs/design.md``, "Who sees what": everyone reads published activities, organizations,
solutions and sources of assistance; regional-office staff edit their region's activities,
division staff their division's, the BSP coordinator all of them.
"""

from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext_lazy as _lazy

from bali_portal.accounts.models import Role
from bali_portal.internals import sql_with_params
from bali_portal.pagination import estimated_rows

from . import freshness
from .models import (
    Activity,
    ActivityCountry,
    ActivityStatus,
    AssistanceSource,
    Country,
    Division,
    Forum,
    Modality,
    Organization,
    PartnerRole,
    Partnership,
    RegionalOffice,
    Solution,
    ThematicArea,
    localized,
)
from .reference import active_items

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


def assistance_sources_editable_by(user) -> QuerySet[AssistanceSource]:
    """The coordinator keeps every source of assistance; a regional centre keeps its own
    inventory, the sources it provides (seed 004 §10(b))."""
    sources = AssistanceSource.objects.all()
    if not _is_active_user(user):
        return sources.none()
    if user.role == Role.COORDINATOR:
        return sources
    if user.role == Role.REGIONAL_CENTRE:
        return sources.filter(provider_id=user.organization_id)
    return sources.none()


def can_add_assistance_sources(user) -> bool:
    return _is_active_user(user) and user.role in (Role.COORDINATOR, Role.REGIONAL_CENTRE)


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
# Facets with few values show them all; the others their FACET_LIMIT most frequent.
FACETS_SHOWN_WHOLE = ("modality", "division", "status")


# Up to this many matches a list is counted exactly. A longer one (a broad word matches half
# the registry) is counted on its first EXACT_COUNT_LIMIT + 1 matches: its total is
# PostgreSQL's estimate of the matches and each facet count that sample's count scaled to it,
# shown as estimates ("about"). Counting every match cost seconds per first search (issue 14).
EXACT_COUNT_LIMIT = 500


@dataclass
class SearchSummary:
    """How many activities a filtered list has, and its facets; ``estimated`` when the
    numbers are estimates (more than ``EXACT_COUNT_LIMIT`` matches)."""

    total: int
    facets: list[Facet]
    estimated: bool = False
    # The keys of every match when the list is short (not estimated), else None.
    keys: list[int] | None = None


def activity_facets(queryset: QuerySet[Activity]) -> list[Facet]:
    """Facets of a filtered list (one statement, whatever the number of activities)."""
    return activity_summary(queryset).facets


def activity_summary(queryset: QuerySet[Activity]) -> SearchSummary:
    """The count and the facets of a filtered list: exact up to ``EXACT_COUNT_LIMIT`` matches,
    estimated beyond, in a bounded number of rows read whatever the list's length.

    They are also cached per statement (the list's filters and scope are in it) and registry
    version (``registry.freshness``), so that the next pages of a list agree with the first.
    """
    try:
        groups, estimated, keys = freshness.cached_for_version(
            "counts", _matched(queryset), lambda: _counted_groups(queryset)
        )
    except EmptyResultSet:  # a queryset.none(): nothing to count
        groups, estimated, keys = [], False, []
    summary = _summary(groups, estimated)
    summary.keys = keys
    return summary


def _counted_groups(queryset: QuerySet[Activity]) -> tuple[list[tuple], bool, list | None]:
    """(facet rows, estimated, every key or None): see ``_facet_groups`` for the rows."""
    if connection.vendor != "postgresql":
        # The embedded database holds a demonstration registry: count it all.
        return _facet_groups(*sql_with_params(_matched(queryset))), False, None
    # The first matches PostgreSQL finds, in whatever order is cheapest: one more than the
    # limit says whether the list is longer than that.
    first = list(queryset.order_by().values_list("pk", flat=True)[: EXACT_COUNT_LIMIT + 1])
    sample = Activity.objects.filter(pk__in=first)
    groups = _facet_groups(*sql_with_params(_matched(sample)))
    if len(first) <= EXACT_COUNT_LIMIT:
        return groups, False, first
    total = max(estimated_rows(queryset), len(first))
    return [_scaled(row, total / len(first)) for row in groups], True, None


def _scaled(row: tuple, factor: float) -> tuple:
    """A facet row of the sample, its count scaled to the list and rounded to two significant
    digits (it is an estimate); a value the sample holds keeps a count of at least 1."""
    *head, count = row
    return (*head, max(1, _two_digits(count * factor)))


def _two_digits(number: float) -> int:
    exponent = max(len(str(int(number))) - 2, 0)
    return int(round(number, -exponent))


def _matched(queryset: QuerySet[Activity]) -> QuerySet:
    """The matched set: its key and the columns the facets count directly."""
    return queryset.order_by().values_list(
        "pk",
        "status",
        "modality",
        "lead_division_id",
        ExtractYear(Coalesce("actual_start", "planned_start")),
    )


def _facet_groups(matched_sql: str, params: tuple) -> list[tuple]:
    """(facet, value, name, Chinese name, count) rows: the total first, then each facet in its
    order, computed from one materialized matched set (a CTE referenced by every branch).

    Only constants and quoted table names are written into the SQL; the list's own filters
    come with their parameters (``_matched_sql``).
    """
    quote = connection.ops.quote_name

    def through(facet: str, model, column: str, reference, extra: str = "") -> str:
        # One row per (activity, value) in these tables, so COUNT(*) counts activities.
        return (
            f"SELECT '{facet}', CAST(x.{quote(column)} AS TEXT), r.name, r.name_zh, COUNT(*), "  # noqa: S608
            f"-COUNT(*), {'r.name' if facet == 'funder' else 'x.' + quote(column)} "
            f"FROM {quote(model._meta.db_table)} x JOIN matched m ON m.id = x.activity_id "
            f"JOIN {quote(reference._meta.db_table)} r ON r.{quote(reference._meta.pk.column)}"
            f" = x.{quote(column)} {extra}"
            f"GROUP BY x.{quote(column)}, r.name, r.name_zh"
        )

    def column(facet: str, name: str) -> str:
        return (
            f"SELECT '{facet}', {name}, '', '', COUNT(*), -COUNT(*), {name} FROM matched "  # noqa: S608
            f"GROUP BY {name}"
        )

    branches = [
        "SELECT 'total' AS facet, '' AS value, '' AS name, '' AS name_zh, COUNT(*) AS n, "
        "0 AS first_key, '' AS second_key FROM matched",
        through(
            "regional_office", Activity.regional_offices.through, "regionaloffice_id",
            RegionalOffice,
        ),
        through("country", ActivityCountry, "country_id", Country),
        through(
            "thematic_area", Activity.thematic_areas.through, "thematicarea_id", ThematicArea
        ),
        column("modality", "modality"),
        "SELECT 'division', m.division, d.name, d.name_zh, COUNT(*), -COUNT(*), m.division "  # noqa: S608
        f"FROM matched m JOIN {quote(Division._meta.db_table)} d ON d.code = m.division "
        "GROUP BY m.division, d.name, d.name_zh",
        column("status", "status"),
        "SELECT 'year', CAST(start_year AS TEXT), '', '', COUNT(*), -start_year, '' "
        "FROM matched WHERE start_year IS NOT NULL GROUP BY start_year",
        through(
            "funder", Partnership, "organization_id", Organization,
            f"AND x.role = '{PartnerRole.FUNDING}' ",
        ),
    ]  # fmt: skip
    shown_whole = ", ".join(f"'{name}'" for name in ("total", *FACETS_SHOWN_WHOLE))
    sql = f"""
        WITH matched (id, status, modality, division, start_year) AS ({matched_sql})
        SELECT facet, value, name, name_zh, n FROM (
            SELECT facet, value, name, name_zh, n, ROW_NUMBER() OVER (
                PARTITION BY facet ORDER BY first_key, second_key
            ) AS position
            FROM ({" UNION ALL ".join(branches)}) AS grouped
        ) AS ranked
        WHERE position <= {FACET_LIMIT} OR facet IN ({shown_whole})
        ORDER BY facet, position
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


FACET_ORDER = (
    ("regional_office", _lazy("Region")),
    ("country", _lazy("Country")),
    ("thematic_area", _lazy("Thematic area")),
    ("modality", _lazy("Cooperation modality")),
    ("division", _lazy("Lead division")),
    ("status", _lazy("Status")),
    ("year", _lazy("Start year")),
    ("funder", _lazy("Funder")),
)


# Facets of coded reference lists: labelled from the kept lists, which hold the names in every
# language (the grouped query reads only the English and Chinese ones).
REFERENCE_FACETS = {
    "regional_office": RegionalOffice,
    "country": Country,
    "thematic_area": ThematicArea,
    "division": Division,
}


def _facet_label(facet: str, value: str, name: str, name_zh: str) -> str:
    if facet in REFERENCE_FACETS:
        item = active_items(REFERENCE_FACETS[facet]).find(value)
        if item is not None:
            return item.localized_name
    return localized(name, name_zh)


def _summary(groups: list[tuple], estimated: bool = False) -> SearchSummary:
    """Labels in the reader's language (the cache holds both names)."""
    choice_labels = {"modality": dict(Modality.choices), "status": dict(ActivityStatus.choices)}
    total = 0
    items: dict[str, list[FacetItem]] = {name: [] for name, _label in FACET_ORDER}
    for facet, value, name, name_zh, count in groups:
        if facet == "total":
            total = count
            continue
        if facet in choice_labels:
            label = str(choice_labels[facet].get(value, value))
        elif facet == "year":
            label = value
        else:
            label = _facet_label(facet, value, name, name_zh)
        items[facet].append(FacetItem(value=value, label=label, count=count))
    return SearchSummary(
        total=total,
        facets=[Facet(name, str(label), items[name]) for name, label in FACET_ORDER],
        estimated=estimated,
    )


# --- Forums (issue 16): who else asks, and the priorities they state -------------------------


def forums_listed() -> QuerySet[Forum]:
    """The public list of forums, with their members and priorities in fixed queries."""
    return (
        Forum.objects.active()
        .select_related("regional_office")
        .prefetch_related("countries", "priorities")
    )


def can_record_priorities(user, forum: Forum) -> bool:
    if not _is_active_user(user):
        return False
    return user.role == Role.COORDINATOR or (
        user.role == Role.FORUM_FOCAL_POINT and user.forum_id == forum.pk
    )


def forum_priorities_for(*, country_id: str | None, forum_id: str | None) -> list[dict]:
    """The priorities stated by the forum that asks (``forum_id``) or by the forums the asking
    country belongs to, each ``{"forum": ..., "themes": [...]}``: one query, for the regional
    office triaging a request."""
    member_of = Forum.countries.through.objects.filter(country_id=country_id).values("forum_id")
    rows = (
        Forum.priorities.through.objects.filter(Q(forum_id=forum_id) | Q(forum_id__in=member_of))
        .filter(forum__is_active=True)
        .select_related("forum", "thematicarea")
        .order_by("forum__sort_order", "forum_id", "thematicarea__sort_order")
    )
    grouped: dict[str, dict] = {}
    for row in rows:
        entry = grouped.setdefault(row.forum_id, {"forum": row.forum, "themes": []})
        entry["themes"].append(row.thematicarea)
    return list(grouped.values())
