"""Writes about people: provisioning portal users."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bali_portal.errors import DomainError
from designations.selectors import acts_as_focal_point
from designations.services import record_designation
from registry.models import Country, Division, Forum, Organization, RegionalOffice

from .models import SCOPE_FIELD_OF_ROLE, Role, User

_SCOPE_MODELS = {
    "country": Country,
    "regional_office": RegionalOffice,
    "division": Division,
    "forum": Forum,
}


class PortalUserError(DomainError):
    """The user cannot be provisioned as asked; the message says why."""


def _resolve_organization(value: str) -> Organization:
    """A regional centre by its number in the registry, its acronym or its name."""
    value = str(value).strip()
    centres = Organization.objects.filter(kind=Organization.Kind.REGIONAL_CENTRE)
    found = (
        centres.filter(pk=value).first()
        if value.isdigit()
        else centres.filter(acronym__iexact=value).order_by("pk").first()
        or centres.filter(name__iexact=value).first()
    )
    if found is None:
        raise PortalUserError(
            _("No regional centre %(value)r in the registry (give its number, acronym or name).")
            % {"value": value}
        )
    return found


def _resolve_scope(field: str, code: str):
    if field == "organization":
        return _resolve_organization(code)
    model = _SCOPE_MODELS[field]
    try:
        return model.objects.get(code=code.strip().upper())
    except model.DoesNotExist:
        raise PortalUserError(
            _("Unknown %(field)s code %(code)r.") % {"field": field.replace("_", " "), "code": code}
        ) from None


@transaction.atomic
def create_portal_user(
    *,
    email: str,
    role: str,
    password: str | None,
    full_name: str = "",
    country: str | None = None,
    regional_office: str | None = None,
    division: str | None = None,
    forum: str | None = None,
    organization: str | int | None = None,
    update_existing: bool = False,
) -> User:
    """Create (or, if asked, update) a user with a role and exactly the scope that role needs."""
    if role not in Role.values:
        raise PortalUserError(
            _("Unknown role %(role)r; choose one of: %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)}
        )
    given = {
        "country": country,
        "regional_office": regional_office,
        "division": division,
        "forum": forum,
        "organization": organization,
    }
    needed = SCOPE_FIELD_OF_ROLE[role]
    for field, code in given.items():
        if field != needed and code:
            raise PortalUserError(
                _("The role %(role)s takes no %(field)s.")
                % {"role": role, "field": field.replace("_", " ")}
            )
    if needed and not given[needed]:
        raise PortalUserError(
            _("The role %(role)s needs a %(field)s (--%(option)s).")
            % {"role": role, "field": needed.replace("_", " "), "option": needed.replace("_", "-")}
        )
    scope = {field: None for field in given}
    if needed:
        scope[needed] = _resolve_scope(needed, given[needed])

    normalized = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=normalized).first()
    if user and not update_existing:
        raise PortalUserError(
            _("A user with the e-mail %(email)s already exists.") % {"email": email}
        )
    user = user or User(email=normalized)
    user.role = role
    user.full_name = full_name or user.full_name
    for field, value in scope.items():
        setattr(user, field, value)
    if password:
        user.set_password(password)
    elif not user.pk:
        user.set_unusable_password()
    try:
        user.full_clean()
    except ValidationError as exc:
        raise PortalUserError("; ".join(exc.messages)) from None
    user.save()
    if role == Role.FOCAL_POINT and not acts_as_focal_point(user):
        # A focal point acts only under a designation: an administrator creating the account
        # records the government's designation too (its letter is on file elsewhere).
        record_designation(account=user)
    return user
