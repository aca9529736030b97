"""The sections of issue 18, for a half-year and for one regional office: every figure of the
PDF and of the XLSX annex equals the database counted request by request in plain Python.

The records are those of ``data.build`` (2024 and 2025), with what issue 18 adds: outputs by
kind, successes and shortcomings at completion, budgets, BSP allocations, and assessments on
completion and at follow-up. Two runs are produced through the service, as a worker does:
the first half of 2025 for the world, and 2025 for the Regional Office for Africa (ROA).
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from django.test.utils import override_settings

from registry.models import Country, Division, RegionalOffice
from registry.reference_data import load_reference_data
from reporting import services
from reporting.models import DivisionAllocation, FollowUpInvitation, ReportRun
from requests_app import services as request_services
from requests_app.models import OUTPUT_KINDS, Evaluation, Request
from tests import factories
from tests.reporting import data
from tests.reporting.reading import (
    dollars,
    integer,
    pdf_numbers,
    pdf_table,
    pdf_text,
    xlsx_row,
    xlsx_tables,
)

pytestmark = pytest.mark.django_db

HALF_START, HALF_END = date(2025, 1, 1), date(2025, 6, 30)
FORMULA = '=HYPERLINK("http://example.org","plans adopted")'
OFFICE = "ROA"


def _complete(female, male, cost, **by_kind):
    return {
        **data.complete(female, male, cost, "Lessons."),
        "successes": by_kind.pop("successes", ""),
        "shortcomings": by_kind.pop("shortcomings", ""),
        **by_kind,
    }


def add_issue_18_records(people: data.People) -> None:
    """Requests completed in the half-year with outputs by kind, budgets and assessments."""
    for country, submitted, completed, kinds in (
        ("KEN", "2025-01-06T08:00", "2025-03-10T08:00", (2, 1, 3, 1)),
        ("GHA", "2025-02-03T08:00", "2025-05-20T08:00", (0, 2, 1, 4)),
        ("NPL", "2025-02-10T08:00", "2025-06-15T08:00", (1, 0, 0, 2)),
        ("KEN", "2025-07-01T08:00", "2025-09-01T08:00", (5, 5, 5, 5)),  # second half
    ):
        request = data.file_request(
            people,
            country,
            submitted,
            data.values(
                f"Issue 18 {country} {submitted[:10]}",
                ["T07", "T02"],
                estimated_budget_usd="120000.50",
            ),
            [
                ("acknowledge", submitted[:11] + "10:00", {}),
                ("route", submitted[:11] + "12:00", {"lead_division": "DEPI"}),
                ("accept", submitted[:11] + "14:00", {"response_plan": "Plan."}),
                (
                    "complete",
                    completed,
                    _complete(
                        3,
                        4,
                        "10000",
                        **dict(zip(OUTPUT_KINDS, kinds, strict=True)),
                        # A text that would start a formula stays text in the annex.
                        successes=FORMULA if country == "GHA" else f"Adopted in {country}.",
                        shortcomings="Late start." if country != "NPL" else "",
                    ),
                ),
                (
                    "evaluate",
                    completed[:8] + "28T08:00",
                    {
                        "rating": 4,
                        "comments": "Good.",
                        "capacity_retained": True,
                        "programme_rating": 5,
                        "staff_rating": 4,
                    },
                ),
            ],
        )
        assert request.completed_at is not None
    # A follow-up of a request completed in the half-year, kept beside its first assessment.
    earlier = Request.objects.get(title="Issue 18 KEN 2025-01-06")
    request_services.perform_action(
        request=earlier,
        actor=people.focal_point("KEN"),
        action="evaluate",
        data={
            "kind": "follow_up",
            "rating": 3,
            "comments": "Still used.",
            "capacity_retained": True,
            "capacity_used": True,
            "staff_rating": 3,
        },
        now=data.at("2025-06-20T08:00"),
    )
    FollowUpInvitation.objects.create(
        request=earlier, months_after=6, sent_at=data.at("2025-06-10T07:00")
    )
    coordinator = factories.coordinator()
    services.set_division_allocation(
        actor=coordinator, division="DEPI", first_year=2024, amount_usd="200000"
    )


@pytest.fixture(scope="module")
def runs(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        if not Country.objects.exists():
            load_reference_data()
        story = data.build()
        add_issue_18_records(story.people)
        half = ReportRun.objects.create(
            year=2025, period_start=HALF_START, period_end=HALF_END, language="en"
        )
        office = ReportRun.objects.create(
            year=2025,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
            regional_office=RegionalOffice.objects.get(pk=OFFICE),
            language="en",
        )
        produced = {
            "half": read(services.produce_report(half.pk)),
            "office": read(services.produce_report(office.pk)),
        }
        yield produced
        transaction.set_rollback(True)


def read(run: ReportRun) -> dict:
    return {
        "run": run,
        "text": pdf_text(Path(run.pdf.path)),
        "tables": xlsx_tables(Path(run.xlsx.path)),
        "sections": {key: number for number, key in enumerate(section_keys(run), start=1)},
    }


def section_keys(run: ReportRun) -> list[str]:
    from reporting.aggregation import SECTIONS

    return [key for key, _function in SECTIONS]


def period_bounds(which: str):
    if which == "half":
        return HALF_START, HALF_END, None
    return date(2025, 1, 1), date(2025, 12, 31), OFFICE


def within(moment, first_day, last_day) -> bool:
    return moment is not None and first_day <= moment.date() <= last_day


def of_office(request, office) -> bool:
    return office is None or request.regional_office_id == office


def table_number(report, key, index) -> str:
    return f"{report['sections'][key]}.{index}"


def check(report, number, key, figures, *, money=()):
    """The row ``key`` of table ``number``: the same figures in the PDF and in the annex."""
    block = pdf_table(report["text"], number)
    shown = [
        dollars(value) if index in money else integer(value) for index, value in enumerate(figures)
    ]
    assert pdf_numbers(block, key, len(figures)) == shown, (number, key)
    cells = xlsx_row(report["tables"][number], key)[-len(figures) :]
    assert [Decimal(str(cell)) if index in money else cell for index, cell in enumerate(cells)] == [
        Decimal(value) if index in money else value for index, value in enumerate(figures)
    ], (number, key)


@pytest.mark.parametrize("which", ["half", "office"])
def test_outputs_by_kind_equal_the_requests_counted_one_by_one(runs, which):
    report = runs[which]
    first_day, last_day, office = period_bounds(which)
    completed = [
        request
        for request in Request.objects.order_by("pk")
        if within(request.completed_at, first_day, last_day) and of_office(request, office)
    ]
    assert completed, "the period has completed requests"
    number = table_number(report, "outputs_by_kind", 1)
    for code in RegionalOffice.objects.values_list("code", flat=True):
        if office and code != office:
            continue
        rows = [request for request in completed if request.regional_office_id == code]
        figures = [
            len(rows),
            sum(1 for request in rows if request.laws_drafted is not None),
            *(sum(getattr(request, kind) or 0 for request in rows) for kind in OUTPUT_KINDS),
        ]
        check(report, number, code, figures)
    text = " ".join(report["text"].split())
    for request in completed:
        if request.successes:
            assert f"{request.reference} (" in text


@pytest.mark.parametrize("which", ["half", "office"])
def test_resources_needed_and_available_by_office(runs, which):
    report = runs[which]
    first_day, last_day, office = period_bounds(which)
    received = [
        request
        for request in Request.objects.order_by("pk")
        if within(request.submitted_at, first_day, last_day) and of_office(request, office)
    ]
    number = table_number(report, "needed_vs_available", 1)
    for code in RegionalOffice.objects.values_list("code", flat=True):
        if office and code != office:
            continue
        rows = [request for request in received if request.regional_office_id == code]
        budgets = [
            request.estimated_budget_usd
            for request in rows
            if request.estimated_budget_usd is not None
        ]
        block = pdf_table(report["text"], number)
        assert pdf_numbers(block, code, 5)[:3] == [
            integer(len(rows)),
            integer(len(budgets)),
            dollars(sum(budgets, Decimal(0))),
        ], code
        cells = xlsx_row(report["tables"][number], code)
        assert cells[2:5] == [len(rows), len(budgets), Decimal(sum(budgets, Decimal(0)))] or (
            cells[2:4] == [len(rows), len(budgets)]
            and Decimal(str(cells[4])) == sum(budgets, Decimal(0))
        ), code


@pytest.mark.parametrize("which", ["half", "office"])
def test_division_costs_against_the_allocation(runs, which):
    report = runs[which]
    first_day, last_day, office = period_bounds(which)
    number = table_number(report, "division_allocations", 1)
    for division in Division.objects.values_list("code", flat=True):
        rows = [
            request
            for request in Request.objects.filter(lead_division_id=division)
            if within(request.completed_at, first_day, last_day) and of_office(request, office)
        ]
        in_biennium = [
            request
            for request in Request.objects.filter(lead_division_id=division)
            if within(request.completed_at, date(2024, 1, 1), last_day)
            and of_office(request, office)
        ]
        cells = xlsx_row(report["tables"][number], division)
        cells = cells + [None] * (7 - len(cells))  # the annex leaves trailing blanks out
        assert cells[2] == len(rows), division
        assert Decimal(str(cells[3])) == sum((r.cost_usd or 0 for r in rows), Decimal(0))
        assert Decimal(str(cells[4])) == sum((r.cost_usd or 0 for r in in_biennium), Decimal(0))
        allocation = DivisionAllocation.objects.filter(
            division_id=division, first_year=2024
        ).first()
        if allocation:
            assert Decimal(str(cells[5])) == allocation.amount_usd
        else:
            assert cells[5] is None
    depi = pdf_numbers(pdf_table(report["text"], number), "DEPI", 2)
    assert depi[0] == dollars(Decimal("200000"))


@pytest.mark.parametrize("which", ["half", "office"])
def test_follow_up_assessments_are_counted_apart_and_every_one_is_kept(runs, which):
    report = runs[which]
    first_day, last_day, office = period_bounds(which)
    made = [
        evaluation
        for evaluation in Evaluation.objects.select_related("request").order_by("pk")
        if within(evaluation.evaluated_at, first_day, last_day)
        and of_office(evaluation.request, office)
    ]
    number = table_number(report, "follow_ups", 1)
    table = report["tables"][number]
    # The PDF wraps the labels: its rows are found by their first line.
    for label, first_line, kind, months in (
        ("On completion", "On", "on_completion", None),
        ("6 months after completion", "6 months", "follow_up", 6),
        ("12 months after completion", "12 months", "follow_up", 12),
    ):
        rows = [e for e in made if e.kind == kind and e.months_after == months]
        cells = xlsx_row(table, label)
        assert cells[1:6] == [
            len(rows),
            sum(1 for e in rows if e.capacity_retained is True),
            sum(1 for e in rows if e.capacity_retained is False),
            sum(1 for e in rows if e.capacity_used is True),
            sum(1 for e in rows if e.capacity_used is False),
        ], label
        printed = pdf_numbers(pdf_table(report["text"], number), first_line, 8)
        assert printed[:5] == [integer(value) for value in cells[1:6]], label
    assert sum(1 for e in made if e.kind == "follow_up") == 1  # kept beside the first
    ratings = report["tables"][table_number(report, "follow_ups", 2)]
    for score in range(1, 6):
        assert xlsx_row(ratings, score)[1:] == [
            sum(1 for e in made if e.programme_rating == score),
            sum(1 for e in made if e.staff_rating == score),
        ]


def test_the_half_year_compares_with_the_half_year_before(runs):
    snapshot = runs["half"]["run"].snapshot
    assert snapshot["period_label"] == "2025-01-01–2025-06-30"
    assert snapshot["previous_label"] == "2024-07-01–2024-12-31"
    received = [r for r in Request.objects.all() if within(r.submitted_at, HALF_START, HALF_END)]
    before = [
        r
        for r in Request.objects.all()
        if within(r.submitted_at, date(2024, 7, 1), date(2024, 12, 31))
    ]
    assert snapshot["received"]["total"] == {"current": len(received), "previous": len(before)}
    assert "2025-01-01–2025-06-30" in runs["half"]["text"]


def test_one_office_report_counts_only_that_office(runs):
    snapshot = runs["office"]["run"].snapshot
    ours = [
        r
        for r in Request.objects.all()
        if within(r.submitted_at, date(2025, 1, 1), date(2025, 12, 31))
        and r.regional_office_id == OFFICE
    ]
    assert snapshot["received"]["total"]["current"] == len(ours)
    assert [row["code"] for row in snapshot["received"]["by_office"]] == [OFFICE]
    assert (
        Request.objects.filter(submitted_at__year=2025).exclude(regional_office_id=OFFICE).exists()
    )


def test_period_bad_input_names_the_field(db):
    coordinator = factories.coordinator()
    before = ReportRun.objects.count()
    for values, field in (
        ({"period_start": "2025-07-01", "period_end": "2025-06-30"}, "period_end"),
        ({"period_start": "2025-13-01", "period_end": "2025-12-31"}, "period_start"),
        ({"period_start": "2025-01-01"}, "period_end"),
        ({"year": 2025, "regional_office": "NOPE"}, "regional_office"),
        ({"year": 2025, "language": "xx"}, "language"),
    ):
        with pytest.raises(services.ReportError) as caught:
            services.start_report_run(actor=coordinator, **values)
        assert field in caught.value.errors, values
    assert ReportRun.objects.count() == before


def test_allocations_are_edited_through_the_service_only_by_the_coordinator(db):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.set_division_allocation(
            actor=factories.focal_point(), division="DEPI", first_year=2026, amount_usd="1"
        )
    with pytest.raises(services.ReportError) as caught:
        services.set_division_allocation(
            actor=factories.coordinator(), division="DEPI", first_year=2027, amount_usd="-1"
        )
    assert set(caught.value.errors) == {"first_year", "amount_usd"}
    coordinator = factories.coordinator(email="c2@unep.example.org")
    services.set_division_allocation(
        actor=coordinator, division="DEPI", first_year=2026, amount_usd="5"
    )
    services.set_division_allocation(
        actor=coordinator, division="DEPI", first_year=2026, amount_usd="7.5"
    )
    assert DivisionAllocation.objects.get(first_year=2026).amount_usd == Decimal("7.50")


def test_the_annex_lists_outputs_by_kind_and_keeps_formulas_as_text(runs):
    from openpyxl import load_workbook

    report = runs["half"]
    workbook = load_workbook(Path(report["run"].xlsx.path))
    sheet = workbook["Annex A. Requests completed"]
    # Columns found by their headings: names sit beside codes, so positions may move.
    headings = next(
        [cell.value for cell in row] for row in sheet.iter_rows() if row[0].value == "Reference"
    )
    at = {heading: index for index, heading in enumerate(headings)}
    outputs = [
        at[heading]
        for heading in (
            "Laws and regulations drafted",
            "Policies and plans adopted",
            "Tools developed",
            "Institutions strengthened",
        )
    ]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=3) if row[0].value}
    completed = [r for r in Request.objects.all() if within(r.completed_at, HALF_START, HALF_END)]
    assert set(rows) == {r.reference for r in completed}
    for request in completed:
        cells = rows[request.reference]
        assert [cells[index].value for index in outputs] == [
            getattr(request, kind) for kind in OUTPUT_KINDS
        ], request.reference
        assert (cells[at["Successes"]].value or "") == request.successes
        assert (cells[at["Shortcomings"]].value or "") == request.shortcomings
    formula_cell = next(
        rows[r.reference][at["Successes"]] for r in completed if r.successes == FORMULA
    )
    assert formula_cell.data_type == "s" and formula_cell.value == FORMULA


def funding_year(line) -> int | None:
    activity = line.activity
    start = activity.actual_start or activity.planned_start
    return line.year or (start.year if start else None)


def dollars_of(line):
    if line.amount_usd is not None:
        return line.amount_usd
    return line.amount if line.currency == "USD" else None


@pytest.mark.parametrize("which", ["half", "office"])
def test_funding_available_by_office_equals_the_lines_counted_one_by_one(runs, which):
    from registry.models import FundingLine

    report = runs[which]
    first_day, last_day, office = period_bounds(which)
    years = set(range(first_day.year, last_day.year + 1))
    lines = [
        line
        for line in FundingLine.objects.select_related("activity").order_by("pk")
        if funding_year(line) in years
    ]
    number = table_number(report, "needed_vs_available", 1)
    for code in RegionalOffice.objects.values_list("code", flat=True):
        if office and code != office:
            continue
        ours = [
            line
            for line in lines
            if code in set(line.activity.regional_offices.values_list("code", flat=True))
        ]
        cells = xlsx_row(report["tables"][number], code)
        assert cells[5] == len(ours), code
        assert Decimal(str(cells[6])) == sum(
            (dollars_of(line) or Decimal(0) for line in ours), Decimal(0)
        ), code


@pytest.mark.parametrize("which", ["half", "office"])
def test_requests_by_requester_and_subprogramme(runs, which):
    report = runs[which]
    first_day, last_day, office = period_bounds(which)
    received = [
        request
        for request in Request.objects.prefetch_related("activities").order_by("pk")
        if within(request.submitted_at, first_day, last_day) and of_office(request, office)
    ]
    number = table_number(report, "requests_by_subprogramme", 1)
    counted: dict = {}
    for request in received:
        for code in {activity.subprogramme_id for activity in request.activities.all()}:
            row = counted.setdefault(code or "", {"country": 0, "forum": 0})
            row[request.requester] += 1
    for code, row in counted.items():
        if not code:
            continue
        assert xlsx_row(report["tables"][number], code)[2:4] == [row["country"], row["forum"]]
    unanswered = [request for request in received if not request.activities.all()]
    block = pdf_table(report["text"], number)
    row = next(line for line in block if "No activity recorded" in line)
    assert row.split()[-2:] == [
        integer(sum(1 for r in unanswered if r.requester == "country")),
        integer(sum(1 for r in unanswered if r.requester == "forum")),
    ]


@pytest.mark.parametrize("which", ["half", "office"])
def test_referrals_of_the_period_by_organization(runs, which):
    from exchange.models import Referral

    report = runs[which]
    first_day, last_day, office = period_bounds(which)
    made = [
        referral
        for referral in Referral.objects.select_related("request", "organization")
        if within(referral.sent_at, first_day, last_day) and of_office(referral.request, office)
    ]
    table = report["tables"][table_number(report, "referrals", 1)]
    for organization in {referral.organization for referral in made}:
        if not organization.acronym:
            continue  # its row is found by its name in the section's own tests
        mine = [r for r in made if r.organization_id == organization.pk]
        row = xlsx_row(table, organization.acronym)
        assert row[2] == len(mine), organization.acronym
    assert report["run"].snapshot["referrals"]["total"]["count"] == len(made)
