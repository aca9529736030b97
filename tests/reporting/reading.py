"""Reading the report's files back as a reader would: the PDF's text (poppler's ``pdftotext``),
the XLSX annex (openpyxl) and the CSV."""

import csv
import re
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from openpyxl import load_workbook

CAPTION = re.compile(r"^\s*(Table|表)\s*\d+\.\d+[.\s]")


def pdf_text(path: Path, layout: bool = True) -> str:
    command = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(command, check=True, capture_output=True).stdout.decode("utf-8")


def pdf_table(text: str, number: str) -> list[str]:
    """The lines of table ``number`` (e.g. "1.3"): from its caption to the next caption."""
    lines = text.splitlines()
    start = next(
        (
            i
            for i, line in enumerate(lines)
            if re.match(rf"^\s*(Table|表)\s*{re.escape(number)}[.\s]", line)
        ),
        None,
    )
    assert start is not None, f"table {number} is not in the PDF"
    end = next((i for i in range(start + 1, len(lines)) if CAPTION.match(lines[i])), len(lines))
    return lines[start:end]


def cells(line: str) -> list[str]:
    return re.split(r"\s{2,}", line.strip())


def pdf_row(block: list[str], key: str) -> list[str]:
    """The cells of the row that starts with ``key`` (a code or a label)."""
    for line in block:
        stripped = line.strip()
        if stripped == key or stripped.startswith(key + " "):
            return cells(stripped)
    raise AssertionError(f"no row {key!r} in:\n" + "\n".join(block))


def pdf_numbers(block: list[str], key: str, count: int) -> list[str]:
    """The last ``count`` figures of a row (a figure never contains a space)."""
    return " ".join(pdf_row(block, key)).split()[-count:]


def xlsx_tables(path: Path) -> dict[str, tuple[list, list[list]]]:
    """Every table of the annex by its number ("1.3"): (header, rows)."""
    workbook = load_workbook(path, read_only=True)
    tables = {}
    for sheet in workbook.worksheets:
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        for index, row in enumerate(rows):
            first = row[0] if row else None
            match = re.match(r"^(Table|表)\s*(\d+\.\d+)[.\s]", str(first or ""))
            if not match:
                continue
            header = rows[index + 1]
            body = []
            for data in rows[index + 2 :]:
                if not data or all(value is None for value in data):
                    break
                body.append(data)
            tables[match.group(2)] = (header, body)
    workbook.close()
    return tables


def xlsx_sheet_titles(path: Path) -> list[str]:
    workbook = load_workbook(path, read_only=True)
    titles = workbook.sheetnames
    workbook.close()
    return titles


def xlsx_sheet_rows(path: Path, title: str) -> list[list]:
    workbook = load_workbook(path, read_only=True)
    rows = [list(row) for row in workbook[title].iter_rows(values_only=True)]
    workbook.close()
    return rows


def xlsx_row(table: tuple[list, list[list]], key) -> list:
    _header, rows = table
    for row in rows:
        if row[0] == key:
            return row
    raise AssertionError(f"no row {key!r} in the annex table")


def csv_figures(path: Path) -> dict[str, dict]:
    """The figures' file by indicator; its headings are in the report's language, so the
    machine columns (the key, the section, the unit) are named here by their place."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = csv.reader(handle)
        header = next(rows)
        header[0], header[1], header[-1] = "indicator", "section", "unit"
        return {row[0]: dict(zip(header, row, strict=True)) for row in rows}


# How the report prints each kind of figure (the tests format their own expectations so).


def integer(value) -> str:
    return f"{int(value):,}"


def dollars(value) -> str:
    return f"{Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"


def percent(part, whole) -> str:
    return "—" if not whole else f"{part / whole * 100:.1f}%"


def one_decimal(value) -> str:
    return "—" if value is None else f"{value:.1f}"
