"""Pages of a list whose length is already known (counted with its facets, see
``selectors.activity_summary``), so that the paginator does not count the matches again."""

from functools import partial

from django.core.paginator import Paginator


class CountedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count  # replaces the cached COUNT(*) query


def counted(count: int):
    """A paginator class for DRF's ``django_paginator_class`` with ``count`` known."""
    return partial(CountedPaginator, count=count)
