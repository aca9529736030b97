"""Exports of a filtered list of activities, in electronic and printed form (plan §31(d)).

Each export takes the queryset of the list as filtered (the same selector and FilterSet as the
page and the API) and writes exactly its rows. CSV, JSON and IATI XML stream, so a large list
never sits in memory; XLSX uses openpyxl's write-only mode; the PDF is rendered by WeasyPrint
from an HTML template, with the system's Noto CJK fonts for Chinese.

The CSV and XLSX rows list the activities in the order of their keys (not the list's title or
rank order). On PostgreSQL they come from one statement: each related table (countries,
partners, funding lines...) aggregated per activity along its ``activity_id`` index and merged
with the activities by PostgreSQL, streamed to Python while it runs, so no model instance is
made and no activity costs an index lookup per related list; other databases (development,
tests) load the records. The cells are written by the same functions as the history's
(``registry.records``). Every export reads inside a transaction: on
PostgreSQL Django's server-side cursors (JSON, IATI, PDF) are then declared without
``WITH HOLD``, which streams the rows instead of materializing the whole result before the
first one (see bench/README.md, item 6).
"""

import csv
import json
import logging
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

import psycopg
from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import (
    BigIntegerField,
    BooleanField,
    F,
    Func,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from bali_portal import spreadsheets
from bali_portal.internals import sql_with_params

from . import export_labels
from .iati import iati_document
from .models import Activity, ActivityCountry, ActivityLink, FundingLine, Partnership
from .records import (
    CODE_LISTS,
    COLUMNS,
    COUNT_FIELDS,
    SCALAR_CELLS,
    SCALAR_FIELDS,
    activity_row,
    codes_cell,
    countries_cell,
    format_decimal,
    funding_cell,
    links_cell,
    partners_cell,
    timestamp_cell,
    total_usd,
)

CHUNK = 200  # model instances (JSON, IATI, PDF): prefetch queries per chunk
# CSV, XLSX: a list of at most this many activities is read by its keys; a longer one merges
# each related table whole (``_keys_to_narrow_by``).
NARROW_KEYS = 20_000
STREAM_CHUNK = 500  # rows received from PostgreSQL at a time
SEARCH_FIELDS = ("search_document", "search_vector")
# WeasyPrint reports every layout step at INFO; the portal's logs need only its warnings.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
PDF_STYLESHEET = Path(__file__).resolve().parent / "static" / "registry" / "print.css"


@dataclass(frozen=True)
class ExportFormat:
    name: str
    content_type: str
    extension: str


FORMATS = {
    "csv": ExportFormat("csv", "text/csv; charset=utf-8", "csv"),
    "json": ExportFormat("json", "application/json", "json"),
    "xlsx": ExportFormat(
        "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    ),
    "iati": ExportFormat("iati", "application/xml; charset=utf-8", "xml"),
    "pdf": ExportFormat("pdf", "application/pdf", "pdf"),
}


def _instances(queryset: QuerySet) -> Iterator[Activity]:
    # Prefetching works per chunk with iterator(): a fixed number of queries per 200 rows. The
    # search document and vector are the widest columns and no export shows them.
    return queryset.with_everything().defer(*SEARCH_FIELDS).iterator(chunk_size=CHUNK)


def _in_transaction(stream: Iterator) -> Iterator:
    """``stream`` read inside a transaction, for a streaming response.

    The response is iterated after the view has returned, outside any transaction; without one,
    PostgreSQL would materialize the whole result before the first row (a ``WITH HOLD`` cursor).
    """
    with transaction.atomic():
        yield from stream


def _code_list(name: str) -> tuple:
    through = getattr(Activity, name).through
    column = next(
        field.column for field in through._meta.fields if field.name not in ("id", "activity")
    )
    return through.objects.all(), (column,)


# Each related list: its rows and the fields a cell needs, in the order its formatter takes them.
RELATED_LISTS = {
    **{name: _code_list(name) for name in CODE_LISTS},
    "countries": (ActivityCountry.objects.all(), ("country_id", "share_percent")),
    "partners": (Partnership.objects.all(), ("role", "organization__name")),
    "funding": (
        FundingLine.objects.all(),
        ("funder__name", "source_kind_id", "amount", "currency", "year", "amount_usd"),
    ),
    "links": (ActivityLink.objects.all(), ("kind", "url", "identifier", "label", "id")),
}


def _key_in(column: str, keys: list[int]) -> "_AnyOf":
    return _AnyOf(F(column), Value(keys, output_field=ArrayField(BigIntegerField())))


class _AnyOf(Func):
    """``column = ANY(keys)``: one array parameter however many keys (PostgreSQL)."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


def export_rows(queryset: QuerySet, base_url: str = "") -> Iterator[tuple[str, ...]]:
    """Every cell of every activity of ``queryset`` (in ``COLUMNS`` order), in key order.

    The same cells as ``records.activity_row`` of the instance (tests compare them). On
    PostgreSQL they come from one statement streamed while it runs (``_export_statement``); the
    caller holds the transaction. Other databases (development, tests) write the records' own
    rows from instances read a chunk at a time.
    """
    if connections[queryset.db].vendor != "postgresql":
        in_column_order = itemgetter(*COLUMNS)
        for activity in _instances(queryset.order_by("pk")):
            yield in_column_order(activity_row(activity, base_url))
        return
    # One reverse() for the whole export: the pages' address with the key in it.
    placeholder = 987654321
    url_template = base_url + reverse("registry:activity-detail", args=[placeholder]).replace(
        str(placeholder), "{}"
    )
    try:
        sql, params = _export_statement(queryset)
    except EmptyResultSet:  # a queryset.none(): nothing to export
        return
    for record in _streamed(queryset.db, sql, params):
        yield _export_row(record, url_template)


def _export_statement(queryset: QuerySet) -> tuple[str, list]:
    """One statement: the activities of ``queryset`` in key order, each with its related lists
    as arrays (one per field, ``_related_lists``).

    Each related table is aggregated per activity along its ``activity_id`` index and merged
    with the activities by PostgreSQL, so that Python gets one row per activity: merging ten
    cursors here cost ~20 µs per row at scale ``large``. A short list (a filter, a search)
    narrows the activities and each table by its keys, read once: reading every related table
    whole would cost seconds for a handful of rows, and the list's own query as a subquery
    would run once per table.
    """
    keys = _keys_to_narrow_by(queryset)
    if keys is None:
        activities, related = queryset, RELATED_LISTS
    else:
        activities = Activity.objects.filter(_key_in("pk", keys))
        related = {
            name: (rows.filter(_key_in("activity_id", keys)), fields)
            for name, (rows, fields) in RELATED_LISTS.items()
        }
    sql, params = sql_with_params(_activity_values(activities))
    columns = ", ".join(
        ["pk", *SCALAR_FIELDS, "lead_division", "subprogramme", "updated", "parent"]
    )
    arrays, joins, params = [], [], list(params)
    for position, (rows, fields) in enumerate(related.values()):
        alias = f"list{position}"
        names = [f"{alias}_{part}" for part in range(len(fields))]
        list_sql, list_params = _arrays(rows, dict(zip(names, fields, strict=True)))
        arrays += [f"{alias}.{name}" for name in names]
        joins.append(
            f"LEFT JOIN ({list_sql}) AS {alias} (activity_id, {', '.join(names)}) "
            f"ON {alias}.activity_id = activity.pk"
        )
        params += list_params
    statement = (
        f"SELECT activity.*, {', '.join(arrays)} "  # noqa: S608 (only names from the models)
        f"FROM ({sql}) AS activity ({columns}) {' '.join(joins)} ORDER BY activity.pk"
    )
    return statement, params


def _arrays(rows: QuerySet, fields: dict[str, str]) -> tuple[str, tuple]:
    """One row per activity: its ``activity_id``, then the values of each field as an array.

    The arrays of a row are in one order (an aggregate takes the rows of its group one at a
    time, each to every array), so that their n-th items are the fields of one related row.
    """
    arrays = {name: ArrayAgg(field) for name, field in fields.items()}
    return sql_with_params(rows.order_by().values("activity_id").annotate(**arrays))


def _keys_to_narrow_by(queryset: QuerySet) -> list[int] | None:
    """The keys of ``queryset`` if it has at most ``NARROW_KEYS`` activities, else None.

    Measured at scale ``large`` (200,000 activities; filters and searches of 9,000 to 80,000):
    PostgreSQL merges every related table whole in ~1.8 s, and narrows them by keys in ~60 µs
    per key, even at ~30,000. The whole tables also give the first row sooner (0.2-0.9 s; a
    narrowed table is sorted before its first row, up to 3 s).
    """
    keys = list(queryset.order_by().values_list("pk", flat=True)[: NARROW_KEYS + 1])
    return keys if len(keys) <= NARROW_KEYS else None


def _activity_values(activities: QuerySet) -> QuerySet:
    # The parent by a subquery, not a join: PostgreSQL would hash the join and sort the whole
    # result before the first row, where the key index gives the order as it reads. Django
    # writes annotations after the fields, so it is last here too.
    parent = Activity.objects.filter(pk=OuterRef("parent_id")).order_by().values("identifier")
    return (
        activities.order_by()
        .annotate(parent_identifier=Subquery(parent))
        .values_list(
            "pk", *SCALAR_FIELDS, "lead_division_id", "subprogramme_id", "updated_at",
            "parent_identifier",
        )
    )  # fmt: skip


def _streamed(using: str, sql: str, params: list) -> Iterator[tuple]:
    """The rows of ``sql``, received a few hundred at a time while PostgreSQL computes the next.

    Not a server-side cursor: each ``FETCH`` would leave PostgreSQL idle while Python formats
    the rows, and Python idle while PostgreSQL computes the next ones; streamed, both run at
    once, on two cores. Binary results (psycopg's own loaders, not Django's text timestamp
    loader) cost ~6 µs less per row. Until the stream ends or is closed, nothing else may use
    the connection; closing it early cancels the statement.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        # A merge along the key indexes streams from the first row; a parallel plan would have
        # each worker read every related table, and compiling (JIT) costs more than it saves.
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute("SET LOCAL jit = off")
        with (
            _logged(cursor, sql, params),
            psycopg.Cursor(connection.connection) as stream,
        ):
            # Chunks of rows need libpq 17; older ones send a row at a time (~2 µs more each).
            size = STREAM_CHUNK if psycopg.pq.version() >= 170000 else 1
            yield from stream.stream(sql, params, binary=True, size=size)


def _logged(cursor, sql: str, params: list):
    """Django's query log (DEBUG, the tests' query counts) records the streamed statement too."""
    if isinstance(cursor, CursorDebugWrapper):
        return cursor.debug_sql(sql, params)
    return nullcontext()


# A row of ``_export_statement``: the key, the plain fields, four more (lead division,
# subprogramme, time of the last change, parent), then the arrays of each related list.
_SCALARS = slice(1, 1 + len(SCALAR_FIELDS))
_OTHERS = slice(_SCALARS.stop, _SCALARS.stop + 4)
_SCALAR_CELLS = list(SCALAR_CELLS.values())


def _list_arrays() -> list[tuple[int, int]]:
    """Where each related list's arrays start and end in a row."""
    start, positions = _OTHERS.stop, []
    for _rows, fields in RELATED_LISTS.values():
        positions.append((start, start + len(fields)))
        start += len(fields)
    return positions


_LIST_ARRAYS = _list_arrays()


def _related_lists(record: tuple) -> list:
    """Each related list as its formatter takes it (the codes, or tuples of the fields), in
    ``RELATED_LISTS`` order."""
    lists = []
    for start, stop in _LIST_ARRAYS:
        first = record[start]
        if first is None:  # no related row
            lists.append(())
        elif stop == start + 1:
            lists.append(first)
        else:
            lists.append(list(zip(*record[start:stop], strict=True)))
    return lists


def _export_row(record: tuple, url_template: str) -> tuple[str, ...]:
    """The cells of a row of ``_export_statement``, in ``COLUMNS`` order.

    Positional, not a dictionary per row and a pick of its columns: ~4 µs less per row.
    """
    scalars = [cell(value) for cell, value in zip(_SCALAR_CELLS, record[_SCALARS], strict=True)]
    (
        identifier, title, title_zh, status, modality, scope, phase,
        planned_start, planned_end, actual_start, actual_end,
        objectives, description, outputs, results_narrative,
        female, male, other, institutions, is_published,
    ) = scalars  # fmt: skip
    lead_division, subprogramme, updated_at, parent = record[_OTHERS]
    (
        regional_offices, thematic_areas, cross_cutting_issues, meas, support_types,
        countries, partners, funding, links,
    ) = _related_lists(record)  # fmt: skip
    # The id breaks ties between links of one kind, as on the detail page.
    links = [link[:4] for link in sorted(links, key=lambda link: (link[0], link[4]))]
    return (
        identifier, title, title_zh, status, modality, scope, parent or "", phase,
        planned_start, planned_end, actual_start, actual_end,
        lead_division or "", subprogramme or "",
        codes_cell(regional_offices), countries_cell(countries), codes_cell(thematic_areas),
        codes_cell(cross_cutting_issues), codes_cell(meas), codes_cell(support_types),
        objectives, description, partners_cell(partners), funding_cell(funding),
        female, male, other, institutions, outputs, results_narrative,
        links_cell(links), is_published,
        format_decimal(total_usd(line[5] for line in funding)),
        url_template.format(record[0]),
        timestamp_cell(updated_at),
    )  # fmt: skip


class _Echo:
    def write(self, value):
        return value


def csv_stream(rows: Iterable[tuple[str, ...]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # A byte-order mark, so that spreadsheet programs read the Chinese titles as UTF-8.
    yield "\ufeff" + writer.writerow(COLUMNS)
    batch = []
    for cells in rows:
        batch.append(_csv_line(cells, writer))
        # Tens of rows per chunk: one write to the socket per row would cost more than the row.
        if len(batch) == 50:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def _csv_line(cells: tuple[str, ...], writer) -> str:
    """The line ``writer`` writes for ``cells``, without its loop over every character when no
    cell needs quoting: that loop cost more than anything else in the export (~25 µs of ~80 per
    row at scale ``large``; joining is ~4 µs).

    The csv module's default (``QUOTE_MINIMAL``) quotes a cell only if it holds the delimiter,
    the quote character or a line break; with none of them in the line and one delimiter per
    separator, the line is the cells joined. Any other line goes through the writer, and so
    does a line with a cell a spreadsheet would read as a formula, written as text
    (``bali_portal.spreadsheets``).
    """
    line = ",".join(cells)
    # Never wrong by omission; a comma inside a cell may make it see one where none is.
    formula = spreadsheets.csv_line_has_formula(line)
    if (
        line
        and not formula
        and line.count(",") == len(cells) - 1
        and '"' not in line
        and "\n" not in line
        and "\r" not in line
    ):
        return line + writer.dialect.lineterminator
    return writer.writerow([spreadsheets.csv_text(cell) for cell in cells] if formula else cells)


def json_stream(activities: Iterable, serialize) -> Iterator[str]:
    yield "["
    first = True
    for activity in activities:
        yield ("" if first else ",") + "\n" + json.dumps(serialize(activity), ensure_ascii=False)
        first = False
    yield "\n]\n"


def xlsx_file(rows: Iterable[tuple[str, ...]]):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("activities")
    # Read by people: headings in their language, names beside the codes (export_labels).
    sheet.append(export_labels.xlsx_header())
    named = export_labels.namers()
    counts = [position for position, column in enumerate(COLUMNS) if column in COUNT_FIELDS]
    for cells in rows:
        values = list(cells)
        for position in counts:
            values[position] = int(values[position]) if values[position] else ""
        values = export_labels.with_names(values, named)
        sheet.append([spreadsheets.xlsx_value(sheet, value) for value in values])
    # Closed by the FileResponse once sent.
    handle = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(handle)
    handle.seek(0)
    return handle


def pdf_bytes(activities: Iterable, *, title: str, filters: str, base_url: str) -> bytes:
    from weasyprint import CSS, HTML  # heavy (Pango, fonts): only the processes that render

    html = render_to_string(
        "registry/export_pdf.html",
        {
            "activities": activities,
            "title": title,
            "filters": filters,
            "generated": timezone.now(),
            "base_url": base_url,
        },
    )
    return HTML(string=html, base_url=base_url or None).write_pdf(
        stylesheets=[CSS(filename=str(PDF_STYLESHEET))]
    )


def export_response(
    queryset: QuerySet,
    export_format: str,
    *,
    base_url: str,
    serialize=None,
    title: str = "",
    filters: str = "",
):
    """The HTTP response with the export of ``queryset`` (already scoped and filtered)."""
    spec = FORMATS[export_format]
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    filename = f"bali-registry-{stamp}.{spec.extension}"
    disposition = f'attachment; filename="{filename}"'
    if export_format == "csv":
        response = StreamingHttpResponse(
            _in_transaction(csv_stream(export_rows(queryset, base_url))),
            content_type=spec.content_type,
        )
    elif export_format == "json":
        response = StreamingHttpResponse(
            _in_transaction(json_stream(_instances(queryset), serialize)),
            content_type=spec.content_type,
        )
    elif export_format == "iati":
        response = StreamingHttpResponse(
            _in_transaction(iati_document(_instances(queryset), base_url)),
            content_type=spec.content_type,
        )
    elif export_format == "xlsx":
        with transaction.atomic():
            handle = xlsx_file(export_rows(queryset, base_url))
        return FileResponse(
            handle,
            as_attachment=True,
            filename=filename,
            content_type=spec.content_type,
        )
    else:
        # WeasyPrint lays out the whole document at once; a list is read in chunks all the same.
        body = pdf_bytes(
            list(_instances(queryset)), title=title, filters=filters, base_url=base_url
        )
        response = HttpResponse(body, content_type=spec.content_type)
    response["Content-Disposition"] = disposition
    return response
