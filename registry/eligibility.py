"""Whom the plan serves: developing countries and countries with economies in transition
(plan §1-3, §5(b); seed 004 §9). Whether a request may be filed or submitted for a country, or
cover it, is decided here, from the countries' classification (``Country.economy``), which the
coordinator keeps as reference data.
"""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from .models import Country


def not_served(country: Country) -> str:
    """Why the plan does not serve ``country``, naming its status and the source of that; empty
    when it does."""
    if country.eligible:
        return ""
    return _(
        "%(country)s is classified as a %(economy)s according to %(source)s. The Bali Strategic "
        "Plan serves developing countries and countries with economies in transition, so "
        "requests for %(country)s cannot be filed or submitted."
    ) % {
        "country": country.label,
        "economy": country.get_economy_display(),
        "source": country.classification_source or _("the United Nations' classification"),
    }


def refusals(*, country: Country | None, covered: Iterable[Country] = ()) -> dict[str, str]:
    """Field by field, why a request of ``country`` (None: a forum's) covering ``covered``
    cannot be submitted; empty when it can. Requests already submitted are never re-judged."""
    errors = {}
    if country is not None and not country.eligible:
        errors["country"] = not_served(country)
    outside = [item for item in covered if not item.eligible]
    if outside:
        errors["covered_countries"] = " ".join(not_served(item) for item in outside)
    return errors
