"""Two-way matching of the South-South exchange (seed 001 §68-70, §74).

A request finds the offers that could answer it (``match_offers``, one more source of
``registry.matching.matches_for``), and an offer finds the open requests it could answer
(``requests_matching_offer``). Both score the same way, in the database: shared thematic
areas and types of support, the requester among the countries the offer serves, and the
South-South cooperation the country asked for. A match at or above ``NOTIFY_THRESHOLD`` is told
to the other side (``services.tell_providers_of_request``, ``services.tell_offices_of_offer``).

The reasons are kept as codes (``why``) and read out in the reader's language (``describe``).
"""

from django.db.models import (
    Case,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.translation import gettext as _

from registry.matching import (
    WEIGHT_COUNTRY,
    WEIGHT_SOUTH_SOUTH,
    WEIGHT_SUPPORT,
    WEIGHT_THEME,
    Match,
    shared_count,  # how many codes a row shares through a list: the registry's own scoring
)
from registry.models import Country, SupportType, ThematicArea
from requests_app.models import Request, SouthSouthInterest
from requests_app.states import OPEN_STATES

from .models import Offer

# A match worth telling the other side: e.g. a shared theme and a shared type of support, or
# a shared theme in a country the offer names. One shared code alone is only shown in lists.
NOTIFY_THRESHOLD = 5
# At most this many providers are told of one routed request (the best first).
NOTIFY_LIMIT = 20
SOUTH_SOUTH_INTERESTS = (SouthSouthInterest.SOUTH_SOUTH, SouthSouthInterest.TRIANGULAR)


def _points(condition: Q, points: int) -> Case:
    return Case(When(condition, then=Value(points)), default=Value(0))


# --- A request's offers -----------------------------------------------------------------------


def offers_for(*, themes, support_types, country_id: str, south_south: bool) -> QuerySet[Offer]:
    """Published offers sharing a theme or a type of support with a need, best first.

    An offer naming the countries it serves is left out for the others; one naming none is
    open to every country. Each row carries ``shared_themes``, ``shared_support``,
    ``serves_country`` (named) and ``score``.
    """
    served = Offer.countries_served.through.objects
    serves_by_name = Exists(served.filter(offer=OuterRef("pk"), country=country_id))
    open_to_all = ~Q(pk__in=served.values("offer"))
    return (
        Offer.objects.filter(is_published=True)
        .filter(serves_by_name | open_to_all)
        .annotate(
            shared_themes=shared_count(
                Offer.thematic_areas.through, "offer", "thematicarea", themes
            ),
            shared_support=shared_count(
                Offer.support_types.through, "offer", "supporttype", support_types
            ),
            serves_country=serves_by_name,
        )
        .filter(Q(shared_themes__gt=0) | Q(shared_support__gt=0))
        .annotate(
            score=F("shared_themes") * WEIGHT_THEME
            + F("shared_support") * WEIGHT_SUPPORT
            + _points(Q(serves_country=True), WEIGHT_COUNTRY)
            + Value(WEIGHT_SOUTH_SOUTH if south_south else 0)
        )
        .order_by("-score", "-created_at", "pk")
    )


def match_offers(need, limit: int) -> list[Match]:
    """The offers answering a request's need (``registry.matching``'s ``Need``), with why."""
    offers = (
        offers_for(
            themes=list(need.themes),
            support_types=list(need.support_types),
            country_id=need.country.pk,
            south_south=need.south_south,
        )
        .select_related("provider_country", "provider_organization")
        .prefetch_related("thematic_areas", "support_types")[:limit]
    )
    matches = []
    for offer in offers:
        why = why_offer_answers(
            offer,
            themes=need.themes,
            support_types=need.support_types,
            country=need.country if offer.serves_country else None,
            south_south=need.south_south,
        )
        matches.append(
            Match(
                "offer",
                offer,
                f"{offer.title} — {offer.provider_label}",
                offer.get_absolute_url(),
                offer.score,
                reasons_from(
                    why,
                    themes=offer.thematic_areas.all(),
                    support_types=offer.support_types.all(),
                    country=need.country,
                ),
            )
        )
    return matches


def why_offer_answers(offer, *, themes, support_types, country, south_south: bool) -> dict:
    """Why an offer matches a need, as codes: what they share, and the country it serves."""
    return {
        "themes": sorted(item.pk for item in offer.thematic_areas.all() if item.pk in themes),
        "support_types": sorted(
            item.pk for item in offer.support_types.all() if item.pk in support_types
        ),
        "country": country.pk if country is not None else None,
        "south_south": bool(south_south),
    }


# --- An offer's requests ----------------------------------------------------------------------


def requests_matching_offer(offer: Offer, requests: QuerySet[Request] | None = None):
    """Open requests an offer could answer, scoring ``NOTIFY_THRESHOLD`` or more, best first.

    ``requests``: where to look (default: every open request); pass a user's visible
    requests to list them on a page. Each row carries ``shared_themes``, ``shared_support``
    and ``score``.
    """
    themes = [item.pk for item in offer.thematic_areas.all()]
    support_types = [item.pk for item in offer.support_types.all()]
    served = [item.pk for item in offer.countries_served.all()]
    requests = (Request.objects.all() if requests is None else requests).filter(
        state__in=OPEN_STATES
    )
    # Only requests sharing a code are scored: read from the two lists' indexed tables.
    on_a_theme = Request.thematic_areas.through.objects.filter(thematicarea__in=themes)
    of_a_type = Request.support_types.through.objects.filter(supporttype__in=support_types)
    requests = requests.filter(
        Q(pk__in=on_a_theme.values("request_id")) | Q(pk__in=of_a_type.values("request_id"))
    )
    if served:
        requests = requests.filter(country_id__in=served)
    south_south = Q(south_south_interest__in=SOUTH_SOUTH_INTERESTS)
    return (
        requests.annotate(
            shared_themes=shared_count(
                Request.thematic_areas.through, "request", "thematicarea", themes
            ),
            shared_support=shared_count(
                Request.support_types.through, "request", "supporttype", support_types
            ),
        )
        .annotate(
            score=F("shared_themes") * WEIGHT_THEME
            + F("shared_support") * WEIGHT_SUPPORT
            + Value(WEIGHT_COUNTRY if served else 0)
            + _points(south_south, WEIGHT_SOUTH_SOUTH)
        )
        .filter(score__gte=NOTIFY_THRESHOLD)
        .order_by("-score", "submitted_at", "pk")
    )


def why_request_matches(request: Request, offer: Offer) -> dict:
    """Why a request matches an offer, as codes (both sides' lists prefetched or read)."""
    offer_themes = {item.pk for item in offer.thematic_areas.all()}
    offer_types = {item.pk for item in offer.support_types.all()}
    named = {item.pk for item in offer.countries_served.all()}
    return {
        "themes": sorted(
            item.pk for item in request.thematic_areas.all() if item.pk in offer_themes
        ),
        "support_types": sorted(
            item.pk for item in request.support_types.all() if item.pk in offer_types
        ),
        "country": request.country_id if request.country_id in named else None,
        "south_south": request.south_south_interest in SOUTH_SOUTH_INTERESTS,
    }


# --- Reasons, in the reader's language --------------------------------------------------------


def _labels(items) -> str:
    return "; ".join(item.label for item in items)


def reasons_from(why: dict, *, themes, support_types, country=None) -> list[str]:
    """``why`` read out, naming the shared items from the lists given (no query)."""
    reasons = []
    shared = [item for item in themes if item.pk in why.get("themes", ())]
    if shared:
        reasons.append(_("Same thematic areas: %(items)s") % {"items": _labels(shared)})
    shared = [item for item in support_types if item.pk in why.get("support_types", ())]
    if shared:
        reasons.append(_("Same types of support: %(items)s") % {"items": _labels(shared)})
    if why.get("country") and country is not None:
        reasons.append(_("Offered to %(country)s by name") % {"country": country.label})
    if why.get("south_south"):
        reasons.append(_("Offered for South-South cooperation, which the country asked for"))
    return reasons


def describe(why: dict) -> list[str]:
    """``why`` read out, looking its codes up (two or three small queries): for e-mail."""
    return reasons_from(
        why,
        themes=ThematicArea.objects.filter(pk__in=why.get("themes", ())),
        support_types=SupportType.objects.filter(pk__in=why.get("support_types", ())),
        country=Country.objects.filter(pk=why.get("country") or "").first(),
    )
