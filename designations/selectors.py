"""Reads of designations. Whether an account acts as a country's focal point is decided here,
and only here: it holds an approved designation of that country that has started and not ended.
Who may see a designation is decided here too (outside a user's scope: 404).
"""

from datetime import date

from django.db.models import Exists, Prefetch, Q, QuerySet
from django.utils import timezone

from bali_portal.accounts.models import Role
from registry.models import name_columns

from .models import Designation, DesignationEvent, Status


def current_designations(today: date | None = None) -> QuerySet[Designation]:
    """Designations in force today: approved, started, and not past their end date."""
    today = today or timezone.localdate()
    return Designation.objects.filter(status=Status.APPROVED, starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )


def _designations_held_by(user) -> QuerySet[Designation]:
    return current_designations().filter(account_id=user.pk, country_id=user.country_id)


def holds_current_designation(user) -> Exists:
    """An ``Exists`` to filter another query with (no query of its own): whether ``user`` holds
    a designation in force for their country. It depends on the user only, so the database
    evaluates it once per query, not per row."""
    return Exists(_designations_held_by(user))


def designation_in_force_sql(account: str, country: str) -> str:
    """``current_designations``' rule as an SQL ``EXISTS``, for statements written by hand
    (the notices of requests_app.services): whether the account ``account`` holds a designation
    in force for the country ``country`` (column expressions). Its parameters come from
    ``designation_in_force_params``."""
    table = Designation._meta.db_table

    def column(name):
        return f'd."{Designation._meta.get_field(name).column}"'

    # Names come from the models and the caller; values are bound.
    return (
        f'EXISTS (SELECT 1 FROM "{table}" d WHERE {column("account")} = {account} '  # noqa: S608
        f"AND {column('country')} = {country} AND {column('status')} = %s "
        f"AND {column('starts_on')} <= %s "
        f"AND ({column('ends_on')} IS NULL OR {column('ends_on')} >= %s))"
    )


def designation_in_force_params(today: date | None = None) -> list:
    today = today or timezone.localdate()
    return [Status.APPROVED, today, today]


def acts_as_focal_point(user) -> bool:
    """Whether ``user`` may act as their country's focal point now.

    The API's token authentication reads the answer with the user (``designation_in_force``,
    on that request's own user object); otherwise it is one query.
    """
    if not (user and user.is_authenticated and user.is_active and user.role == Role.FOCAL_POINT):
        return False
    known = getattr(user, "designation_in_force", None)
    if known is not None:
        return known
    return _designations_held_by(user).exists()


def latest_designation_of(user) -> Designation | None:
    """The account's most recent designation (to say why it no longer acts)."""
    return Designation.objects.filter(account_id=user.pk).order_by("-nominated_at", "-pk").first()


# --- Who sees which designations --------------------------------------------------------------


def designations_visible_to(user) -> QuerySet[Designation]:
    """Regional offices see their countries' designations, the coordinator and the Governing
    Council staff all of them, a focal point in office its own country's; nobody else any."""
    designations = Designation.objects.all()
    if not user or not user.is_authenticated or not user.is_active:
        return designations.none()
    if user.role == Role.REGIONAL_STAFF:
        return designations.filter(country__regional_office_id=user.regional_office_id)
    if user.role in (Role.COORDINATOR, Role.COUNCIL):
        return designations
    if user.role == Role.FOCAL_POINT:
        return designations.filter(holds_current_designation(user), country_id=user.country_id)
    return designations.none()


def may_decide(user, designation: Designation) -> bool:
    """Whether ``user`` verifies this designation (approve, reject, end): the country's regional
    office, or the coordinator. Call on a designation from ``designations_visible_to``."""
    role = getattr(user, "role", None)  # anonymous: none
    if role == Role.COORDINATOR:
        return True
    return (
        role == Role.REGIONAL_STAFF
        and designation.country.regional_office_id == user.regional_office_id
    )


def with_details(designations: QuerySet[Designation]) -> QuerySet[Designation]:
    """What a designation's page or API item shows, its history included, in fixed queries."""
    return designations.select_related("country", "account", "replaces").prefetch_related(_events())


def _events():
    return Prefetch("events", queryset=DesignationEvent.objects.select_related("actor"))


def public_focal_points() -> QuerySet[Designation]:
    """The public list: every designation in force, by country (plan: who may ask)."""
    return (
        current_designations()
        .select_related("country")
        .only("full_name", "position", "ministry", "country__code",
              *name_columns("country__name"), "starts_on")
        .order_by("country__name", "full_name", "pk")
    )  # fmt: skip
