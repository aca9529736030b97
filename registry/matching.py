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
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
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

    def __bool__(self):
        return any(
            (
                self.activities,
                self.solutions,
                self.organizations,
                self.assistance_sources,
                self.possible_duplicates,
            )
        )


@dataclass
class _Need:
    """What the request asks for, read once."""

    country: Any
    regional_office: Any
    themes: dict
    support_types: dict
    meas: dict
    issues: dict
    south_south: bool
    words: list[str]


def _read_need(request) -> _Need:
    return _Need(
        country=request.country,
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


def _shared(through, owner: str, column: str, values) -> Coalesce:
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


def _common_reasons(need: _Need, themes, support_types, meas=(), issues=()) -> list[str]:
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


def _match_activities(need: _Need, limit: int) -> list[Match]:
    through = Activity.thematic_areas.through
    activities = Activity.objects.published().exclude(status=ActivityStatus.CANCELLED)
    activities = activities.annotate(
        shared_themes=_shared(through, "activity", "thematicarea", need.themes),
        shared_support=_shared(
            Activity.support_types.through, "activity", "supporttype", need.support_types
        ),
        shared_meas=_shared(Activity.meas.through, "activity", "mea", need.meas),
        shared_issues=_shared(
            Activity.cross_cutting_issues.through, "activity", "crosscuttingissue", need.issues
        ),
        in_country=Exists(
            ActivityCountry.objects.filter(activity=OuterRef("pk"), country=need.country.pk)
        ),
        in_region=Exists(
            Activity.regional_offices.through.objects.filter(
                activity=OuterRef("pk"), regionaloffice=need.regional_office.pk
            )
        ),
    )
    word_score = Value(0)
    for word in need.words:
        word_score = word_score + Case(
            When(search_document__contains=word, then=Value(WEIGHT_WORD)), default=Value(0)
        )
    south_south = (
        Case(When(modality__in=SOUTH_SOUTH_MODALITIES, then=Value(WEIGHT_SOUTH_SOUTH)), default=0)
        if need.south_south
        else Value(0)
    )
    activities = (
        activities.annotate(
            score=F("shared_themes") * WEIGHT_THEME
            + F("shared_support") * WEIGHT_SUPPORT
            + F("shared_meas") * WEIGHT_MEA
            + F("shared_issues") * WEIGHT_ISSUE
            + Case(When(in_country=True, then=Value(WEIGHT_COUNTRY)), default=Value(0))
            + Case(When(in_region=True, then=Value(WEIGHT_REGION)), default=Value(0))
            + south_south
            + word_score,
        )
        # Something of substance in common, not only the region.
        .filter(Q(shared_themes__gt=0) | Q(shared_support__gt=0) | Q(shared_meas__gt=0))
        # A programme before its own phases when they score the same.
        .order_by("-score", F("parent").asc(nulls_first=True), "title")
        .prefetch_related(
            "thematic_areas", "support_types", "meas", "cross_cutting_issues", "regional_offices"
        )
        .select_related("lead_division")[:limit]
    )
    matches = []
    for activity in activities:
        reasons = _common_reasons(
            need,
            activity.thematic_areas.all(),
            activity.support_types.all(),
            activity.meas.all(),
            activity.cross_cutting_issues.all(),
        )
        if activity.in_country:
            reasons.append(_("Already works in %(country)s") % {"country": need.country.label})
        elif activity.in_region:
            reasons.append(
                _("Works in the same region (%(office)s)") % {"office": need.regional_office.label}
            )
        if need.south_south and activity.modality in SOUTH_SOUTH_MODALITIES:
            reasons.append(
                _("%(modality)s cooperation, which the country asked for")
                % {"modality": activity.get_modality_display()}
            )
        words = [word for word in need.words if word in activity.search_document]
        if words:
            reasons.append(_("Mentions: %(words)s") % {"words": ", ".join(words)})
        matches.append(
            Match(
                "activity",
                activity,
                activity.label,
                activity.get_absolute_url(),
                activity.score,
                reasons,
            )
        )
    return matches


def _match_solutions(need: _Need, limit: int) -> list[Match]:
    worked_in_country = Solution.countries.through.objects.filter(
        solution=OuterRef("pk"), country=need.country.pk
    )
    worked_in_region = Solution.countries.through.objects.filter(
        solution=OuterRef("pk"), country__regional_office=need.regional_office.pk
    )
    solutions = (
        Solution.objects.filter(is_published=True)
        .annotate(
            shared_themes=_shared(
                Solution.thematic_areas.through, "solution", "thematicarea", need.themes
            ),
            shared_support=_shared(
                Solution.support_types.through, "solution", "supporttype", need.support_types
            ),
            shared_issues=_shared(
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
        reasons = _common_reasons(
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


def _match_sources(need: _Need, limit: int) -> list[Match]:
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
            shared_themes=_shared(
                AssistanceSource.thematic_areas.through,
                "assistancesource",
                "thematicarea",
                need.themes,
            ),
            shared_support=_shared(
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
        reasons = _common_reasons(need, source.thematic_areas.all(), source.support_types.all())
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


def _match_organizations(activities: list[Match], solutions: list[Match], limit) -> list[Match]:
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


def _possible_duplicates(request, need: _Need, user, limit: int) -> list[Match]:
    """Other requests of the same country on the same themes, that the user may see."""
    from requests_app.models import Request
    from requests_app.selectors import requests_visible_to
    from requests_app.workflow import State

    candidates = (
        requests_visible_to(user)
        .filter(country=request.country_id)
        .exclude(pk=request.pk)
        .exclude(state=State.WITHDRAWN)
        .annotate(
            shared_themes=_shared(
                Request.thematic_areas.through, "request", "thematicarea", need.themes
            ),
            shared_support=_shared(
                Request.support_types.through, "request", "supporttype", need.support_types
            ),
        )
        .filter(shared_themes__gt=0)
        .annotate(score=F("shared_themes") * WEIGHT_THEME + F("shared_support") * WEIGHT_SUPPORT)
        .order_by("-score", "-created_at")
        .prefetch_related("thematic_areas", "support_types")[:limit]
    )
    matches = []
    for candidate in candidates:
        reasons = [_("Same country: %(country)s") % {"country": need.country.label}]
        reasons += _common_reasons(
            need, candidate.thematic_areas.all(), candidate.support_types.all()
        )
        reasons.append(_("State: %(state)s") % {"state": candidate.get_state_display()})
        matches.append(
            Match(
                "request",
                candidate,
                f"{candidate.reference} {candidate.title}".strip(),
                f"/requests/{candidate.reference}/",
                candidate.score,
                reasons,
            )
        )
    return matches


def matches_for(request, *, user=None, limit: int = LIMIT) -> MatchResults:
    """What in the registry could answer ``request``, best first, each with its reasons.

    Possible duplicates are requests, whose existence is itself confidential: they are listed
    only when ``user`` is given, and only those ``requests_visible_to(user)``.
    """
    need = _read_need(request)
    activities = _match_activities(need, limit)
    solutions = _match_solutions(need, limit)
    return MatchResults(
        request=request,
        activities=activities,
        solutions=solutions,
        organizations=_match_organizations(activities, solutions, limit),
        assistance_sources=_match_sources(need, limit),
        possible_duplicates=(
            _possible_duplicates(request, need, user, limit) if user is not None else []
        ),
    )
