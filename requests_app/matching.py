"""A request's matches: what in the registry and the exchange could answer it, and the
requests of the same requester that may be its duplicates.

The registry ranks its own records (``registry.matching``), the exchange its offers
(``exchange.matching``); the requests are this app's, so the duplicates and the whole are
composed here, and the registry never imports the requests (no cycle between the two).
"""

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from exchange.matching import match_offers
from registry.matching import (
    DUPLICATE_WINDOW,
    LIMIT,
    WEIGHT_SUPPORT,
    WEIGHT_THEME,
    Match,
    MatchResults,
    Need,
    common_reasons,
    match_activities,
    match_organizations,
    match_solutions,
    match_sources,
    read_need,
    shared_count,
)

from .models import Request
from .selectors import requests_visible_to
from .states import State


def _possible_duplicates(request, need: Need, user, limit: int) -> list[Match]:
    """Other requests of the same country (or forum) on the same themes, that the user may see."""
    best = _best_duplicates(request, need, user, limit)
    score = dict(best)
    place = {pk: index for index, (pk, _score) in enumerate(best)}
    candidates = sorted(
        Request.objects.filter(pk__in=place).prefetch_related("thematic_areas", "support_types"),
        key=lambda candidate: place[candidate.pk],
    )
    matches = []
    for candidate in candidates:
        reasons = [
            _("Same forum: %(forum)s") % {"forum": need.country.label}
            if request.forum_id
            else _("Same country: %(country)s") % {"country": need.country.label}
        ]
        reasons += common_reasons(
            need, candidate.thematic_areas.all(), candidate.support_types.all()
        )
        reasons.append(_("State: %(state)s") % {"state": candidate.get_state_display()})
        matches.append(
            Match(
                "request",
                candidate,
                f"{candidate.reference} {candidate.title}".strip(),
                f"/requests/{candidate.reference}/",
                score[candidate.pk],
                reasons,
            )
        )
    return matches


def _best_duplicates(request, need: Need, user, limit: int) -> list[tuple[int, int]]:
    """``(id, score)`` of the best possible duplicates.

    Only keys and the columns of scope are read, so the requests of a country over six years
    (thousands at a large scale) are scored from the index by country and date alone; the
    few best are read whole afterwards.
    """
    filed_around = request.created_at or timezone.now()
    return list(
        requests_visible_to(user)
        .filter(country=request.country_id, forum=request.forum_id)
        # A duplicate is filed around the same time; decades of a country's history are not
        # read for each request.
        .filter(
            created_at__gte=filed_around - DUPLICATE_WINDOW,
            created_at__lte=filed_around + DUPLICATE_WINDOW,
        )
        .exclude(pk=request.pk)
        .exclude(state=State.WITHDRAWN)
        # Counted for each of the country's requests by its key (a few thousand probes of an
        # index): a join with every request on a broad theme would read a hundred thousand.
        .annotate(
            shared_themes=shared_count(
                Request.thematic_areas.through, "request", "thematicarea", need.themes
            ),
            shared_support=shared_count(
                Request.support_types.through, "request", "supporttype", need.support_types
            ),
        )
        .filter(shared_themes__gt=0)
        .annotate(score=F("shared_themes") * WEIGHT_THEME + F("shared_support") * WEIGHT_SUPPORT)
        .order_by("-score", "-created_at")
        .values_list("pk", "score")[:limit]
    )


def matches_for(request, *, user=None, limit: int = LIMIT) -> MatchResults:
    """What in the registry could answer ``request``, best first, each with its reasons.

    Possible duplicates are requests, whose existence is itself confidential: they are listed
    only when ``user`` is given, and only those ``requests_visible_to(user)``.
    """
    need = read_need(request)
    activities = match_activities(need, limit)
    solutions = match_solutions(need, limit)
    return MatchResults(
        request=request,
        activities=activities,
        solutions=solutions,
        organizations=match_organizations(activities, solutions, limit),
        assistance_sources=match_sources(need, limit),
        possible_duplicates=(
            _possible_duplicates(request, need, user, limit) if user is not None else []
        ),
        offers=match_offers(need, limit),
    )
