"""Pages of long lists that cost the same on page 1 of 50 rows as on page 1 of a million.

Django's ``Paginator`` slices the full queryset: the database must read and sort every
matching *wide* row (all columns, joins) to return 50. Ordering only the primary keys lets
PostgreSQL answer from a narrow index (an index-only scan for the queues), and the 50 rows
are then read by key with their joins and prefetches.
"""

import json
from functools import partial

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination

from .internals import sql_with_params

# A list searched by words is counted exactly up to this many rows; beyond, its count is
# PostgreSQL's estimate (counting every request that names a common word read them all).
EXACT_COUNT_LIMIT = 1000


class KeysFirstPaginator(Paginator):
    """A ``Paginator`` over a queryset that orders the page's keys first, then reads the rows.

    With ``capped``, a list of more than ``EXACT_COUNT_LIMIT`` rows has an estimated count
    (``estimated``): any page may be asked (past the real end it is empty) and a page has a
    next one while it is full, so that no row is out of reach of an estimate too low.
    """

    def __init__(self, object_list, per_page, *, capped: bool = False, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.capped = capped
        self.estimated = False

    @cached_property
    def count(self):
        if not self.capped or connection.vendor != "postgresql":
            return super().count
        first = len(self.object_list.order_by().values("pk")[: EXACT_COUNT_LIMIT + 1])
        if first <= EXACT_COUNT_LIMIT:
            return first
        self.estimated = True
        return max(estimated_rows(self.object_list), first)

    def validate_number(self, number):
        number = super().validate_number(number) if not self.capped else page_number(number)
        if self.capped and not self.estimated and number > max(self.num_pages, 1):
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page if self.estimated else min(bottom + self.per_page, self.count)
        return self._get_page(rows_of_page(self.object_list, bottom, top), number, self)

    def _get_page(self, *args, **kwargs):
        return (EstimatedPage if self.estimated else Page)(*args, **kwargs)


class EstimatedPage(Page):
    """A page of a list whose length is an estimate: it has a next one while it is full."""

    def has_next(self):
        return len(self.object_list) == self.paginator.per_page


def page_number(number) -> int:
    """A page number as asked, any number from 1 (for a list whose length is an estimate)."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise PageNotAnInteger(Paginator.default_error_messages["invalid_page"]) from None
    if number < 1:
        raise EmptyPage(Paginator.default_error_messages["min_page"])
    return number


def estimated_rows(queryset) -> int:
    """PostgreSQL's estimate of how many rows ``queryset`` has: its planner's, from the
    statistics of the columns, expressions and vectors (``EXPLAIN``; no row is read)."""
    sql, params = sql_with_params(queryset.order_by().values("pk"))
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def rows_of_page(queryset, bottom: int, top: int) -> list:
    """The rows ``queryset[bottom:top]`` in its order, reading only their keys while sorting."""
    keys = list(queryset.prefetch_related(None).values_list("pk", flat=True)[bottom:top])
    if not keys:
        return []
    position = {key: index for index, key in enumerate(keys)}
    rows = list(queryset.order_by().filter(pk__in=keys))
    return sorted(rows, key=lambda row: position[row.pk])


class KeysFirstPagination(PageNumberPagination):
    """The API's page of 50, read like the pages' (``KeysFirstPaginator``); a list searched
    by words (``?search=``) is counted up to ``EXACT_COUNT_LIMIT`` rows, and says whether its
    count is an estimate (``count_is_estimate``)."""

    django_paginator_class = KeysFirstPaginator

    def paginate_queryset(self, queryset, request, view=None):
        capped = bool(request.query_params.get("search", "").strip())
        self.django_paginator_class = partial(KeysFirstPaginator, capped=capped)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_is_estimate"] = self.page.paginator.estimated
        return response


__all__ = [
    "EXACT_COUNT_LIMIT",
    "EstimatedPage",
    "KeysFirstPagination",
    "KeysFirstPaginator",
    "Page",
    "estimated_rows",
    "page_number",
    "rows_of_page",
]
