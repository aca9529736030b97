"""Section 9 of the annual report, who asked (issue 16): requests by requester, forums' requests
by regional office and by forum, and the priorities forums state. Checked figure by figure in
the PDF, the XLSX annex and the CSV against counts worked out here from the records.

A year of its own (the other sections' year has no forum), recorded through the services and
reported once for the module.
"""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.test.utils import override_settings

from registry.models import Country, Forum, ThematicArea
from registry.reference_data import load_reference_data
from registry.services import record_forum_priorities
from reporting import services
from reporting.models import ReportRun
from requests_app import services as requests
from requests_app.models import Request
from tests import factories
from tests.reporting.reading import (
    csv_figures,
    integer,
    pdf_numbers,
    pdf_table,
    pdf_text,
    xlsx_row,
    xlsx_tables,
)

pytestmark = pytest.mark.django_db

YEAR, PREVIOUS = 2025, 2024

# (who asks, theme codes, when it was submitted, covered countries)
FILINGS = [
    ("KEN", "T02 T03", "2025-02-03", ""),
    ("KEN", "T09", "2025-06-10", ""),
    ("KEN", "T04", "2024-11-20", ""),
    ("BRA", "T01 T02", "2025-03-15", ""),
    ("AMCEN", "T03 T14", "2025-04-01", "NER MLI BFA"),
    ("AMCEN", "T02", "2025-09-09", "KEN TZA"),
    ("AMCEN", "T03", "2024-10-01", "SEN"),
    ("LACFORUM", "T06 T08", "2025-05-05", "JAM BRB"),
]
PRIORITIES = {"AMCEN": ["T03", "T02", "T04"], "LACFORUM": ["T02", "T06"]}


def _file(asker: str, themes: str, submitted: str, covered: str, people: dict) -> Request:
    if asker not in people:
        maker = factories.focal_point if len(asker) == 3 else factories.forum_focal_point
        people[asker] = maker(asker)
    when = datetime.fromisoformat(submitted).replace(tzinfo=UTC)
    values = {
        "title": f"{asker}: {themes}",
        "description": "The need, as the requester states it.",
        "national_priorities": "The priorities stated by the requester.",
        "thematic_areas": themes.split(),
        "support_types": ["training"],
        "scope": "subregional" if covered else "national",
        "covered_countries": covered.split(),
        "desired_start": date(2026, 1, 1),
        "duration_months": 12,
    }
    request = requests.create_draft(
        actor=people[asker], values=values, now=when - timedelta(hours=1)
    )
    requests.perform_action(request=request, actor=people[asker], action="submit", now=when)
    return request


@pytest.fixture(scope="module")
def report(django_db_setup, django_db_blocker, tmp_path_factory):
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"), PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        if not Country.objects.exists():  # emptied by a transactional test before
            load_reference_data()
        people: dict = {}
        for filing in FILINGS:
            _file(*filing, people)
        for code, themes in PRIORITIES.items():
            record_forum_priorities(
                actor=people[code],
                forum=Forum.objects.get(code=code),
                themes=ThematicArea.objects.filter(code__in=themes),
            )
        run = ReportRun.objects.create(year=YEAR, language="en")
        run = services.produce_report(run.pk)
        text = pdf_text(Path(run.pdf.path))
        yield {
            "run": run,
            "pdf": text,
            "xlsx": xlsx_tables(Path(run.xlsx.path)),
            "csv": csv_figures(Path(run.csv.path)),
            "requests": list(Request.objects.prefetch_related("thematic_areas")),
        }
        transaction.set_rollback(True)


def counts(requests, key) -> dict:
    """``key(request)`` -> [in the year, in the previous year]."""
    found: dict = {}
    for request in requests:
        year = request.submitted_at.year
        if year in (YEAR, PREVIOUS):
            found.setdefault(key(request), [0, 0])[0 if year == YEAR else 1] += 1
    return found


def check(report, number, rows: dict, columns: int):
    block = pdf_table(report["pdf"], number)
    for code, figures in rows.items():
        assert pdf_numbers(block, code, columns) == [integer(value) for value in figures], code
        assert xlsx_row(report["xlsx"][number], code)[-columns:] == list(figures), code


def test_requests_by_requester(report):
    by_kind = counts(report["requests"], lambda request: request.requester)
    assert by_kind == {"country": [3, 1], "forum": [3, 1]}
    check(report, "9.1", by_kind, 2)
    assert pdf_numbers(pdf_table(report["pdf"], "9.1"), "Total", 2) == ["6", "2"]
    csv = report["csv"]["requests_from_forums"]
    assert (csv[str(YEAR)], csv[str(PREVIOUS)]) == ("3", "1")


def test_forums_requests_by_region_and_by_forum(report):
    of_forums = [r for r in report["requests"] if r.requester == "forum"]
    by_office = counts(of_forums, lambda request: request.regional_office_id)
    assert by_office == {"ROA": [2, 1], "ROLAC": [1, 0]}
    check(report, "9.2", {**dict.fromkeys(("ROAP", "ROE", "RONA", "ROWA"), (0, 0)),
                          **by_office}, 2)  # fmt: skip
    by_forum = counts(of_forums, lambda request: request.forum_id)
    assert by_forum == {"AMCEN": [2, 1], "LACFORUM": [1, 0]}
    check(report, "9.3", by_forum, 2)


def test_the_priorities_forums_state_beside_the_years_requests_on_them(report):
    received = [r for r in report["requests"] if r.submitted_at.year == YEAR]
    rows = {}
    for code in sorted({theme for themes in PRIORITIES.values() for theme in themes}):
        forums = sum(code in themes for themes in PRIORITIES.values())
        on_it = sum(code in {t.code for t in r.thematic_areas.all()} for r in received)
        rows[code] = (forums, on_it)
    assert rows == {"T02": (2, 3), "T03": (1, 2), "T04": (1, 0), "T06": (1, 1)}
    check(report, "9.4", rows, 2)


def test_section_1_counts_forums_requests_in_one_row_of_the_countries_table(report):
    """A forum's request has no country: the table by country shows them as one row."""
    block = pdf_table(report["pdf"], "1.2")
    forums_row = next(line for line in block if "Forums and UN bodies" in line)
    assert forums_row.split()[-2:] == ["3", "1"]
    assert pdf_numbers(block, "KEN", 2) == ["2", "1"]
    assert pdf_numbers(block, "Total", 2) == ["6", "2"]


def test_the_section_is_in_the_contents_and_its_own_sheet(report):
    flat = " ".join(report["pdf"].split())
    assert flat.count("9. Who asked: countries, forums and UN bodies") >= 2
    assert report["run"].status == ReportRun.Status.DONE
