"""Full-text search of the registry.

On PostgreSQL every activity carries a stored ``tsvector`` (title weighted above the rest),
indexed with GIN and searched with prefix matching. Results are ordered by how well the title
answers the query — the rank of a second, small vector of the heading alone, against any of the
query's words — then by title. Ranking every match by its full vector was the cost of a broad
query (a prefix such as "water" matches a third of a large registry, and each full vector is
read from TOAST storage); the heading vector is stored in the row. On SQLite — the embedded
default — the same stored document is searched by substring, so the portal works on a bare
machine.

Chinese, Japanese and Korean have no spaces between words, so PostgreSQL's parser cannot cut
them into lexemes; a query term in those scripts is matched as a substring of the document on
both databases.

The document is kept up to date by the services: ``save_activity`` stores it with every save,
``save_organization`` refreshes the activities naming an organization, and
``manage.py rebuild_registry_search`` rebuilds all of them (after reference names are edited).
"""

import re
from collections.abc import Iterable

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorExact,
)
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, FloatField, Q, QuerySet, Value, Window
from django.db.models.functions import Coalesce

from bali_portal.pagination import estimated_rows, rows_of_page

from .freshness import cached_for_version
from .models import Activity, ActivityStatus, Modality
from .records import activity_to_input

SEARCH_CONFIG = "english"
LONG_FIELDS = ("phase", "objectives", "description", "outputs", "results_narrative")
_WORD = re.compile(r"[^\W_]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")


def uses_postgres_search() -> bool:
    return connection.vendor == "postgresql"


def search_terms(text: str) -> list[str]:
    """The words of a query, case-folded; punctuation and operators are dropped."""
    return _WORD.findall((text or "").casefold())


def search_activities(queryset: QuerySet, text: str) -> QuerySet:
    """Activities of ``queryset`` matching every word of ``text``; best first on PostgreSQL."""
    terms = search_terms(text)
    if not terms:
        return queryset
    word_terms = _word_terms(terms)
    cjk_terms = [term for term in terms if term not in word_terms]
    for term in cjk_terms:
        queryset = queryset.filter(search_document__contains=term)
    if not word_terms:
        return queryset
    if not uses_postgres_search():
        for term in word_terms:
            queryset = queryset.filter(search_document__contains=term)
        return queryset
    # Terms are word characters only, so the raw tsquery cannot be malformed; ":*" makes
    # "biodivers" find "biodiversity" as people expect from a search box.
    every_word = _tsquery(" & ", word_terms)
    # A title naming some of the words (more of them, more often) comes before one naming none.
    title_rank = SearchRank(F("search_title_vector"), _tsquery(" | ", word_terms))
    return (
        queryset.filter(search_vector=every_word)
        .annotate(search_rank=Coalesce(title_rank, Value(0.0), output_field=FloatField()))
        .order_by("-search_rank", "title", "pk")
    )


# Up to about this many titles naming the query's words (PostgreSQL's estimate) are ranked by
# how well they name them; beyond (a word in a quarter of the titles), ranking them read every
# one (2 s), and they are listed newest first (issue 14).
TITLE_RANK_LIMIT = 2000


class RankedResults:
    """The results of ``search_activities`` in their order, read a page at a time in two parts.

    Ordering every match by rank makes PostgreSQL read every matching row before the first
    page (a third of a large registry for "water"). Here the matches whose title names a
    query word (found with the title vector's GIN index) come first, then the others in
    title order, which PostgreSQL reads along the title index and stops at the page's end.
    That is the same order as the queryset's (the rank is 0 without a title match) while at
    most ``TITLE_RANK_LIMIT`` titles name the words; beyond, those are listed newest first.
    The count comes from the caller (``selectors.activity_summary``).
    """

    def __init__(self, matches: QuerySet, text: str, rows: QuerySet, every_key=None):
        words = _word_terms(search_terms(text))
        title_words = Q(search_title_vector=_tsquery(" | ", words))
        keys = matches.prefetch_related(None)
        if every_key is not None:
            # A short list whose keys are known (``selectors.activity_summary``): ranked among
            # them alone, instead of walking the title index past rows that do not match.
            keys = keys.filter(pk__in=every_key)
        title_keys = keys
        if len(words) == 1 and every_key is None:
            # The heading is in the full vector too: a title naming the only word matches it,
            # so the title matches need not also be looked up in the (large) full vector's
            # index, the most of a broad word's cost.
            title_keys = _without_full_text_match(keys)
        self.title_matches = title_keys.filter(title_words)
        self.others = keys.exclude(title_words).order_by("title", "pk")
        self.rows = rows

    def __getitem__(self, page: slice) -> list:
        bottom, top = page.start or 0, page.stop
        # The keys of a page are cached with the registry's version, as the counts are: the
        # title matches are ranked each time they are read.
        try:
            keys = cached_for_version(
                f"page:{bottom}:{top}", self.title_matches, lambda: self._keys(bottom, top)
            )
        except EmptyResultSet:  # a list that cannot match anything
            return []
        position = {key: index for index, key in enumerate(keys)}
        # Read by key, without the full-text condition the keys already satisfied.
        rows = self.rows.order_by().filter(pk__in=keys)
        return sorted(rows, key=lambda row: position[row.pk])

    def _keys(self, bottom: int, top: int) -> list:
        if estimated_rows(self.title_matches) <= TITLE_RANK_LIMIT:
            # How many titles match comes with the page's keys (the ranking reads them all
            # anyway); it takes a query of its own only for a page past the last of them.
            counted = self.title_matches.annotate(title_matches=Window(Count("pk")))
            rows = list(counted.values_list("pk", "title_matches")[bottom:top])
            first = rows[0][1] if rows else self.title_matches.count()
            keys = [key for key, _count in rows]
        else:
            # So many titles name the words that ranking them would read every one: they are
            # listed newest first instead, read along the key's index until the page is full.
            newest = self.title_matches.order_by("-pk").values_list("pk", flat=True)
            keys = list(newest[bottom:top])
            if len(keys) == top - bottom:
                return keys
            first = bottom + len(keys) if keys else self.title_matches.count()
        start = max(bottom - first, 0)
        return keys + _keys(self.others, start, max(top - first - start, 0))


def _without_full_text_match(queryset: QuerySet) -> QuerySet:
    """``queryset`` without its conditions on the full ``search_vector`` (and the same others)."""
    queryset = queryset.all()

    def prune(node):
        kept = []
        for child in node.children:
            if (
                isinstance(child, SearchVectorExact)
                and getattr(getattr(child.lhs, "target", None), "name", "") == "search_vector"
            ):
                continue
            if hasattr(child, "children") and child.connector == "AND" and not child.negated:
                prune(child)
            kept.append(child)
        node.children = kept

    # Only conditions every row must meet are dropped (in AND nodes that are not negated).
    if queryset.query.where.connector == "AND" and not queryset.query.where.negated:
        prune(queryset.query.where)
    return queryset


def _keys(queryset: QuerySet, start: int, count: int) -> list:
    if not count:
        # Not even one key is read to keep the page's queries the same wherever it falls:
        # looking for one past the last match can walk the whole title index.
        return []
    return list(queryset.values_list("pk", flat=True)[start : start + count])


def listed_results(matches: QuerySet, text: str, every_key=None, after: str = ""):
    """``matches`` (an activity list, filtered by ``search_activities`` for ``text``) to be read
    a page at a time, with what a row of a list shows. ``every_key``: the keys of all the
    matches when the caller knows them (a short list); ``after``: a list in title order's
    ``next_page_token`` (the next page read from its first key on)."""
    if uses_postgres_search() and _word_terms(search_terms(text)):
        return RankedResults(matches, text, Activity.objects.for_listing(), every_key)
    return KeysFirstRows(matches.for_listing(), after)


def is_listed_by_title(text: str) -> bool:
    """Whether a list searched for ``text`` is in title order (pages may go on by key)."""
    return not (uses_postgres_search() and _word_terms(search_terms(text)))


def next_page_token(number: int, rows: list) -> str:
    """What the link to page ``number`` + 1 carries after a page of ``rows`` in title order:
    the page it leads to and the key of the row it follows."""
    return f"{number + 1}.{rows[-1].pk}" if rows else ""


class KeysFirstRows:
    """A list in its own order (by title), a page's keys read first: from the title index
    alone however deep the page (``bali_portal.pagination.rows_of_page``).

    Reached through a next-page link (``next_page_token``), a page is read by key: from the
    row the previous page ended with, along the index (keyset pagination), so that paging on
    costs the same on page 3,000 as on page 2. Asked by its number alone, it is skipped to
    along the index."""

    def __init__(self, queryset: QuerySet, after: str = ""):
        self.queryset = queryset
        self.after = after

    def __getitem__(self, page: slice) -> list:
        bottom, top = page.start or 0, page.stop
        following = self._following(bottom, top)
        if following is not None:
            return rows_of_page(following, 0, top - bottom)
        return rows_of_page(self.queryset, bottom, top)

    def _following(self, bottom: int, top: int):
        """The rows after the token's key, if the token leads to this page (else None)."""
        number, _dot, key = self.after.partition(".")
        if not (number.isdigit() and key.isdigit()) or (int(number) - 1) * (top - bottom) != bottom:
            return None
        title = self.queryset.model.objects.filter(pk=int(key)).values_list("title", flat=True)
        title = title.first()
        if title is None:
            return None
        # (title, id) > (title of the key, key), written so that the title index is used.
        return self.queryset.filter(title__gte=title).exclude(title=title, pk__lte=int(key))


def _word_terms(terms: list[str]) -> list[str]:
    return [term for term in terms if not _CJK.search(term)]


def _tsquery(operator: str, terms: list[str]) -> SearchQuery:
    return SearchQuery(
        operator.join(f"{term}:*" for term in terms), search_type="raw", config=SEARCH_CONFIG
    )


def _names(items: Iterable, *attributes: str) -> list[str]:
    return [str(getattr(item, attribute) or "") for item in items for attribute in attributes]


def document_parts(data) -> tuple[str, str]:
    """(heading, body) of an activity, from its ``registry.records.ActivityInput``."""
    fields = data.fields
    heading = [fields.get("identifier"), fields.get("title"), fields.get("title_zh")]
    body = [fields.get(name) for name in LONG_FIELDS]
    body += [
        str(dict(Modality.choices).get(fields.get("modality"), "")),
        str(dict(ActivityStatus.choices).get(fields.get("status"), "")),
    ]
    for name in ("lead_division", "subprogramme"):
        body += _names([fields[name]] if fields.get(name) else [], "code", "name", "name_zh")
    if fields.get("parent"):
        body += _names([fields["parent"]], "title", "title_zh")
    body += _names([country for country, _share in data.countries], "code", "name", "name_zh")
    for name in ("regional_offices", "thematic_areas", "cross_cutting_issues", "meas"):
        body += _names(getattr(data, name), "code", "name", "name_zh")
    body += _names(data.support_types, "name", "name_zh")
    organizations = [organization for organization, _role in data.partners]
    organizations += [line.funder for line in data.funding]
    body += _names(organizations, "name", "acronym", "name_zh")
    body += _names(data.links, "label", "identifier")
    return (
        " ".join(part for part in heading if part),
        " ".join(part for part in body if part),
    )


def store_search_document(activity_id: int, data) -> None:
    """Write the searchable document (and vector, on PostgreSQL) of one activity."""
    heading, body = document_parts(data)
    values = {"search_document": f"{heading} {body}".casefold()}
    if uses_postgres_search():
        values["search_vector"] = SearchVector(
            Value(heading), weight="A", config=SEARCH_CONFIG
        ) + SearchVector(Value(body), weight="B", config=SEARCH_CONFIG)
        values["search_title_vector"] = SearchVector(Value(heading), config=SEARCH_CONFIG)
    Activity.objects.filter(pk=activity_id).update(**values)


def refresh_search_index(activity_ids: Iterable[int]) -> None:
    """Rebuild the stored search document of these activities from what is stored now
    (after a partner, country or code they name has changed)."""
    for activity in Activity.objects.with_everything().filter(pk__in=list(activity_ids)):
        store_search_document(activity.pk, activity_to_input(activity))
