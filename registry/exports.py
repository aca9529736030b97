"""Exports of a filtered list of activities, in electronic and printed form (plan §31(d)).

Each export takes the queryset of the list as filtered (the same selector and FilterSet as the
page and the API) and writes exactly its rows. CSV, JSON and IATI XML stream, so a large list
never sits in memory; XLSX uses openpyxl's write-only mode; the PDF is rendered by WeasyPrint
from an HTML template, with the system's Noto CJK fonts for Chinese.
"""

import csv
import json
import logging
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from .iati import iati_document
from .records import COLUMNS, COUNT_FIELDS, activity_row

CHUNK = 200
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


def _rows(queryset: QuerySet) -> Iterator:
    # Prefetching works per chunk with iterator(): a fixed number of queries per 200 rows.
    return queryset.with_everything().iterator(chunk_size=CHUNK)


class _Echo:
    def write(self, value):
        return value


def csv_stream(activities: Iterable, base_url: str) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # A byte-order mark, so that spreadsheet programs read the Chinese titles as UTF-8.
    yield "\ufeff" + writer.writerow(COLUMNS)
    for activity in activities:
        row = activity_row(activity, base_url)
        yield writer.writerow([row[column] for column in COLUMNS])


def json_stream(activities: Iterable, serialize) -> Iterator[str]:
    yield "["
    first = True
    for activity in activities:
        yield ("" if first else ",") + "\n" + json.dumps(serialize(activity), ensure_ascii=False)
        first = False
    yield "\n]\n"


def xlsx_file(activities: Iterable, base_url: str):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("activities")
    sheet.append(COLUMNS)
    for activity in activities:
        row = activity_row(activity, base_url)
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
    activities = _rows(queryset)
    if export_format == "csv":
        response = StreamingHttpResponse(
            csv_stream(activities, base_url), content_type=spec.content_type
        )
    elif export_format == "json":
        response = StreamingHttpResponse(
            json_stream(activities, serialize), content_type=spec.content_type
        )
    elif export_format == "iati":
        response = StreamingHttpResponse(
            iati_document(activities, base_url), content_type=spec.content_type
        )
    elif export_format == "xlsx":
        return FileResponse(
            xlsx_file(activities, base_url),
            as_attachment=True,
            filename=filename,
            content_type=spec.content_type,
        )
    else:
        # WeasyPrint lays out the whole document at once; a list is read in chunks all the same.
        body = pdf_bytes(list(activities), title=title, filters=filters, base_url=base_url)
        response = HttpResponse(body, content_type=spec.content_type)
    response["Content-Disposition"] = disposition
    return response
