"""The XLSX annex: a sheet of headline figures, a sheet per section with its tables, and the
records behind the results (completed requests and activities), streamed row by row.

openpyxl's write-only mode writes each row to disk as it comes, so the annex of a large year
takes no more memory than a small one's.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from bali_portal import spreadsheets
from registry.models import Division, Modality, RegionalOffice
from registry.reference import active_items

from ..document import (
    DAYS,
    DIVISION,
    INT,
    MODALITY,
    OFFICE,
    PCT,
    RATING,
    USD,
    Column,
    Document,
    cell_value,
)

FORMATS = {INT: "#,##0", USD: "#,##0.00", PCT: "0.0%", DAYS: "0.0", RATING: "0.00"}
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass
class Annex:
    """Records listed in full: a sheet of rows read lazily from the database."""

    title: str
    columns: list[Column]
    rows: Iterable[tuple]


def _namers() -> dict[str, Callable[[str], str]]:
    """For each kind of code an annex holds, what names it in the active language."""

    def of_list(model):
        items = active_items(model)
        return lambda code: item.localized_name if (item := items.find(code)) else code

    modalities = {value: str(label) for value, label in Modality.choices}
    return {
        OFFICE: of_list(RegionalOffice),
        DIVISION: of_list(Division),
        MODALITY: lambda code: modalities.get(code, code),
    }


def _annex_header(columns: list[Column]) -> list[str]:
    header = []
    for column in columns:
        header.append(column.label)
        if column.kind in (OFFICE, DIVISION, MODALITY):
            header.append(_("%(column)s (names)") % {"column": column.label})
    return header


def _annex_cells(row: tuple, columns: list[Column], namers: dict) -> list:
    """The row's values (codes kept), with the names beside each code."""
    cells = []
    for value, column in zip(row, columns, strict=True):
        cells.append((cell_value(value, column.kind), column.kind))
        if column.kind in namers:
            cells.append((namers[column.kind](value) if value else None, None))
    return cells


def sheet_title(text: str, used: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ and unique in the workbook.
    title = re.sub(r"[\[\]:*?/\\]", " ", text).strip()[:31]
    candidate, number = title, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate, number = title[: 31 - len(suffix)] + suffix, number + 1
    used.add(candidate.lower())
    return candidate


def _cell(sheet, value, kind=None, font=None):
    cell = spreadsheets.xlsx_cell(sheet, value)
    if kind in FORMATS and value is not None:
        cell.number_format = FORMATS[kind]
    if font:
        cell.font = font
    return cell


def _write_table(sheet, title, columns, rows, total=None, note=""):
    sheet.append([_cell(sheet, title, font=BOLD)])
    sheet.append([_cell(sheet, column.label, font=BOLD) for column in columns])
    for row in rows:
        sheet.append(
            [
                _cell(sheet, cell_value(value, column.kind), column.kind)
                for value, column in zip(row, columns, strict=True)
            ]
        )
    if total is not None:
        sheet.append(
            [
                _cell(
                    sheet,
                    cell_value(value, column.kind) if value != "" else None,
                    column.kind,
                    BOLD,
                )
                for value, column in zip(total, columns, strict=True)
            ]
        )
    if note:
        sheet.append([_cell(sheet, note)])
    sheet.append([])


def render_xlsx(document: Document, target: Path, annexes: Iterable[Annex] = ()) -> None:
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    with translation.override(document.language):
        workbook.properties.title = document.title
        workbook.properties.creator = _("Bali portal")
        workbook.properties.language = document.language

        summary = workbook.create_sheet(sheet_title(_("Headline figures"), used))
        summary.column_dimensions["B"].width = 60
        summary.append([_cell(summary, document.title, font=TITLE)])
        summary.append([_cell(summary, document.as_of)])
        summary.append([])
        columns = [
            Column(_("Indicator")),
            Column(_("Figure")),
            Column(document.period_label or str(document.year)),
            Column(document.previous_label or str(document.year - 1)),
        ]
        summary.append([_cell(summary, column.label, font=BOLD) for column in columns])
        for item in document.headlines:
            summary.append(
                [
                    _cell(summary, item.key),
                    _cell(summary, item.label),
                    _cell(summary, cell_value(item.value, item.kind), item.kind),
                    _cell(summary, cell_value(item.previous, item.kind), item.kind),
                ]
            )

        for section in document.sections:
            sheet = workbook.create_sheet(sheet_title(section.heading, used))
            sheet.column_dimensions["B"].width = 48
            sheet.append([_cell(sheet, section.heading, font=TITLE)])
            for paragraph in section.paragraphs:
                sheet.append([_cell(sheet, paragraph)])
            sheet.append([])
            for table in section.tables:
                _write_table(
                    sheet, table.heading, table.columns, table.rows, table.total, table.note
                )
            for heading, items in section.lists:
                sheet.append([_cell(sheet, heading, font=BOLD)])
                for item in items:
                    sheet.append([_cell(sheet, item)])
                sheet.append([])
            if section.quotes:
                sheet.append([_cell(sheet, _("What the countries said"), font=BOLD)])
                for quote in section.quotes:
                    sheet.append([_cell(sheet, quote.text), _cell(sheet, quote.source)])

        for annex in annexes:
            sheet = workbook.create_sheet(sheet_title(annex.title, used))
            sheet.append([_cell(sheet, annex.title, font=TITLE)])
            sheet.append([_cell(sheet, label, font=BOLD) for label in _annex_header(annex.columns)])
            namers = _namers()
            for row in annex.rows:
                sheet.append(
                    [
                        spreadsheets.xlsx_value(sheet, value)
                        for value, _kind in _annex_cells(row, annex.columns, namers)
                    ]
                )
    workbook.save(target)
