"""Reads of requests. Who may see a request is decided here, and only here."""

from django.db.models import Q, QuerySet

from bali_portal.accounts.models import Role

from .models import Request
from .workflow import Capacity, State


def requests_visible_to(user) -> QuerySet[Request]:
    """Every request the user may see (``docs/design.md``, "Who sees what").

    Anyone else gets a 404 for a request outside this set, never a hint that it exists.
    """
    requests = Request.objects.all()
    if not user or not user.is_authenticated or not user.is_active:
        return requests.none()
    if user.role == Role.FOCAL_POINT:
        # Drafts included: all focal points of a country work on its requests together.
        return requests.filter(country_id=user.country_id)
    non_draft = requests.exclude(state=State.DRAFT)
    if user.role == Role.REGIONAL_STAFF:
        return non_draft.filter(regional_office_id=user.regional_office_id)
    if user.role == Role.DIVISION_STAFF:
        return non_draft.filter(
            Q(lead_division_id=user.division_id) | Q(supporting_divisions=user.division_id)
        ).distinct()
    if user.role in (Role.COORDINATOR, Role.COUNCIL):
        return non_draft
    return requests.none()


def capacities_of(user, request: Request) -> set[str]:
    """In which capacities the user acts on this request; empty if it is outside their scope.

    Call on a request obtained from ``requests_visible_to``.
    """
    if not user or not user.is_authenticated:
        return set()
    role = user.role
    if role == Role.FOCAL_POINT and request.country_id == user.country_id:
        return {Capacity.FOCAL_POINT}
    if role == Role.REGIONAL_STAFF and request.regional_office_id == user.regional_office_id:
        return {Capacity.REGIONAL_STAFF}
    if role == Role.DIVISION_STAFF:
        if request.lead_division_id == user.division_id:
            return {Capacity.LEAD_DIVISION}
        supporting = {division.pk for division in request.supporting_divisions.all()}
        if user.division_id in supporting:
            return {Capacity.SUPPORTING_DIVISION}
        return set()
    if role == Role.COORDINATOR:
        return {Capacity.COORDINATOR}
    if role == Role.COUNCIL:
        return {Capacity.COUNCIL}
    return set()
