"""Reads of requests. Who may see a request is decided here, and only here."""

from django.db.models import Case, F, Prefetch, Q, QuerySet, When

from bali_portal.accounts.models import Role

from .models import Attachment, Request, RequestEvent
from .sla import overdue_q
from .workflow import OPEN_STATES, Capacity, State


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
        # A subquery rather than a join: no duplicate rows, so no DISTINCT, which would make
        # every list sort all the division's rows on every column before taking a page.
        supported = Request.supporting_divisions.through.objects.filter(
            division_id=user.division_id
        ).values("request_id")
        return non_draft.filter(Q(lead_division_id=user.division_id) | Q(pk__in=supported))
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
        supporting = {division.pk for division in related_items(request, "supporting_divisions")}
        if user.division_id in supporting:
            return {Capacity.SUPPORTING_DIVISION}
        return set()
    if role == Role.COORDINATOR:
        return {Capacity.COORDINATOR}
    if role == Role.COUNCIL:
        return {Capacity.COUNCIL}
    return set()


# --- focal points (issue 3): what a list row and a request page show ---------------------------

# A list row or API list item, in a fixed number of queries however many requests there are.
LIST_RELATED = ("country", "regional_office", "lead_division", "assignee")
REFERENCE_LISTS = (
    "thematic_areas", "cross_cutting_issues", "meas", "support_types", "subregional_countries",
    "supporting_divisions",
)  # fmt: skip


def _listed(*names) -> tuple[Prefetch, ...]:
    """Prefetch into plain lists (``listed_<name>``) rather than the related managers' caches:
    a manager and a queryset built per row and per relation cost more than the rows of a
    50-row page themselves. Read them with ``related_items``."""
    return tuple(Prefetch(name, to_attr=f"listed_{name}") for name in names)


def related_items(request: Request, name: str) -> list:
    """The items of one of a request's reference lists (``thematic_areas``...), from the list
    prefetched for list rows when there is one, else from the relation (prefetched or not)."""
    listed = getattr(request, f"listed_{name}", None)
    return listed if listed is not None else list(getattr(request, name).all())


# The timeline names each actor with their role and office, division or country.
EVENT_RELATED = ("actor", "actor__country", "actor__regional_office", "actor__division")


def with_list_details(requests: QuerySet[Request]) -> QuerySet[Request]:
    return requests.select_related(*LIST_RELATED).prefetch_related(*_listed(*REFERENCE_LISTS))


def with_page_details(requests: QuerySet[Request]) -> QuerySet[Request]:
    """Everything a request's page or API item shows, whatever the length of its history."""
    return (
        requests.select_related(*LIST_RELATED)
        .prefetch_related(*REFERENCE_LISTS)
        .select_related(
            "created_by", "referred_to", "merged_into", "evaluation", "evaluation__evaluated_by"
        )
        .prefetch_related(
            Prefetch("events", queryset=RequestEvent.objects.select_related(*EVENT_RELATED)),
            Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
        )
    )


# --- staff (issue 4): the queues ----------------------------------------------------------------

# What a queue row shows, fetched in a fixed number of queries however long the queue is.
QUEUE_RELATED = ("country", "regional_office", "assignee", "lead_division")
QUEUE_PREFETCH = _listed("thematic_areas", "support_types", "supporting_divisions")


def most_urgent_first(requests: QuerySet[Request], now) -> QuerySet[Request]:
    """Overdue first, then the rest still open, then finished ones; oldest first in each.

    ``is_overdue`` and ``is_open`` are annotated, so rows and filters need no extra query.
    Every column it orders by is in the ``request_office_queue`` index, so that a page's keys
    are sorted from the index alone (``bali_portal.pagination``).
    """
    return requests.annotate(
        is_overdue=Case(When(overdue_q(now), then=True), default=False),
        is_open=Case(When(state__in=OPEN_STATES, then=True), default=False),
    ).order_by(
        F("is_overdue").desc(),
        F("is_open").desc(),
        F("submitted_at").asc(),
        "pk",
    )


def _most_urgent_first(requests: QuerySet[Request], now) -> QuerySet[Request]:
    """A queue: most urgent first, with what a queue row shows."""
    return most_urgent_first(
        requests.select_related(*QUEUE_RELATED).prefetch_related(*QUEUE_PREFETCH), now
    )


def triage_queue(user, now) -> QuerySet[Request]:
    """A regional office's queue: every non-draft request of its countries, most urgent first."""
    if not user.is_authenticated or user.role != Role.REGIONAL_STAFF:
        return Request.objects.none()
    return _most_urgent_first(requests_visible_to(user), now)


def division_queue(user, now) -> QuerySet[Request]:
    """A division's queue: requests routed to it, as lead or supporting division."""
    if not user.is_authenticated or user.role != Role.DIVISION_STAFF:
        return Request.objects.none()
    return _most_urgent_first(requests_visible_to(user), now)


def staff_queue(user, now) -> QuerySet[Request]:
    """The queue a staff member works from: their office's, their division's, or for the
    coordinator and the Governing Council staff every non-draft request. Others: none."""
    if not user.is_authenticated:
        return Request.objects.none()
    if user.role == Role.REGIONAL_STAFF:
        return triage_queue(user, now)
    if user.role == Role.DIVISION_STAFF:
        return division_queue(user, now)
    if user.role in (Role.COORDINATOR, Role.COUNCIL):
        return _most_urgent_first(requests_visible_to(user), now)
    return Request.objects.none()
