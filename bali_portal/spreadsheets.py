"""Cells of the CSV and XLSX files the portal writes, safe to open in a spreadsheet program.

Excel, LibreOffice and Google Sheets read a cell whose text starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return as a formula: a title such as ``=HYPERLINK(…)`` typed into a
request or an activity would run in the spreadsheet of whoever opens an export. Following
OWASP's guidance on CSV injection, such text is stored as text: in CSV behind an apostrophe,
which spreadsheet programs take as "this is text"; in XLSX as a string cell marked as quoted
(what Excel itself stores when one types a leading apostrophe), never as a formula.
Numbers stored as numbers (a negative amount) are left alone: only text is neutralised.

A text that already starts with apostrophes before such a character gets one more, so that
``text_of_csv_cell`` gives back exactly what was written (an export re-imported is unchanged).
"""

import re

from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The first character of a cell ``csv_text`` changes, and in a CSV line whose commas all
# separate cells, where such a cell begins (one scan for the comma, in C: a tenth of the
# time of a test of each cell, or of one substring search per character).
_CHANGED_STARTS = (*FORMULA_STARTS, "'")
_CHANGED_CELL = re.compile(r",[=+\-@\t\r']")


def starts_formula(text: str) -> bool:
    """Whether a spreadsheet program would read ``text`` (or, once an apostrophe is taken
    off, what the export wrote) as a formula: the one rule of every writer."""
    return text.lstrip("'").startswith(FORMULA_STARTS)


def csv_text(text: str) -> str:
    """The text of a CSV cell, behind an apostrophe if it would start a formula."""
    return "'" + text if starts_formula(text) else text


def text_of_csv_cell(text: str) -> str:
    """The text ``csv_text`` wrote this cell for (the import reads exports back)."""
    return text[1:] if text.startswith("'") and starts_formula(text[1:]) else text


def csv_line_has_formula(line: str) -> bool:
    """Whether a CSV line, whose every comma separates two cells, has a cell ``csv_text``
    would change."""
    return line.startswith(_CHANGED_STARTS) or _CHANGED_CELL.search(line) is not None


def xlsx_cell(sheet, value) -> WriteOnlyCell:
    """A cell of an openpyxl write-only sheet: text that would start a formula is a quoted
    string (openpyxl alone makes any text starting with ``=`` a formula)."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and starts_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def xlsx_value(sheet, value):
    """``value`` for a row of plain values: as it is, or as ``xlsx_cell`` if it is text that
    would start a formula (a cell object costs more than a value; few need one)."""
    if isinstance(value, str) and starts_formula(value):
        return xlsx_cell(sheet, value)
    return value
