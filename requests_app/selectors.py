"""Reads of requests. Who may see a request is decided here, and only here."""

from django.db import connection
from django.db.models import Case, F, Prefetch, Q, QuerySet, When

from bali_portal.accounts.models import Role
from bali_portal.internals import as_prefetched
from designations.selectors import holds_current_designation
from exchange.models import RegionalCentre
from registry.models import name_columns

from .models import Attachment, Evaluation, Request, RequestEvent
from .sla import overdue_q
from .states import OPEN_STATES, Capacity, State


def requests_visible_to(user) -> QuerySet[Request]:
    """Every request the user may see (``docs/design.md``, "Who sees what").

    Anyone else gets a 404 for a request outside this set, never a hint that it exists.
    """
    requests = Request.objects.all()
    if not user or not user.is_authenticated or not user.is_active:
        return requests.none()
    if user.role == Role.FOCAL_POINT:
        return _requests_of_focal_point(requests, user)
    if user.role == Role.FORUM_FOCAL_POINT:
        # Drafts included, as for a country: the forum's focal points work on them together.
        return requests.filter(forum_id=user.forum_id)
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
    if user.role == Role.REGIONAL_CENTRE:
        # Only what a country shared with partners, of the countries the centre serves.
        return non_draft.filter(
            share_with_partners=True, country_id__in=countries_served_by(user.organization_id)
        )
    return requests.none()


def _requests_of_focal_point(requests: QuerySet[Request], user) -> QuerySet[Request]:
    """Only while the account's designation is in force (``designations.selectors``): its
    country's requests, drafts included (all its focal points work on them together, a
    successor on those of the predecessor too), and the submitted requests of others that
    cover the country (read only: ``capacities_of`` gives no capacity on them)."""
    # A subquery rather than a join, as for divisions: no duplicate rows, no DISTINCT.
    covering = Request.covered_countries.through.objects.filter(country_id=user.country_id).values(
        "request_id"
    )
    return requests.filter(holds_current_designation(user)).filter(
        Q(country_id=user.country_id) | (Q(pk__in=covering) & ~Q(state=State.DRAFT))
    )


def countries_served_by(organization_id) -> QuerySet:
    """The codes of the countries a regional centre serves (a subquery)."""
    return RegionalCentre.countries.through.objects.filter(
        regionalcentre_id=organization_id
    ).values("country_id")


def capacities_of(user, request: Request) -> set[str]:
    """In which capacities the user acts on this request; empty if it is outside their scope.

    Call on a request obtained from ``requests_visible_to``.
    """
    if not user or not user.is_authenticated:
        return set()
    role = user.role
    if role == Role.FOCAL_POINT and request.country_id == user.country_id:
        return {Capacity.FOCAL_POINT}
    # A forum's focal point acts on the forum's requests as a country's on the country's.
    if role == Role.FORUM_FOCAL_POINT and request.forum_id == user.forum_id:
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
LIST_RELATED = ("country", "forum", "regional_office", "lead_division", "assignee")
REFERENCE_LISTS = (
    "thematic_areas", "cross_cutting_issues", "meas", "support_types", "covered_countries",
    "supporting_divisions",
)  # fmt: skip


def attach_reference_lists(requests: list[Request], names=REFERENCE_LISTS) -> list[Request]:
    """Set ``listed_<name>`` on each request of a page: its items of each reference list
    (``thematic_areas``...), in their usual order, all read in one query.

    A page of 50 rows would otherwise cost one prefetch query per list, each building a
    related manager and a queryset per row: more than the rows themselves. The items carry
    their code and names (what a row shows); read them with ``related_items``.
    """
    by_id = {request.pk: request for request in requests}
    for request in requests:
        for name in names:
            setattr(request, f"listed_{name}", [])
    if not by_id:
        return requests
    marks = ", ".join(["%s"] * len(by_id))
    # Every language's name, so that a row reads in the reader's language.
    columns = name_columns()
    selected_names = ", ".join(f'r."{column}"' for column in columns)
    parts, params = [], []
    for index, name in enumerate(names):
        relation = Request._meta.get_field(name)
        target = relation.related_model._meta
        owner = relation.m2m_column_name()
        # Table and column names come from the models; the ids are bound.
        parts.append(
            f'SELECT {index}, t."{owner}", r."code", {selected_names}, r."sort_order" '  # noqa: S608
            f'FROM "{relation.m2m_db_table()}" t JOIN "{target.db_table}" r '
            f'ON r."code" = t."{relation.m2m_reverse_name()}" WHERE t."{owner}" IN ({marks})'
        )
        params.extend(by_id)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    models = [Request._meta.get_field(name).related_model for name in names]
    for index, request_id, code, *names_read, sort_order in rows:
        item = models[index](
            code=code, sort_order=sort_order, **dict(zip(columns, names_read, strict=True))
        )
        getattr(by_id[request_id], f"listed_{names[index]}").append(item)
    for request in requests:
        for model, name in zip(models, names, strict=True):
            _in_usual_order(model, getattr(request, f"listed_{name}"))
    return requests


def _in_usual_order(model, items: list) -> list:
    """``items`` sorted in place as their model orders them (as a query would return them)."""
    fields = model._meta.ordering
    items.sort(key=lambda item: [getattr(item, field) for field in fields])
    return items


def remember_reference_lists(request: Request, lists: dict[str, list]) -> Request:
    """Set the request's reference lists to items this process holds (those it has just
    written), so that ``related_items`` reads them without a query."""
    for name, items in lists.items():
        model = Request._meta.get_field(name).related_model
        setattr(request, f"listed_{name}", _in_usual_order(model, list(dict.fromkeys(items))))
    return request


def related_items(request: Request, name: str) -> list:
    """The items of one of a request's reference lists (``thematic_areas``...), from the list
    attached to list rows when there is one, else from the relation (prefetched or not)."""
    listed = getattr(request, f"listed_{name}", None)
    return listed if listed is not None else list(getattr(request, name).all())


# The timeline names each actor with their role and office, division or country.
EVENT_RELATED = ("actor", "actor__country", "actor__regional_office", "actor__division")


def with_list_details(requests: QuerySet[Request]) -> QuerySet[Request]:
    """A list row's joins; its reference lists come with ``attach_reference_lists``."""
    return requests.select_related(*LIST_RELATED)


def with_page_details(requests: QuerySet[Request]) -> QuerySet[Request]:
    """Everything a request's page or API item shows, whatever the length of its history."""
    return (
        requests.select_related(*LIST_RELATED, "created_by")
        .prefetch_related(*REFERENCE_LISTS)
        # Relations most requests lack are prefetched (no query when empty) rather than
        # joined: planning a ten-table join costs PostgreSQL more than running it.
        .prefetch_related(
            "referred_to",
            "merged_into",
            Prefetch("evaluations", queryset=Evaluation.objects.select_related("evaluated_by")),
            Prefetch("events", queryset=RequestEvent.objects.select_related(*EVENT_RELATED)),
            Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
        )
    )


def as_just_filed(request: Request, *, events: list[RequestEvent]) -> Request:
    """A request this process has just filed, as ``with_page_details`` would read it back.

    Its joined rows (country, office, author) are those it was made with and its reference
    lists those remembered (``remember_reference_lists``); its timeline is ``events``; it has
    no documents or assessment yet, and no lead division, assignee, referral or merge (empty
    keys, which Django does not look up). Answering a filing then needs no read of the rows
    just written: eleven queries fewer per submission.
    """
    as_prefetched(request, "events", events)
    as_prefetched(request, "attachments", [])
    as_prefetched(request, "evaluations", [])
    return request


# --- staff (issue 4): the queues ----------------------------------------------------------------

# What a queue row shows, fetched in a fixed number of queries however long the queue is.
QUEUE_RELATED = ("country", "forum", "regional_office", "assignee", "lead_division")
QUEUE_LISTS = ("thematic_areas", "support_types", "supporting_divisions")


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
    """A queue: most urgent first, with a queue row's joins (its lists: ``QUEUE_LISTS``)."""
    return most_urgent_first(requests.select_related(*QUEUE_RELATED), now)


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
