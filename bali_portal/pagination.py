"""Pages of long lists that cost the same on page 1 of 50 rows as on page 1 of a million.

Django's ``Paginator`` slices the full queryset: the database must read and sort every
matching *wide* row (all columns, joins) to return 50. Ordering only the primary keys lets
PostgreSQL answer from a narrow index (an index-only scan for the queues), and the 50 rows
are then read by key with their joins and prefetches.
"""

from django.core.paginator import Page, Paginator
from rest_framework.pagination import PageNumberPagination


class KeysFirstPaginator(Paginator):
    """A ``Paginator`` over a queryset that orders the page's keys first, then reads the rows."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        return self._get_page(rows_of_page(self.object_list, bottom, top), number, self)


def rows_of_page(queryset, bottom: int, top: int) -> list:
    """The rows ``queryset[bottom:top]`` in its order, reading only their keys while sorting."""
    keys = list(queryset.prefetch_related(None).values_list("pk", flat=True)[bottom:top])
    if not keys:
        return []
    position = {key: index for index, key in enumerate(keys)}
    rows = list(queryset.order_by().filter(pk__in=keys))
    return sorted(rows, key=lambda row: position[row.pk])


class KeysFirstPagination(PageNumberPagination):
    """The API's page of 50, read like the pages' (``KeysFirstPaginator``)."""

    django_paginator_class = KeysFirstPaginator


__all__ = ["KeysFirstPagination", "KeysFirstPaginator", "Page", "rows_of_page"]
