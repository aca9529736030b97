"""Exports of a filtered list of activities, in electronic and printed form (plan §31(d)).

Each export takes the queryset of the list as filtered (the same selector and FilterSet as the
page and the API) and writes exactly its rows. CSV, JSON and IATI XML stream, so a large list
never sits in memory; XLSX uses openpyxl's write-only mode; the PDF is rendered by WeasyPrint
from an HTML template, with the system's Noto CJK fonts for Chinese.

The CSV and XLSX rows come from one query: each related list (countries, partners, funding
lines...) is aggregated into a JSON array by a subquery, so no model instance and no prefetch
query is made per chunk, and the cells are written by the same functions as the history's
(``registry.records``). Every export reads inside a transaction: on PostgreSQL Django's
server-side cursor is then declared without ``WITH HOLD``, which streams the rows instead of
materializing the whole result before the first one (see bench/README.md, item 6).
"""

import csv
import json
import logging
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, transaction
from django.db.models import Aggregate, Func, OuterRef, QuerySet, Subquery, TextField
from django.db.models.functions import Cast
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


class TextTuple(Func):
    """Some fields of a row as one array of text: ``ARRAY[...]`` on PostgreSQL, which the
    driver decodes natively, and a JSON array on SQLite."""

    function = "JSON_ARRAY"
    output_field = TextField()

    def __init__(self, *fields: str):
        super().__init__(*(Cast(name, TextField()) for name in fields))

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="ARRAY[%(expressions)s]", **extra_context)


class JSONList(Aggregate):
    """The values of a group as the text of one JSON array (SQLite)."""

    function = "JSON_GROUP_ARRAY"
    output_field = TextField()


def _related(queryset: QuerySet, fields: tuple[str, ...]):
    """The related rows of the outer activity, each as a list of text (or the text itself for
    one field): a PostgreSQL array, or the JSON of one on other databases."""
    item = TextTuple(*fields) if len(fields) > 1 else Cast(fields[0], TextField())
    rows = queryset.filter(activity_id=OuterRef("pk")).order_by()
    if connection.vendor == "postgresql":
        return ArraySubquery(rows.values(item=item))
    return Subquery(rows.values("activity_id").annotate(items=JSONList(item)).values("items"))


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _code_list(name: str) -> tuple:
    through = getattr(Activity, name).through
    column = next(
        field.column for field in through._meta.fields if field.name not in ("id", "activity")
    )
    return through.objects.all(), (column,), None


# Each related list: the rows, their fields, and how to read a row back from its text.
# Annotation names must not clash with the model's own fields (``countries``...).
RELATED_LISTS = {
    **{f"list_{name}": _code_list(name) for name in CODE_LISTS},
    "list_countries": (
        ActivityCountry.objects.all(),
        ("country_id", "share_percent"),
        lambda code, share: (code, _decimal(share)),
    ),
    "list_partners": (Partnership.objects.all(), ("role", "organization__name"), None),
    "list_funding": (
        FundingLine.objects.all(),
        ("funder__name", "source_kind_id", "amount", "currency", "year", "amount_usd"),
        lambda name, kind, amount, currency, year, amount_usd: (
            name,
            kind,
            Decimal(amount),
            currency,
            None if year is None else int(year),
            _decimal(amount_usd),
        ),
    ),
    "list_links": (
        ActivityLink.objects.all(),
        ("kind", "url", "identifier", "label", "id"),
        lambda kind, url, identifier, label, pk: (kind, url, identifier, label, int(pk)),
    ),
}


def _items(value, convert) -> list:
    if value is None:
        return []
    if isinstance(value, str):  # JSON text (SQLite)
        value = json.loads(value)
    return [convert(*item) for item in value] if convert else value


def export_rows(queryset: QuerySet, base_url: str = "") -> Iterator[dict[str, str]]:
    """Every column of every activity of ``queryset``, in its order, from one query.

    The same cells as ``records.activity_row`` of the instance (tests compare them).
    """
    rows = queryset.values(
        "pk",
        *SCALAR_FIELDS,
        "parent__identifier",
        "lead_division_id",
        "subprogramme_id",
        "updated_at",
        **{name: _related(rows, fields) for name, (rows, fields, _) in RELATED_LISTS.items()},
    )
    # One reverse() for the whole export: the pages' address with the key in it.
    placeholder = 987654321
    url_template = base_url + reverse("registry:activity-detail", args=[placeholder]).replace(
        str(placeholder), "{}"
    )
    for values in rows.iterator(chunk_size=ROW_CHUNK):
        yield _export_row(values, url_template)


def _export_row(values: dict, url_template: str) -> dict[str, str]:
    lists = {name: _items(values[name], convert) for name, (_, _, convert) in RELATED_LISTS.items()}
    row = scalar_cells(values)
    row["parent"] = values["parent__identifier"] or ""
    row["lead_division"] = values["lead_division_id"] or ""
    row["subprogramme"] = values["subprogramme_id"] or ""
    for name in CODE_LISTS:
        row[name] = codes_cell(lists[f"list_{name}"])
    row["countries"] = countries_cell(lists["list_countries"])
    row["partners"] = partners_cell(lists["list_partners"])
    row["funding"] = funding_cell(lists["list_funding"])
    links = sorted(lists["list_links"], key=lambda link: (link[0], link[4]))
    row["links"] = links_cell(link[:4] for link in links)
    known = [line[5] for line in lists["list_funding"] if line[5] is not None]
    row["total_funding_usd"] = format_decimal(sum(known, Decimal("0")) if known else None)
    row["url"] = url_template.format(values["pk"])
    row["updated_at"] = values["updated_at"].isoformat(timespec="seconds")
    return row


class _Echo:
    def write(self, value):
        return value


def csv_stream(rows: Iterable[dict[str, str]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # A byte-order mark, so that spreadsheet programs read the Chinese titles as UTF-8.
    yield "\ufeff" + writer.writerow(COLUMNS)
    batch = []
    for row in rows:
        batch.append(writer.writerow([row[column] for column in COLUMNS]))
        # Tens of rows per chunk: one write to the socket per row would cost more than the row.
        if len(batch) == 50:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def json_stream(activities: Iterable, serialize) -> Iterator[str]:
    yield "["
    first = True
    for activity in activities:
        yield ("" if first else ",") + "\n" + json.dumps(serialize(activity), ensure_ascii=False)
        first = False
    yield "\n]\n"


def xlsx_file(rows: Iterable[dict[str, str]]):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("activities")
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(
            [
                int(row[column]) if column in COUNT_FIELDS and row[column] else row[column]
                for column in COLUMNS
            ]
        )
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
