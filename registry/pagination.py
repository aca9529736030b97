"""Pages of a list whose length is already known (counted with its facets, see
``selectors.activity_summary``), so that the paginator does not count the matches again.

A long list's length is an estimate (``selectors.EXACT_COUNT_LIMIT``): its pages are not cut
at the estimated last one, so that no match is out of reach; a page past the real end is
empty, and a page has a next one while it is full."""

from functools import partial

from django.core.paginator import Page, Paginator

from bali_portal.pagination import EstimatedPage, page_number


class CountedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, count: int, estimated: bool = False, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count  # replaces the cached COUNT(*) query
        self.estimated = estimated

    def validate_number(self, number):
        return page_number(number) if self.estimated else super().validate_number(number)

    def page(self, number):
        if not self.estimated:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        # Not cut at the estimated count: the rows that are there.
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)

    def _get_page(self, *args, **kwargs):
        return (EstimatedPage if self.estimated else Page)(*args, **kwargs)


def counted(count: int, estimated: bool = False):
    """A paginator class for DRF's ``django_paginator_class`` with ``count`` known."""
    return partial(CountedPaginator, count=count, estimated=estimated)
