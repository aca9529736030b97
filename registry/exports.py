"""Exports of a filtered list of activities, in electronic and printed form (plan §31(d)).

Each export takes the queryset of the list as filtered (the same selector and FilterSet as the
page and the API) and writes exactly its rows. CSV, JSON and IATI XML stream, so a large list
never sits in memory; XLSX uses openpyxl's write-only mode; the PDF is rendered by WeasyPrint
from an HTML template, with the system's Noto CJK fonts for Chinese.

The CSV and XLSX rows list the activities in the order of their keys (not the list's title or
rank order): the activities and each related table (countries, partners, funding lines...) are
read once each, in activity order, from their own server-side cursor, and merged here, so no
model instance is made and no activity costs an index lookup per related list. The cells are
written by the same functions as the history's (``registry.records``). Every export reads
inside a transaction: on PostgreSQL Django's server-side cursors are then declared without
``WITH HOLD``, which streams the rows instead of materializing the whole result before the
first one (see bench/README.md, item 6).
"""

import csv
import json
import logging
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, groupby, islice
from operator import itemgetter
from pathlib import Path

from django.contrib.postgres.fields import ArrayField
from django.db import connections, transaction
from django.db.models import BigIntegerField, BooleanField, F, Func, QuerySet, Value
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .iati import iati_document
from .models import Activity, ActivityCountry, ActivityLink, FundingLine, Partnership
from .records import (
    CODE_LISTS,
    COLUMNS,
    COUNT_FIELDS,
    SCALAR_FIELDS,
    codes_cell,
    countries_cell,
    format_decimal,
    funding_cell,
    links_cell,
    partners_cell,
    scalar_cells,
)

CHUNK = 200  # model instances (JSON, IATI, PDF): prefetch queries per chunk
ROW_CHUNK = 2000  # plain rows (CSV, XLSX): rows fetched from the cursor at a time
RELATED_CHUNK = 5000  # related rows (a few columns each): fetched from each cursor at a time
# Above this share of the keys in its first chunk, an export reads each related table whole.
DENSE_SHARE = 0.5
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
    # The id breaks ties between links of one kind, as on the detail page.
    "links": (ActivityLink.objects.all(), ("kind", "url", "identifier", "label", "id")),
}


class _RelatedStream:
    """The rows of one related table, in activity order, handed out one activity at a time.

    The export walks the activities by key, and each related table once, sorted by its
    ``activity_id`` index: a merge, so that no activity costs an index lookup per related list.
    Rows of activities outside the export (another filter, a draft) are skipped on the way.
    """

    def __init__(self, rows: Iterable[tuple], single: bool):
        self._groups = groupby(rows, key=itemgetter(0))
        self._single = single  # a code list: the code alone, not a one-part tuple
        self._key, self._group = next(self._groups, (None, ()))

    def items_of(self, activity_id: int) -> list:
        while self._key is not None and self._key < activity_id:
            self._key, self._group = next(self._groups, (None, ()))
        if self._key != activity_id:
            return []
        items = (
            [row[1] for row in self._group] if self._single else [row[1:] for row in self._group]
        )
        self._key, self._group = next(self._groups, (None, ()))
        return items


def _related_stream(rows: QuerySet, fields: tuple[str, ...]) -> _RelatedStream:
    ordered = rows.order_by("activity_id").values_list("activity_id", *fields)
    return _RelatedStream(ordered.iterator(chunk_size=RELATED_CHUNK), single=len(fields) == 1)


def _narrowed_by_keys(queryset: QuerySet) -> dict[str, tuple]:
    """Each related table narrowed to the activities of ``queryset``.

    On PostgreSQL the keys are read once and passed as one array: the list's own query as a
    subquery would run once per related table, and a search's costs more than the export.
    Other databases take the subquery (they limit the number of parameters).
    """
    if connections[queryset.db].vendor != "postgresql":
        keys = queryset.order_by().values("pk")
        return {
            name: (rows.filter(activity_id__in=keys), fields)
            for name, (rows, fields) in RELATED_LISTS.items()
        }
    keys = list(queryset.order_by().values_list("pk", flat=True))
    return {
        name: (rows.filter(_activity_in(keys)), fields)
        for name, (rows, fields) in RELATED_LISTS.items()
    }


class _AnyOf(Func):
    """``column = ANY(keys)``: one array parameter however many keys (PostgreSQL)."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


def _activity_in(keys: list[int]) -> _AnyOf:
    return _AnyOf(F("activity_id"), Value(keys, output_field=ArrayField(BigIntegerField())))


def _related_sources(queryset: QuerySet, first: list[dict]) -> dict[str, tuple]:
    """The related rows to merge with ``queryset``, judged by its first chunk of activities."""
    if len(first) < ROW_CHUNK:
        # A short list (a filter, a search) reads its related rows by key: reading every related
        # table whole would cost seconds for a handful of rows.
        keys = [values["pk"] for values in first]
    elif len(first) / (first[-1]["pk"] - first[0]["pk"] + 1) < DENSE_SHARE:
        # A long list that leaves most activities out (a status, a theme, a search) narrows
        # each table by its keys: PostgreSQL reads the table and sorts the few rows it keeps.
        return _narrowed_by_keys(queryset)
    else:
        # A list of most activities reads each related table whole, in index order, skipping
        # the rows of those it leaves out: cheaper than a lookup per activity, and than
        # narrowing each table by the list's query, which PostgreSQL answers by scanning and
        # sorting the activities once per table before the first row.
        return RELATED_LISTS
    return {
        name: (rows.filter(activity_id__in=keys), fields)
        for name, (rows, fields) in RELATED_LISTS.items()
    }


def export_rows(queryset: QuerySet, base_url: str = "") -> Iterator[tuple[str, ...]]:
    """Every cell of every activity of ``queryset`` (in ``COLUMNS`` order), in key order.

    The same cells as ``records.activity_row`` of the instance (tests compare them). The
    activities and each related table are each read once, in activity order, from their own
    server-side cursor, and merged here (see ``_RelatedStream``); the caller holds the
    transaction that keeps the cursors open.
    """
    activities = (
        queryset.order_by("pk")
        .values(
            "pk",
            *SCALAR_FIELDS,
            "parent__identifier",
            "lead_division_id",
            "subprogramme_id",
            "updated_at",
        )
        .iterator(chunk_size=ROW_CHUNK)
    )
    # One reverse() for the whole export: the pages' address with the key in it.
    placeholder = 987654321
    url_template = base_url + reverse("registry:activity-detail", args=[placeholder]).replace(
        str(placeholder), "{}"
    )
    first = list(islice(activities, ROW_CHUNK))
    related = {
        name: _related_stream(rows, fields)
        for name, (rows, fields) in _related_sources(queryset, first).items()
    }
    for values in chain(first, activities):
        lists = {name: stream.items_of(values["pk"]) for name, stream in related.items()}
        yield _export_row(values, lists, url_template)


def _export_row(values: dict, lists: dict[str, list], url_template: str) -> tuple[str, ...]:
    row = scalar_cells(values)
    row["parent"] = values["parent__identifier"] or ""
    row["lead_division"] = values["lead_division_id"] or ""
    row["subprogramme"] = values["subprogramme_id"] or ""
    for name in CODE_LISTS:
        row[name] = codes_cell(lists[name])
    row["countries"] = countries_cell(lists["countries"])
    row["partners"] = partners_cell(lists["partners"])
    row["funding"] = funding_cell(lists["funding"])
    links = sorted(lists["links"], key=lambda link: (link[0], link[4]))
    row["links"] = links_cell(link[:4] for link in links)
    known = [line[5] for line in lists["funding"] if line[5] is not None]
    row["total_funding_usd"] = format_decimal(sum(known, Decimal("0")) if known else None)
    row["url"] = url_template.format(values["pk"])
    row["updated_at"] = values["updated_at"].isoformat(timespec="seconds")
    return _in_column_order(row)


_in_column_order = itemgetter(*COLUMNS)


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
    separator, the line is the cells joined. Any other line goes through the writer.
    """
    line = ",".join(cells)
    if (
        line
        and line.count(",") == len(cells) - 1
        and '"' not in line
        and "\n" not in line
        and "\r" not in line
    ):
        return line + writer.dialect.lineterminator
    return writer.writerow(cells)


def json_stream(activities: Iterable, serialize) -> Iterator[str]:
    yield "["
    first = True
    for activity in activities:
        yield ("" if first else ",") + "\n" + json.dumps(serialize(activity), ensure_ascii=False)
        first = False
    yield "\n]\n"


def xlsx_file(rows: Iterable[tuple[str, ...]]):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("activities")
    sheet.append(COLUMNS)
    counts = [position for position, column in enumerate(COLUMNS) if column in COUNT_FIELDS]
    for cells in rows:
        values = list(cells)
        for position in counts:
            values[position] = int(values[position]) if values[position] else ""
        sheet.append(values)
    # Closed by the FileResponse once sent.
    handle = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(handle)
    handle.seek(0)
    return handle


def pdf_bytes(activities: Iterable, *, title: str, filters: str, base_url: str) -> bytes:
    from weasyprint import CSS, HTML

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
