"""The South-South exchange mechanism: match a country's request with what could answer it.

Seed 001 §68-70, §74: match the needs southern countries express with the solutions
available, in particular in the South. For a request this ranks published registry activities,
solutions of the exchange mechanism, sources of assistance and the organizations behind them,
by shared thematic areas, types of support, agreements, the country and region, and South-South
fit, and says why each one matched. Similar requests of the same country are flagged as possible
duplicates (plan §17: no duplication).

Scores are computed in the database (one grouped query per kind) so the cost does not grow
with the size of the registry.
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.postgres.search import SearchQuery
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from .models import (
    SOUTH_SOUTH_MODALITIES,
    Activity,
    ActivityCountry,
    ActivityStatus,
    AssistanceSource,
    PartnerRole,
    Partnership,
    Solution,
)
from .search import SEARCH_CONFIG, uses_postgres_search

WEIGHT_THEME = 3
WEIGHT_SUPPORT = 2
WEIGHT_MEA = 2
WEIGHT_ISSUE = 1
WEIGHT_COUNTRY = 4
WEIGHT_REGION = 2
WEIGHT_SOUTH_SOUTH = 2
WEIGHT_WORD = 1
MAX_WORDS = 6
LIMIT = 5
# How many activities, best by shared codes, the request's words may re-rank.
SHORTLIST = 200
# How far apart in time two requests of a country may be filed to be flagged as duplicates.
DUPLICATE_WINDOW = timedelta(days=3 * 365)

_STOP_WORDS = frozenset(
    [
        "about",
        "after",
        "also",
        "among",
        "and",
        "are",
        "between",
        "both",
        "build",
        "building",
        "capacity",
        "country",
        "countries",
        "development",
        "for",
        "from",
        "have",
        "into",
        "its",
        "more",
        "national",
        "need",
        "needs",
        "other",
        "our",
        "request",
        "support",
        "strengthen",
        "strengthening",
        "such",
        "that",
        "the",
        "their",
        "them",
        "these",
        "this",
        "through",
        "under",
        "with",
        "within",
        "would",
    ]
)


@dataclass
class Match:
    kind: str  # activity, solution, organization, assistance_source, request
    object: Any
    title: str
    url: str
    score: int
    reasons: list[str] = field(default_factory=list)


@dataclass
class MatchResults:
    request: Any
    activities: list[Match] = field(default_factory=list)
    solutions: list[Match] = field(default_factory=list)
    organizations: list[Match] = field(default_factory=list)
    assistance_sources: list[Match] = field(default_factory=list)
    possible_duplicates: list[Match] = field(default_factory=list)
    # What countries and regional centres offer (exchange.matching): a source of its own.
    offers: list[Match] = field(default_factory=list)

    def __bool__(self):
        return any(
            (
                self.activities,
                self.solutions,
                self.organizations,
                self.assistance_sources,
                self.possible_duplicates,
                self.offers,
            )
        )


@dataclass
class Need:
    """What the request asks for, read once."""

    country: Any
    regional_office: Any
    themes: dict
    support_types: dict
    meas: dict
    issues: dict
    south_south: bool
    words: list[str]


def read_need(request) -> Need:
    return Need(
        # A forum's request matches on its region; no activity names a forum as its country.
        country=request.asked_by,
        regional_office=request.regional_office,
        themes={item.pk: item for item in request.thematic_areas.all()},
        support_types={item.pk: item for item in request.support_types.all()},
        meas={item.pk: item for item in request.meas.all()},
        issues={item.pk: item for item in request.cross_cutting_issues.all()},
        south_south=request.south_south_interest in SOUTH_SOUTH_MODALITIES,
        words=keywords(f"{request.title} {request.description}"),
    )


def keywords(text: str) -> list[str]:
    """Distinctive words of a request (Latin script; CJK text has no word boundaries)."""
    words = []
    for word in re.findall(r"[^\W\d_]{5,}", (text or "").casefold()):
        if word not in _STOP_WORDS and word not in words and word.isascii():
            words.append(word)
    return words[:MAX_WORDS]


def shared_count(through, owner: str, column: str, values) -> Coalesce:
    """How many of ``values`` the row shares through an M2M table (0 when none)."""
    counted = (
        through.objects.filter(**{owner: OuterRef("pk"), f"{column}__in": list(values)})
        .values(owner)
        .annotate(shared=Count("pk"))
        .values("shared")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _labels(items) -> str:
    return "; ".join(item.label for item in items)


def common_reasons(need: Need, themes, support_types, meas=(), issues=()) -> list[str]:
    reasons = []
    shared = [item for item in themes if item.pk in need.themes]
    if shared:
        reasons.append(_("Same thematic areas: %(items)s") % {"items": _labels(shared)})
    shared = [item for item in support_types if item.pk in need.support_types]
    if shared:
        reasons.append(_("Same types of support: %(items)s") % {"items": _labels(shared)})
    shared = [item for item in meas if item.pk in need.meas]
    if shared:
        reasons.append(_("Same agreements: %(items)s") % {"items": _labels(shared)})
    shared = [item for item in issues if item.pk in need.issues]
    if shared:
        reasons.append(_("Same cross-cutting issues: %(items)s") % {"items": _labels(shared)})
    return reasons


def _column(model, field_name: str) -> str:
    return model._meta.get_field(field_name).column


# What a part's row says besides its points, added up per activity in one sum: shared core
# codes (themes, types of support, agreements) count in units, the country in thousands, the
# region in millions (a request has far fewer than a thousand codes). Two sums per activity
# instead of one per kind of code: the grouping is most of a shortlist's work.
SHARES_CORE, IN_COUNTRY, IN_REGION = 1, 1_000, 1_000_000


def _activity_parts(need: Need) -> tuple[list[str], list]:
    """One ``SELECT activity_id, points, flags`` per kind of code an activity can share with
    the need (``flags``: see ``SHARES_CORE``).

    Each part reads one table for the need's few codes, from its index by code and activity
    alone (migration 0012), so the work follows how many activities share something with the
    request, never the whole registry.
    """
    parts, params = [], []

    def part(table, owner, target, values, points, flags):
        marks = ", ".join(["%s"] * len(values))
        # Table and column names come from the models, points are integers; values are bound.
        parts.append(
            f'SELECT "{owner}" AS activity_id, {points} AS points, {flags} AS flags '  # noqa: S608
            f'FROM "{table}" WHERE "{target}" IN ({marks})'
        )
        params.extend(values)

    for field_name, points, flags, codes in (
        ("thematic_areas", WEIGHT_THEME, SHARES_CORE, list(need.themes)),
        ("support_types", WEIGHT_SUPPORT, SHARES_CORE, list(need.support_types)),
        ("meas", WEIGHT_MEA, SHARES_CORE, list(need.meas)),
        ("cross_cutting_issues", WEIGHT_ISSUE, 0, list(need.issues)),
        ("regional_offices", WEIGHT_REGION, IN_REGION, [need.regional_office.pk]),
    ):
        if codes:
            relation = Activity._meta.get_field(field_name)
            part(relation.m2m_db_table(), relation.m2m_column_name(),
                 relation.m2m_reverse_name(), codes, points, flags)  # fmt: skip
    part(ActivityCountry._meta.db_table, _column(ActivityCountry, "activity"),
         _column(ActivityCountry, "country"), [need.country.pk], WEIGHT_COUNTRY,
         IN_COUNTRY)  # fmt: skip
    return parts, params


@dataclass
class _Scored:
    id: int
    score: int
    in_country: bool
    in_region: bool
    parent_id: int | None
    title: str
    words: list[str] = field(default_factory=list)

    def rank(self):
        # A programme before its own phases when they score the same.
        return (-self.score, self.parent_id is not None, self.parent_id or 0, self.title, self.id)


def _shortlist(need: Need, size: int) -> list[_Scored]:
    """The ``size`` published activities scoring best on shared codes, country and region.

    One grouped query: the parts are added up per activity, and only activities sharing a
    theme, a type of support or an agreement are ranked. Only the best candidates by those
    points are read from the activities' table (``_bounded_candidates``): the points of a
    broad theme and region were shared by tens of thousands, each read to be ranked.
    """
    parts, params = _activity_parts(need)
    south_south = ", ".join(f"'{modality}'" for modality in sorted(SOUTH_SOUTH_MODALITIES))
    bonus = WEIGHT_SOUTH_SOUTH if need.south_south else 0
    south_south_points = (
        f"CASE WHEN a.modality IN ({south_south}) THEN {bonus} ELSE 0 END" if bonus else "0"
    )
    sql = f"""
        WITH p AS MATERIALIZED (
            SELECT activity_id, SUM(points) AS points, SUM(flags) AS flags
            FROM ({" UNION ALL ".join(parts)}) shared
            GROUP BY activity_id
            HAVING SUM(flags) %% {IN_COUNTRY} > 0
        ),
        {_bounded_candidates("p", "points", bonus)}
        SELECT a.id, p.points + {south_south_points} AS score,
               p.flags / {IN_COUNTRY} %% {IN_COUNTRY}, p.flags / {IN_REGION},
               a.parent_id, a.title, (SELECT lowest + {bonus} FROM cut) AS sure
        FROM candidates p
        JOIN "{Activity._meta.db_table}" a ON a.id = p.activity_id
        WHERE a.is_published AND a.status <> %s
        ORDER BY score DESC, a.parent_id IS NOT NULL, a.parent_id, a.title, a.id
        LIMIT %s
    """  # noqa: S608
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Hundreds of thousands of shared codes are added up: in memory, not on disk, and
            # without compiling the plan (JIT costs more than it saves at this size), nor
            # splitting it among workers (on a busy server the merge waits for them).
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        kept = size * CANDIDATES_PER_RESULT
        cursor.execute(sql, [*params, kept, ActivityStatus.CANCELLED, size])
        rows = cursor.fetchall()
        sure = rows[0][6] if rows else None
        if sure is not None and sum(1 for row in rows if row[1] >= sure) < len(rows):
            # Too many of the best by points were unpublished or cancelled: a row of the
            # result might be beaten by one left out. Rank them all.
            cursor.execute(sql, [*params, EVERY_CANDIDATE, ActivityStatus.CANCELLED, size])
            rows = cursor.fetchall()
        return [
            _Scored(row[0], int(row[1]), bool(row[2]), bool(row[3]), row[4], row[5]) for row in rows
        ]


# How many candidates per wanted result are kept by their points before the records are read
# (an unpublished or cancelled one is dropped after: twice as many as wanted leaves room).
CANDIDATES_PER_RESULT = 2
EVERY_CANDIDATE = 2**62  # an offset past any table: no cut, every candidate is ranked


def _bounded_candidates(scored: str, points: str, bonus: int) -> str:
    """A ``candidates`` CTE: the rows of ``scored`` that can still be among the best.

    With k = the first parameter, a row whose ``points`` are below the (k+1)-th best's
    minus ``bonus`` (the most a row's own record can add, e.g. South-South fit) scores less
    than k rows do, so it cannot be among the best k: only the others are kept. The k rows
    are best by points, published or not; ``CANDIDATES_PER_RESULT`` leaves room for those
    dropped after. Any source of candidates scored by points (activities, offers...) can
    use it.
    """
    return f"""
        cut AS (SELECT {points} - {bonus} AS lowest FROM {scored}
                ORDER BY {points} DESC LIMIT 1 OFFSET %s),
        candidates AS (SELECT * FROM {scored}
                       WHERE {points} >= COALESCE((SELECT lowest FROM cut), 0))
    """  # noqa: S608


def _words_found(need: Need, ids: list[int]) -> dict[int, list[str]]:
    """Which of the request's words each of these activities mentions."""
    if not need.words or not ids:
        return {}
    if uses_postgres_search():
        # Prefix matched on the stored vector, as the registry's search box does.
        lookups = {
            word: SearchQuery(f"{word}:*", search_type="raw", config=SEARCH_CONFIG)
            for word in need.words
        }
        flags = {
            f"mentions_{i}": Q(search_vector=query) for i, query in enumerate(lookups.values())
        }
    else:
        flags = {f"mentions_{i}": Q(search_document__contains=w) for i, w in enumerate(need.words)}
    rows = (
        Activity.objects.filter(pk__in=ids)
        .annotate(**{name: ExpressionWrapper(q, BooleanField()) for name, q in flags.items()})
        .values_list("pk", *flags)
    )
    return {row[0]: [w for w, hit in zip(need.words, row[1:], strict=True) if hit] for row in rows}


def _best_activities(need: Need, limit: int) -> list[_Scored]:
    """The best published activities: shared codes, country, region and South-South fit,
    then one point for each of the request's words an activity mentions.

    Words only re-rank a shortlist of the best by the rest (``SHORTLIST``): testing every
    stored text of the registry for a handful of common words costs seconds, while a word
    is worth a point against three for a shared theme.
    """
    shortlist = _shortlist(need, max(SHORTLIST, limit))
    words = _words_found(need, [item.id for item in shortlist])
    for item in shortlist:
        item.words = words.get(item.id, [])
        item.score += len(item.words) * WEIGHT_WORD
    return sorted(shortlist, key=_Scored.rank)[:limit]


def match_activities(need: Need, limit: int) -> list[Match]:
    best = _best_activities(need, limit)
    activities = Activity.objects.prefetch_related(
        "thematic_areas", "support_types", "meas", "cross_cutting_issues"
    ).in_bulk([item.id for item in best])
    matches = []
    for item in best:
        activity = activities[item.id]
        reasons = common_reasons(
            need,
            activity.thematic_areas.all(),
            activity.support_types.all(),
            activity.meas.all(),
            activity.cross_cutting_issues.all(),
        )
        if item.in_country:
            reasons.append(_("Already works in %(country)s") % {"country": need.country.label})
        elif item.in_region:
            reasons.append(
                _("Works in the same region (%(office)s)") % {"office": need.regional_office.label}
            )
        if need.south_south and activity.modality in SOUTH_SOUTH_MODALITIES:
            reasons.append(
                _("%(modality)s cooperation, which the country asked for")
                % {"modality": activity.get_modality_display()}
            )
        if item.words:
            reasons.append(_("Mentions: %(words)s") % {"words": ", ".join(item.words)})
        matches.append(
            Match(
                "activity",
                activity,
                activity.label,
                activity.get_absolute_url(),
                item.score,
                reasons,
            )
        )
    return matches


def match_solutions(need: Need, limit: int) -> list[Match]:
    worked_in_country = Solution.countries.through.objects.filter(
        solution=OuterRef("pk"), country=need.country.pk
    )
    worked_in_region = Solution.countries.through.objects.filter(
        solution=OuterRef("pk"), country__regional_office=need.regional_office.pk
    )
    solutions = (
        Solution.objects.filter(is_published=True)
        .annotate(
            shared_themes=shared_count(
                Solution.thematic_areas.through, "solution", "thematicarea", need.themes
            ),
            shared_support=shared_count(
                Solution.support_types.through, "solution", "supporttype", need.support_types
            ),
            shared_issues=shared_count(
                Solution.cross_cutting_issues.through,
                "solution",
                "crosscuttingissue",
                need.issues,
            ),
            in_country=Exists(worked_in_country),
            in_region=Exists(worked_in_region),
        )
        .annotate(
            score=F("shared_themes") * WEIGHT_THEME
            + F("shared_support") * WEIGHT_SUPPORT
            + F("shared_issues") * WEIGHT_ISSUE
            + Case(When(in_country=True, then=Value(WEIGHT_COUNTRY)), default=Value(0))
            + Case(When(in_region=True, then=Value(WEIGHT_REGION)), default=Value(0))
            + (
                Case(When(is_south_south=True, then=Value(WEIGHT_SOUTH_SOUTH)), default=0)
                if need.south_south
                else Value(0)
            )
        )
        .filter(Q(shared_themes__gt=0) | Q(shared_support__gt=0))
        .order_by("-score", "title")
        .select_related("provider")
        .prefetch_related("thematic_areas", "support_types", "cross_cutting_issues")[:limit]
    )
    matches = []
    for solution in solutions:
        reasons = common_reasons(
            need,
            solution.thematic_areas.all(),
            solution.support_types.all(),
            issues=solution.cross_cutting_issues.all(),
        )
        if solution.in_country:
            reasons.append(_("Has worked in %(country)s") % {"country": need.country.label})
        elif solution.in_region:
            reasons.append(_("Has worked in the same region"))
        if need.south_south and solution.is_south_south:
            reasons.append(_("Offered for South-South cooperation, which the country asked for"))
        matches.append(
            Match(
                "solution",
                solution,
                f"{solution.label} — {solution.provider.label}",
                solution.get_absolute_url(),
                solution.score,
                reasons,
            )
        )
    return matches


def match_sources(need: Need, limit: int) -> list[Match]:
    restricted = AssistanceSource.eligible_regional_offices.through.objects.values(
        "assistancesource"
    )
    eligible = AssistanceSource.eligible_regional_offices.through.objects.filter(
        regionaloffice=need.regional_office.pk
    ).values("assistancesource")
    sources = (
        AssistanceSource.objects.filter(is_active=True)
        .filter(Q(pk__in=eligible) | ~Q(pk__in=restricted))
        .annotate(
            shared_themes=shared_count(
                AssistanceSource.thematic_areas.through,
                "assistancesource",
                "thematicarea",
                need.themes,
            ),
            shared_support=shared_count(
                AssistanceSource.support_types.through,
                "assistancesource",
                "supporttype",
                need.support_types,
            ),
            regional=Exists(eligible.filter(assistancesource=OuterRef("pk"))),
        )
        .annotate(
            score=F("shared_themes") * WEIGHT_THEME
            + F("shared_support") * WEIGHT_SUPPORT
            + Case(When(regional=True, then=Value(WEIGHT_REGION)), default=Value(0))
        )
        .filter(Q(shared_themes__gt=0) | Q(shared_support__gt=0))
        .order_by("-score", "name")
        .select_related("provider")
        .prefetch_related("thematic_areas", "support_types")[:limit]
    )
    matches = []
    for source in sources:
        reasons = common_reasons(need, source.thematic_areas.all(), source.support_types.all())
        if source.regional:
            reasons.append(
                _("Reserved for the region of %(office)s") % {"office": need.regional_office.label}
            )
        else:
            reasons.append(_("Open to every region"))
        matches.append(
            Match(
                "assistance_source",
                source,
                f"{source.name} — {source.provider.label}",
                source.get_absolute_url(),
                source.score,
                reasons,
            )
        )
    return matches


def match_organizations(activities: list[Match], solutions: list[Match], limit) -> list[Match]:
    """The organizations behind the best activities and solutions, with what they did."""
    found: dict[int, Match] = {}
    partnerships = (
        Partnership.objects.filter(
            activity__in=[match.object.pk for match in activities],
            role__in=[PartnerRole.IMPLEMENTING, PartnerRole.TECHNICAL, PartnerRole.FUNDING],
        )
        .select_related("organization")
        .order_by("organization__name")
    )
    score_of = {match.object.pk: match.score for match in activities}
    title_of = {match.object.pk: match.title for match in activities}
    for partnership in partnerships:
        organization = partnership.organization
        match = found.setdefault(
            organization.pk,
            Match(
                "organization",
                organization,
                organization.label,
                organization.get_absolute_url(),
                0,
            ),
        )
        match.score += score_of[partnership.activity_id]
        match.reasons.append(
            _("%(role)s in “%(activity)s”")
            % {
                "role": partnership.get_role_display(),
                "activity": title_of[partnership.activity_id],
            }
        )
    for solution_match in solutions:
        organization = solution_match.object.provider
        match = found.setdefault(
            organization.pk,
            Match(
                "organization",
                organization,
                organization.label,
                organization.get_absolute_url(),
                0,
            ),
        )
        match.score += solution_match.score
        match.reasons.append(_("Offers “%(solution)s”") % {"solution": solution_match.object.label})
    return sorted(found.values(), key=lambda match: (-match.score, match.title))[:limit]
