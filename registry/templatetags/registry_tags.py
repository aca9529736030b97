"""Small presentation helpers of the registry's templates."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def money(amount) -> str:
    """2774805 → "2,774,805"; cents shown only when there are any."""
    if amount in (None, ""):
        return ""
    amount = Decimal(amount)
    if amount == amount.to_integral_value():
        return f"{amount:,.0f}"
    return f"{amount:,.2f}"
