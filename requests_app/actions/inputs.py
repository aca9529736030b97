"""The checks an action's effect makes on its input, once its form has cleaned it: what the
records say (a colleague of the office, a known division) and the values the effect stores.
``services`` uses the counting and the refusal too (the service levels)."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from bali_portal.accounts.models import Role, User
from registry.models import Division

from ..errors import InvalidInput
from ..models import Request


def text(data: dict, name: str, errors: dict, required: bool = True) -> str:
    value = data.get(name)
    value = "" if value is None else str(value).strip()
    if required and not value:
        errors[name] = _("This field is required.")
    return value


def email(data: dict, name: str, errors: dict) -> str:
    value = text(data, name, errors)
    try:
        validate_email(value)
    except ValidationError:
        errors.setdefault(name, _("Enter a valid e-mail address."))
    return value


def count(data: dict, name: str, errors: dict, required: bool = True) -> int | None:
    value = data.get(name)
    if value in (None, ""):
        if required:
            errors[name] = _("This field is required.")
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[name] = _("Enter a whole number.")
        return None
    if number < 0:
        errors[name] = _("Enter zero or more.")
        return None
    return number


def amount(data: dict, name: str, errors: dict) -> Decimal | None:
    value = data.get(name)
    if value in (None, ""):
        errors[name] = _("This field is required.")
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        errors[name] = _("Enter an amount in US dollars.")
        return None
    if amount < 0 or not amount.is_finite():
        errors[name] = _("Enter an amount of zero or more.")
        return None
    return amount.quantize(Decimal("0.01"))


def assignee(data: dict, request: Request, actor: User, errors: dict) -> User | None:
    value = data.get("assignee")
    if value in (None, ""):
        return actor
    user = User.objects.filter(pk=value).first() if str(value).isdigit() else None
    user = user or User.objects.filter(email__iexact=str(value)).first()
    if (
        user is None
        or user.role != Role.REGIONAL_STAFF
        or user.regional_office_id != request.regional_office_id
        or not user.is_active
    ):
        errors["assignee"] = _("Choose a colleague of the same regional office.")
        return None
    return user


def division(value, errors: dict, name: str) -> Division | None:
    division = Division.objects.filter(pk=str(value or "").upper()).first()
    if division is None:
        errors[name] = (
            _("Choose a division.")
            if not value
            else _("Unknown division %(code)s.") % {"code": value}
        )
    return division


def codes(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(part) for part in value]


def raise_if(errors: dict) -> None:
    if errors:
        raise InvalidInput(_("Some fields are missing or not valid."), errors)
