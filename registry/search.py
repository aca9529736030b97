"""Full-text search of the registry.

On PostgreSQL every activity carries a stored ``tsvector`` (title weighted above the rest),
indexed with GIN and searched with prefix matching, ranked. On SQLite — the embedded default —
the same stored document is searched by substring, so the portal works on a bare machine.

Chinese, Japanese and Korean have no spaces between words, so PostgreSQL's parser cannot cut
them into lexemes; a query term in those scripts is matched as a substring of the document on
both databases.

The document is kept up to date by the services: ``save_activity`` stores it with every save,
``save_organization`` refreshes the activities naming an organization, and
``manage.py rebuild_registry_search`` rebuilds all of them (after reference names are edited).
"""

import re
from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, QuerySet, Value

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
    cjk_terms = [term for term in terms if _CJK.search(term)]
    word_terms = [term for term in terms if term not in cjk_terms]
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
    query = SearchQuery(
        " & ".join(f"{term}:*" for term in word_terms), search_type="raw", config=SEARCH_CONFIG
    )
    return (
        queryset.filter(search_vector=query)
        .annotate(search_rank=SearchRank(F("search_vector"), query))
        .order_by("-search_rank", "title", "pk")
    )


def _names(items: Iterable, *attributes: str) -> list[str]:
    return [str(getattr(item, attribute) or "") for item in items for attribute in attributes]


def document_parts(data) -> tuple[str, str]:
    """(heading, body) of an activity, from its ``registry.records.ActivityInput``."""
    from .models import ActivityStatus, Modality

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
    from .models import Activity

    heading, body = document_parts(data)
    values = {"search_document": f"{heading} {body}".casefold()}
    if uses_postgres_search():
        values["search_vector"] = SearchVector(
            Value(heading), weight="A", config=SEARCH_CONFIG
        ) + SearchVector(Value(body), weight="B", config=SEARCH_CONFIG)
    Activity.objects.filter(pk=activity_id).update(**values)


def refresh_search_index(activity_ids: Iterable[int]) -> None:
    """Rebuild the stored search document of these activities from what is stored now
    (after a partner, country or code they name has changed)."""
    from .models import Activity
    from .records import activity_to_input

    for activity in Activity.objects.with_everything().filter(pk__in=list(activity_ids)):
        store_search_document(activity.pk, activity_to_input(activity))
