"""The bounds of every number and date a person, a file or a client can put into the records.

One source for three guards that must agree:

- the model fields' validators, so that every form and serializer built from a field refuses a
  value out of range with a message naming the field;
- the database's check constraints (named ``<model>_<field>_in_range``), so that no path (an
  import, the shell, a service that forgot a check, raw SQL) stores what a page could not show:
  a value too large for its column breaks every read of the row on SQLite (Django rounds a
  decimal to its column's digits when it reads it), and a date past year 9999 on PostgreSQL;
- the filters of the lists, which refuse a year, an age or a key nothing can have.

The maxima leave every column room to spare, so that what is allowed is also readable.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError
from django.db.models import CheckConstraint, Q
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Bound:
    """The lowest and highest value a field may hold, both allowed."""

    low: int | Decimal | date
    high: int | Decimal | date

    def validators(self) -> list:
        return [MinValueValidator(self.low), MaxValueValidator(self.high)]

    def constraint(self, prefix: str, field: str) -> CheckConstraint:
        """The check constraint ``<prefix>_<field>_in_range`` (a missing value passes)."""
        name = f"{prefix}_{field}_in_range"
        _CONSTRAINED[name] = (field, self)
        return CheckConstraint(
            condition=Q(**{f"{field}__isnull": True})
            | Q(**{f"{field}__gte": self.low, f"{field}__lte": self.high}),
            name=name,
        )

    def message(self) -> str:
        return _("Enter a value from %(low)s to %(high)s.") % {"low": self.low, "high": self.high}


# UNEP was founded in 1972: the registry records nothing older. Years and dates a person
# enters (an activity's start, a funding line's year, a request's desired start) stay in
# this window, which every page, export and the report can show.
FIRST_YEAR = 1972
LAST_YEAR = 2100
YEAR = Bound(FIRST_YEAR, LAST_YEAR)
DATE = Bound(date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31))

# An amount in US dollars: ten billion is beyond any request, activity or funding line of the
# plan, and well inside the columns (12 digits before the point for requests).
USD = Bound(Decimal(0), Decimal("10000000000.00"))
# An amount in any currency (a funding line in rupiah or dong runs to 13-14 digits): at most
# 10^13, so that SQLite, which keeps 15 significant digits, reads it back within the column.
AMOUNT = Bound(Decimal(0), Decimal("10000000000000.00"))
# People trained by one request or activity, per gender; institutions supported.
PEOPLE = Bound(0, 10_000_000)
INSTITUTIONS = Bound(0, 100_000)
# Outputs of one request by kind (laws drafted, policies or plans adopted, tools developed,
# institutions strengthened): a country's whole legislation is far below ten thousand texts.
OUTPUTS = Bound(0, 10_000)
# A request's expected duration.
MONTHS = Bound(1, 120)
# A service level's clock.
SLA_DAYS = Bound(1, 365)

# Filters: how old a request may be asked for (a century), and a record's key (a 64-bit
# integer: anything longer is no key, and SQLite cannot even compare it).
AGE_DAYS = Bound(0, 36_500)
KEY = Bound(1, 2**63 - 1)
KEY_PATTERN = re.compile(r"[0-9]{1,19}")


def is_key(text: str) -> bool:
    """Whether ``text`` is a key a record could have: ASCII digits within ``KEY``."""
    return bool(KEY_PATTERN.fullmatch(text)) and KEY.low <= int(text) <= KEY.high


# constraint name -> (field, bound), filled as the models declare their constraints.
_CONSTRAINED: dict[str, tuple[str, Bound]] = {}
_SQLITE_CHECK = re.compile(r"CHECK constraint failed: (\w+)")


def refused_field(error: Exception) -> tuple[str, str] | None:
    """(field, message) if ``error`` is the database refusing a value out of its bounds.

    The last guard: a path that let such a value through gets a 400 naming the field, with
    the transaction rolled back, instead of a 500.
    """
    if not isinstance(error, IntegrityError):
        return None
    cause = error.__cause__
    name = getattr(getattr(cause, "diag", None), "constraint_name", None)  # PostgreSQL
    if name is None:
        match = _SQLITE_CHECK.search(str(error))
        name = match.group(1) if match else None
    if name not in _CONSTRAINED:
        return None
    field, bound = _CONSTRAINED[name]
    return field, bound.message()
