"""Small presentation helpers of the registry's templates."""

from decimal import Decimal

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def money(amount) -> str:
    """2774805 → "2,774,805" in English, "2 774 805" in French, "2.774.805" in Spanish: the
    reader's language's separators; cents shown only when there are any."""
    if amount in (None, ""):
        return ""
    amount = Decimal(amount)
    places = 0 if amount == amount.to_integral_value() else 2
    return formats.number_format(amount, places, use_l10n=True, force_grouping=True)
