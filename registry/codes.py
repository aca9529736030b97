"""Code lists the registry checks against: ISO 4217 currencies and ISO 3166 alpha-2 codes.

Both are data files next to the reference data (``registry/data/``), taken from the IATI 2.03
codelists and the ISO tables, so that no third-party package is needed at run time.
"""

import csv
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .reference_data import DATA_DIR


@cache
def currencies() -> dict[str, str]:
    """ISO 4217 code → English name (the IATI Currency codelist)."""
    with open(DATA_DIR / "currencies.csv", encoding="utf-8", newline="") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


@cache
def alpha2_of_country() -> dict[str, str]:
    """ISO 3166-1 alpha-3 → alpha-2; IATI names recipient countries by alpha-2."""
    with open(DATA_DIR / "country_alpha2.csv", encoding="utf-8", newline="") as handle:
        return {row["iso3"]: row["iso2"] for row in csv.DictReader(handle)}


def validate_currency(value: str) -> None:
    if value not in currencies():
        raise ValidationError(
            _("%(value)s is not an ISO 4217 currency code."),
            code="currency",
            params={"value": value},
        )
