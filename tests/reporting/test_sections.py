"""Each section of the annual report, checked in the PDF, the XLSX annex and the CSV against
figures a test works out by hand from the same records (``expected.py``).

The year of records (``data.py``) and the two reports (English, produced through the service
as a worker does; Chinese, through ``generate_annual_report``) are made once for the module.
"""

import io
import subprocess
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from exchange.models import Referral
from registry.models import Country
from registry.reference_data import load_reference_data
from reporting import services
from reporting.models import ReportRun
from tests import factories
from tests.reporting import data, expected
from tests.reporting.expected import Facts
from tests.reporting.reading import (
    csv_figures,
    dollars,
    integer,
    one_decimal,
    pdf_numbers,
    pdf_table,
    pdf_text,
    percent,
    xlsx_row,
    xlsx_sheet_rows,
    xlsx_sheet_titles,
    xlsx_tables,
)

# Every test of the module reads the one year of records below; keep them together, among the
# database tests that run before the transactional ones (which empty the tables).
pytestmark = pytest.mark.django_db

YEAR, PREVIOUS = data.YEAR, data.PREVIOUS

SECTION_TITLES = [
    "1. Requests received",
    "2. How requests were handled",
    "3. Measurable results",
    "4. Resources mobilized and costs",
    "5. Needs, priorities and gaps",
    "6. Recipient governments' assessments",
    "7. South-South and triangular cooperation, and gender",
    "8. Lessons learned",
    "9. Who asked: countries, forums and UN bodies",
    "10. Referrals to partners",
]


class Report:
    """One run's files, read back."""

    def __init__(self, run: ReportRun):
        self.run = run
        self.pdf_path = Path(run.pdf.path)
        self.xlsx_path = Path(run.xlsx.path)
        self.csv_path = Path(run.csv.path)
        self.text = pdf_text(self.pdf_path)
        self.raw_text = pdf_text(self.pdf_path, layout=False)
        self.tables = xlsx_tables(self.xlsx_path)
        self.csv = csv_figures(self.csv_path)

    def pdf(self, number):
        return pdf_table(self.text, number)

    def xlsx(self, number):
        return self.tables[number]


@pytest.fixture(scope="module")
def year_of_records(django_db_setup, django_db_blocker, tmp_path_factory):
    """The year of records and its two reports, in one transaction rolled back at the end."""
    media = tmp_path_factory.mktemp("media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        if not Country.objects.exists():  # emptied by a transactional test before
            load_reference_data()
        story = data.build()
        english = ReportRun.objects.create(year=YEAR, language="en")
        english = services.produce_report(english.pk)  # as the worker's task does
        output = io.StringIO()
        call_command("generate_annual_report", year=YEAR, language="zh-hans", stdout=output)
        chinese = ReportRun.objects.get(origin=ReportRun.Origin.COMMAND)
        assert f"Report run {chinese.pk} for {YEAR} is done." in output.getvalue()
        facts = Facts.read(datetime.fromisoformat(english.snapshot["as_of"]))
        yield {"story": story, "facts": facts, "en": Report(english), "zh": Report(chinese)}
        transaction.set_rollback(True)


@pytest.fixture
def facts(year_of_records) -> Facts:
    return year_of_records["facts"]


@pytest.fixture
def report(year_of_records) -> Report:
    return year_of_records["en"]


def check_coded_table(report, number, rows, columns, *, zero_rows_printed=True):
    """``rows``: code -> the expected figures (ints), the same in the PDF and the annex."""
    block = report.pdf(number)
    for code, figures in rows.items():
        if not zero_rows_printed and not any(figures):
            assert not any(line.strip().startswith(code + " ") for line in block), code
            continue
        assert pdf_numbers(block, code, columns) == [integer(value) for value in figures], code
        assert xlsx_row(report.xlsx(number), code)[-columns:] == list(figures), code


# --- 1. Requests received ---------------------------------------------------------------------


def test_section_1_requests_received(facts, report):
    current, previous = expected.received(facts, YEAR), expected.received(facts, PREVIOUS)
    assert len(current) == 14 and len(previous) == 3  # the draft is not counted

    def by(attribute, requests):
        counts = {}
        for r in requests:
            counts[getattr(r, attribute)] = counts.get(getattr(r, attribute), 0) + 1
        return counts

    def by_codes(relation, requests):
        counts = {}
        for r in requests:
            for code in expected.codes_of(getattr(r, relation)):
                counts[code] = counts.get(code, 0) + 1
        return counts

    now_by_office, before_by_office = (
        by("regional_office_id", current),
        by("regional_office_id", previous),
    )
    check_coded_table(
        report,
        "1.1",
        {
            code: (now_by_office.get(code, 0), before_by_office.get(code, 0))
            for code, _ in facts.offices
        },
        2,
    )
    assert pdf_numbers(report.pdf("1.1"), "Total", 2) == [
        integer(len(current)),
        integer(len(previous)),
    ]

    now_by_country, before_by_country = by("country_id", current), by("country_id", previous)
    countries = set(now_by_country) | set(before_by_country)
    assert countries == {"KEN", "NGA", "NPL", "BRA", "JOR"}
    check_coded_table(
        report,
        "1.2",
        {code: (now_by_country.get(code, 0), before_by_country.get(code, 0)) for code in countries},
        2,
    )
    for number, relation, reference in [
        ("1.3", "thematic_areas", facts.themes),
        ("1.4", "cross_cutting_issues", facts.issues),
        ("1.5", "support_types", facts.support_types),
        ("1.6", "meas", facts.meas),
    ]:
        now, before = by_codes(relation, current), by_codes(relation, previous)
        check_coded_table(
            report,
            number,
            {code: (now.get(code, 0), before.get(code, 0)) for code, _ in reference},
            2,
            zero_rows_printed=False,
        )
    assert report.csv["requests_received"][str(YEAR)] == str(len(current))
    assert report.csv["requests_received"][str(PREVIOUS)] == str(len(previous))


# --- 2. How requests were handled -------------------------------------------------------------


def test_section_2_handling(facts, report):
    cohort = expected.received(facts, YEAR)
    outcomes = {
        "Routed to a division": [r for r in cohort if r.routed_at is not None],
        "Declined": [r for r in cohort if r.state == "declined"],
        "Referred to another organization": [r for r in cohort if r.state == "referred"],
        "Withdrawn by the country": [r for r in cohort if r.state == "withdrawn"],
        "Completed": [r for r in cohort if r.state in ("completed", "closed")],
        "Still open": [
            r
            for r in cohort
            if r.state in ("submitted", "under_review", "info_requested", "routed", "in_progress")
        ],
    }
    block = report.pdf("2.1")
    for label, requests in outcomes.items():
        assert pdf_numbers(block, label, 2) == [
            integer(len(requests)),
            percent(len(requests), len(cohort)),
        ]
        assert xlsx_row(report.xlsx("2.1"), label)[1] == len(requests)
    assert [len(v) for v in outcomes.values()] == [5, 1, 5, 1, 2, 5]

    declined = [r for r in cohort if r.state == "declined"]
    for code in ("no_resources", "outside_mandate", "duplicate"):
        count = sum(1 for r in declined if r.decline_reason == code)
        assert pdf_numbers(report.pdf("2.2"), code, 1) == [integer(count)]
        assert xlsx_row(report.xlsx("2.2"), code)[-1] == count

    # (the start of each step's label, which is never wrapped)
    steps = {
        "Acknowledgement": (
            "acknowledged_at",
            "median_days_to_acknowledge",
            "p90_days_to_acknowledge",
        ),
        "Decision:": ("decided_at", "median_days_to_decide", "p90_days_to_decide"),
        "Completion": ("completed_at", "median_days_to_complete", "p90_days_to_complete"),
    }
    for label, (field, median_key, p90_key) in steps.items():
        durations = [
            expected.days(getattr(r, field) - r.submitted_at)
            for r in cohort
            if getattr(r, field) is not None
        ]
        median = expected.percentile(durations, 0.5)
        p90 = expected.percentile(durations, 0.9)
        assert pdf_numbers(report.pdf("2.3"), label, 3) == [
            integer(len(durations)),
            one_decimal(median),
            one_decimal(p90),
        ], label
        row = next(row for row in report.xlsx("2.3")[1] if row[0].startswith(label))
        assert row[1] == len(durations)
        assert row[2] == pytest.approx(median, abs=1e-4) and row[3] == pytest.approx(p90, abs=1e-4)
        assert report.csv[median_key][str(YEAR)] == one_decimal(median)
        assert report.csv[p90_key][str(YEAR)] == one_decimal(p90)

    totals = {"ack": [0, 0], "decision": [0, 0]}
    for code, _name in facts.offices:
        requests = [r for r in cohort if r.regional_office_id == code]
        ack = expected.clock(
            requests, "acknowledged_at", "acknowledge_due_at", "submitted", facts.as_of
        )
        decision = expected.clock(
            requests, "decided_at", "decision_due_at", "under_review", facts.as_of
        )
        for key, figures in (("ack", ack), ("decision", decision)):
            totals[key][0] += figures[0]
            totals[key][1] += figures[1]
        assert pdf_numbers(report.pdf("2.4"), code, 6) == [
            integer(ack[0]),
            integer(ack[1]),
            percent(*ack),
            integer(decision[0]),
            integer(decision[1]),
            percent(*decision),
        ], code
        assert xlsx_row(report.xlsx("2.4"), code)[2:4] == list(ack)
    # Africa: Kenya's second request was acknowledged late; Asia-Pacific: all on time.
    # Two acknowledged late (Kenya, Jordan) and Brazil's last request still waiting, overdue;
    # the four requests referred to partners (section 9) were acknowledged the next day.
    assert totals["ack"] == [11, 14]
    accept_totals = [0, 0]
    for code, _name in facts.divisions:
        requests = [r for r in cohort if r.lead_division_id == code]
        accept = expected.clock(requests, "accepted_at", "acceptance_due_at", "routed", facts.as_of)
        accept_totals = [accept_totals[0] + accept[0], accept_totals[1] + accept[1]]
        assert pdf_numbers(report.pdf("2.5"), code, 3) == [
            integer(accept[0]),
            integer(accept[1]),
            percent(*accept),
        ], code
    assert (
        report.csv["share_acknowledged_on_time"][str(YEAR)]
        == f"{totals['ack'][0] / totals['ack'][1] * 100:.1f}"
    )
    assert (
        report.csv["share_decided_on_time"][str(YEAR)]
        == f"{totals['decision'][0] / totals['decision'][1] * 100:.1f}"
    )
    assert (
        report.csv["share_accepted_on_time"][str(YEAR)]
        == f"{accept_totals[0] / accept_totals[1] * 100:.1f}"
    )
    for key, label in (
        ("requests_declined", "Declined"),
        ("requests_open", "Still open"),
        ("requests_routed", "Routed to a division"),
    ):
        assert report.csv[key][str(YEAR)] == str(len(outcomes[label]))


# --- 3. Measurable results --------------------------------------------------------------------


def test_section_3_results(facts, report):
    requests = expected.completed(facts, YEAR)
    activities = expected.counted_activities(facts, YEAR)
    done = expected.activities_completed(facts, YEAR)
    # Kenya's mercury activity answers a request completed in the year: counted once.
    assert {a.identifier for a in done} == {"KEN-MERCURY", "ASIA-CLIMATE"}
    assert {a.identifier for a in activities} == {"ASIA-CLIMATE"}

    def total(records, field):
        return sum(getattr(record, field) or 0 for record in records)

    fields = {
        "Women trained": "people_trained_female",
        "Men trained": "people_trained_male",
        "Others trained": "people_trained_other",
        "Institutions supported": "institutions_supported",
    }
    block = report.pdf("3.1")
    for label, field in fields.items():
        figures = (total(requests, field), total(activities, field))
        assert pdf_numbers(block, label, 3) == [
            integer(figures[0]),
            integer(figures[1]),
            integer(sum(figures)),
        ]
        assert xlsx_row(report.xlsx("3.1"), label)[1:] == [*figures, sum(figures)]
    people = [
        sum(total(records, field) for field in list(fields.values())[:3])
        for records in (requests, activities)
    ]
    assert pdf_numbers(block, "People trained", 3) == [
        integer(people[0]),
        integer(people[1]),
        integer(sum(people)),
    ]
    outputs = (sum(1 for r in requests if r.outputs), sum(1 for a in activities if a.outputs))
    assert pdf_numbers(block, "Records reporting outputs", 3) == [
        integer(v) for v in (*outputs, sum(outputs))
    ]
    assert pdf_numbers(block, "Completed", 3) == [
        integer(len(requests)),
        integer(len(activities)),
        integer(len(requests) + len(activities)),
    ]

    countries = {r.country_id for r in requests} | {
        c for a in done for c in expected.activity_countries(a)
    }
    assert countries == {"KEN", "NPL", "BRA"}
    assert pdf_numbers(report.pdf("3.2"), "Countries reached", 1) == [integer(len(countries))]
    assert pdf_numbers(report.pdf("3.2"), "Registry activities completed", 1) == [
        integer(len(done))
    ]

    for code, _name in facts.offices:
        mine = [r for r in requests if r.regional_office_id == code]
        figures = [len(mine), *(total(mine, field) for field in fields.values())]
        assert pdf_numbers(report.pdf("3.3"), code, 5) == [integer(v) for v in figures], code

    csv = report.csv
    assert csv["requests_completed_in_year"][str(YEAR)] == str(len(requests))
    assert csv["women_trained"][str(YEAR)] == str(
        total(requests, "people_trained_female") + total(activities, "people_trained_female")
    )
    assert csv["people_trained"][str(YEAR)] == str(sum(people))
    assert csv["activities_completed"][str(YEAR)] == str(len(done))
    assert csv["countries_reached"][str(YEAR)] == str(len(countries))
    assert "Training manual; national guideline" in report.raw_text  # the outputs listed


# --- 4. Resources mobilized and costs ---------------------------------------------------------


def test_section_4_resources(facts, report):
    lines = expected.funding_lines(facts, YEAR)
    known = [line for line in lines if expected.usd(line) is not None]
    total = sum((expected.usd(line) for line in known), Decimal(0))
    previous = sum(
        (
            expected.usd(line)
            for line in expected.funding_lines(facts, PREVIOUS)
            if expected.usd(line) is not None
        ),
        Decimal(0),
    )
    assert total == Decimal("174000.40")  # the line without a year counts in its start year
    for code, _name in facts.source_kinds:
        mine = [line for line in lines if line.source_kind_id == code]
        usd = sum(
            (expected.usd(line) for line in mine if expected.usd(line) is not None), Decimal(0)
        )
        unconverted = sum(1 for line in mine if expected.usd(line) is None)
        assert pdf_numbers(report.pdf("4.1"), code, 3) == [
            integer(len(mine)),
            dollars(usd),
            integer(unconverted),
        ], code
        row = xlsx_row(report.xlsx("4.1"), code)
        assert (row[2], Decimal(str(row[3])), row[4]) == (len(mine), usd, unconverted)
    assert pdf_numbers(report.pdf("4.1"), "Total", 3) == [
        integer(len(lines)),
        dollars(total),
        integer(len(lines) - len(known)),
    ]

    funders = {}
    for line in lines:
        funders.setdefault(line.funder.name, []).append(line)
    for name, mine in funders.items():
        usd = sum(
            (expected.usd(line) for line in mine if expected.usd(line) is not None), Decimal(0)
        )
        unconverted = sum(1 for line in mine if expected.usd(line) is None)
        row = next(r for r in report.xlsx("4.2")[1] if r[1] == name)
        assert (row[2], Decimal(str(row[3])), row[4]) == (len(mine), usd, unconverted), name
        acronym = mine[0].funder.acronym
        assert pdf_numbers(report.pdf("4.2"), acronym, 3) == [
            integer(len(mine)),
            dollars(usd),
            integer(unconverted),
        ], name

    for code, _name in facts.divisions:
        mine = [line for line in lines if line.activity.lead_division_id == code]
        usd = sum(
            (expected.usd(line) for line in mine if expected.usd(line) is not None), Decimal(0)
        )
        assert pdf_numbers(report.pdf("4.3"), code, 3)[:2] == [integer(len(mine)), dollars(usd)], (
            code
        )

    unconverted = [line for line in lines if expected.usd(line) is None]
    assert [(line.currency, line.amount) for line in unconverted] == [("JPY", Decimal("1000000"))]
    assert pdf_numbers(report.pdf("4.4"), "JPY", 2) == ["1", dollars(Decimal("1000000"))]

    requests = expected.completed(facts, YEAR)
    costs = Decimal(0)
    for code, _name in facts.divisions:
        mine = [r for r in requests if r.lead_division_id == code]
        cost = sum((r.cost_usd or Decimal(0) for r in mine), Decimal(0))
        costs += cost
        assert pdf_numbers(report.pdf("4.5"), code, 2) == [integer(len(mine)), dollars(cost)], code
        assert Decimal(str(xlsx_row(report.xlsx("4.5"), code)[3])) == cost
    assert costs == Decimal("25000.50")

    assert report.csv["funding_usd"][str(YEAR)] == f"{total:.2f}"
    assert report.csv["funding_usd"][str(PREVIOUS)] == f"{previous:.2f}"
    assert report.csv["division_costs_usd"][str(YEAR)] == f"{costs:.2f}"


def test_the_pdf_lists_the_largest_funders_and_sums_the_others(
    year_of_records, facts, tmp_path, monkeypatch
):
    """A large year has thousands of funders: the PDF lists the largest and sums the rest in
    one row (the totals unchanged); the annex still lists every funder."""
    from reporting import document
    from reporting.render.pdf import render_pdf
    from reporting.render.xlsx import render_xlsx

    funders = {}
    for line in expected.funding_lines(facts, YEAR):
        mine = funders.setdefault(line.funder, {"lines": 0, "usd": Decimal(0), "unconverted": 0})
        mine["lines"] += 1
        if expected.usd(line) is None:
            mine["unconverted"] += 1
        else:
            mine["usd"] += expected.usd(line)
    ranked = sorted(funders.items(), key=lambda item: (-item[1]["usd"], item[0].name))
    assert len(ranked) >= 3
    largest, rest = ranked[0], ranked[1:]
    monkeypatch.setattr(document, "FUNDERS_PRINTED", 1)
    built = document.build(year_of_records["en"].run.snapshot, "en")
    render_pdf(built, tmp_path / "report.pdf")
    render_xlsx(built, tmp_path / "annex.xlsx")
    block = pdf_table(pdf_text(tmp_path / "report.pdf"), "4.2")

    def figures(rows):
        return [
            integer(sum(row["lines"] for row in rows)),
            dollars(sum((row["usd"] for row in rows), Decimal(0))),
            integer(sum(row["unconverted"] for row in rows)),
        ]

    assert pdf_numbers(block, largest[0].acronym, 3) == figures([largest[1]])
    for funder, _figures in rest:
        assert not any(line.strip().startswith(funder.acronym + " ") for line in block)
    assert pdf_numbers(block, f"Other funders ({len(rest)})", 3) == figures(
        [row for _funder, row in rest]
    )
    assert pdf_numbers(block, "Total", 3) == figures(list(funders.values()))
    flat = " ".join(" ".join(block).split())
    assert "The 1 largest funders by US$ value are listed" in flat
    assert f"lists all {len(ranked)} funders" in flat
    annex_rows = xlsx_tables(tmp_path / "annex.xlsx")["4.2"][1]  # then the note, one cell
    listed = {row[1] for row in annex_rows if len(row) > 1}
    assert listed == {funder.name for funder in funders} | {"Total"}


# --- 5. Needs, priorities and gaps ------------------------------------------------------------


def test_section_5_needs_and_gaps(facts, report):
    cohort = expected.received(facts, YEAR)
    theme_names = dict(facts.themes)
    theme_order = [code for code, _ in facts.themes]

    def top_themes(requests):
        counts = {}
        for r in requests:
            for code in expected.codes_of(r.thematic_areas):
                counts[code] = counts.get(code, 0) + 1
        ranked = sorted(counts, key=lambda code: (-counts[code], theme_order.index(code)))
        return [theme_names[code] for code in ranked[:3]]

    for code, _name in facts.offices:
        mine = [r for r in cohort if r.regional_office_id == code]
        row = xlsx_row(report.xlsx("5.1"), code)
        assert row[2] == len(mine) and (row[3] or "") == "; ".join(top_themes(mine)), code

    gaps = 0
    gap_countries = []
    for country in {r.country_id for r in cohort}:
        mine = [r for r in cohort if r.country_id == country]
        flags = [
            expected.without_response(
                r, expected.matched(facts, r, expected.codes_of(r.thematic_areas)), facts.as_of
            )
            for r in mine
        ]
        figures = [
            len(mine),
            sum(1 for r in mine if r.state == "declined"),
            sum(1 for r in mine if r.state == "referred"),
            sum(1 for r in mine if expected.overdue(r, facts.as_of)),
            sum(
                1
                for r in mine
                if not expected.matched(facts, r, expected.codes_of(r.thematic_areas))
            ),
            sum(flags),
        ]
        gaps += sum(flags)
        withdrawn = sum(1 for r in mine if r.state == "withdrawn")
        if sum(flags) and sum(flags) == len(mine) - withdrawn:
            gap_countries.append(country)
        assert pdf_numbers(report.pdf("5.4"), country, 6) == [integer(v) for v in figures], country
        assert list(xlsx_row(report.xlsx("5.4"), country)[2:]) == figures, country
        assert xlsx_row(report.xlsx("5.2"), country)[2] == len(mine)
        assert (xlsx_row(report.xlsx("5.2"), country)[3] or "") == "; ".join(top_themes(mine))
    # Jordan: one request waits for a decision, one for a division (its water project is only
    # in the pipeline); Nigeria's water request was declined although an activity matches, its
    # other one has no answer yet. Nepal's was referred to a partner (the other one
    # withdrawn): no gap since the referral is followed up (issue 19).
    assert sorted(gap_countries) == ["JOR", "NGA"]

    gap_themes = []
    for theme in {code for r in cohort for code in expected.codes_of(r.thematic_areas)}:
        mine = [r for r in cohort if theme in expected.codes_of(r.thematic_areas)]
        flags = [
            expected.without_response(r, expected.matched(facts, r, {theme}), facts.as_of)
            for r in mine
        ]
        figures = [
            len(mine),
            sum(1 for r in mine if r.state == "declined"),
            sum(1 for r in mine if r.state == "referred"),
            sum(1 for r in mine if expected.overdue(r, facts.as_of)),
            sum(1 for r in mine if not expected.matched(facts, r, {theme})),
            sum(flags),
        ]
        withdrawn = sum(1 for r in mine if r.state == "withdrawn")
        if sum(flags) and sum(flags) == len(mine) - withdrawn:
            gap_themes.append(theme)
        assert pdf_numbers(report.pdf("5.3"), theme, 6) == [integer(v) for v in figures], theme
        assert list(xlsx_row(report.xlsx("5.3"), theme)[2:]) == figures, theme
    assert sorted(gap_themes) == ["T01", "T04", "T09", "T19"]
    for theme in gap_themes:
        assert f"{theme} {theme_names[theme]}" in " ".join(report.raw_text.split())
    assert report.csv["requests_without_response"][str(YEAR)] == str(gaps)
    assert report.csv["themes_without_response"][str(YEAR)] == str(len(gap_themes))
    assert report.csv["countries_without_response"][str(YEAR)] == str(len(gap_countries))


# --- 6. Recipient governments' assessments ----------------------------------------------------


def test_section_6_assessments(facts, report):
    evaluations = [e for e in facts.evaluations if expected.in_year(e.evaluated_at, YEAR)]
    assert len(evaluations) == 3
    average = sum(e.rating for e in evaluations) / len(evaluations)
    kept = sum(1 for e in evaluations if e.capacity_retained is True)
    lost = sum(1 for e in evaluations if e.capacity_retained is False)
    block = report.pdf("6.1")
    assert pdf_numbers(block, "Assessments", 1) == [integer(len(evaluations))]
    assert pdf_numbers(block, "Average rating (1 to 5)", 1) == [one_decimal(average)]
    assert pdf_numbers(block, "Share that kept the capacity", 1) == [percent(kept, kept + lost)]
    for rating in range(1, 6):
        count = sum(1 for e in evaluations if e.rating == rating)
        assert pdf_numbers(report.pdf("6.2"), str(rating), 1) == [integer(count)]
        assert xlsx_row(report.xlsx("6.2"), str(rating))[1] == count
    for scope in ("national", "subregional", "regional"):
        mine = [e for e in evaluations if e.request.scope == scope]
        mine_kept = sum(1 for e in mine if e.capacity_retained is True)
        mine_known = sum(1 for e in mine if e.capacity_retained is not None)
        figures = [
            integer(len(mine)),
            one_decimal(sum(e.rating for e in mine) / len(mine) if mine else None),
            percent(mine_kept, mine_known),
        ]
        assert pdf_numbers(report.pdf("6.3"), scope, 3) == figures, scope
    for e in evaluations:
        assert e.comments in report.raw_text
    assert report.csv["assessments"][str(YEAR)] == str(len(evaluations))
    assert report.csv["average_rating"][str(YEAR)] == f"{average:.2f}"
    assert report.csv["share_capacity_retained"][str(YEAR)] == f"{kept / (kept + lost) * 100:.1f}"


# --- 7. South-South and triangular cooperation, and gender ------------------------------------


def test_section_7_south_south_and_gender(facts, report):
    cohort = expected.received(facts, YEAR)
    for code in ("none", "south_south", "triangular"):
        count = sum(1 for r in cohort if r.south_south_interest == code)
        assert pdf_numbers(report.pdf("7.1"), code, 2) == [
            integer(count),
            percent(count, len(cohort)),
        ]
    interest = sum(1 for r in cohort if r.south_south_interest != "none")

    active = expected.active_activities(facts, YEAR)
    assert {a.identifier for a in active} == {"KEN-MERCURY", "ASIA-CLIMATE", "NGA-WATER"}
    done = expected.activities_completed(facts, YEAR)
    lines = expected.funding_lines(facts, YEAR)
    for code in ("north_south", "south_south", "triangular", "multilateral"):
        finished = [a for a in done if a.modality == code]
        usd = sum(
            (
                expected.usd(line)
                for line in lines
                if line.activity.modality == code and expected.usd(line) is not None
            ),
            Decimal(0),
        )
        figures = [
            integer(sum(1 for a in active if a.modality == code)),
            integer(len(finished)),
            *(
                integer(sum(getattr(a, f"people_trained_{g}") or 0 for a in finished))
                for g in ("female", "male", "other")
            ),
            dollars(usd),
        ]
        assert pdf_numbers(report.pdf("7.2"), code, 6) == figures, code

    requests = expected.completed(facts, YEAR)
    counted = expected.counted_activities(facts, YEAR)
    women = sum((x.people_trained_female or 0) for x in [*requests, *counted])
    people = sum(
        (x.people_trained_female or 0)
        + (x.people_trained_male or 0)
        + (x.people_trained_other or 0)
        for x in [*requests, *counted]
    )
    considerations = sum(1 for r in cohort if r.gender_considerations)
    gender_issue = sum(1 for r in cohort if "X13" in expected.codes_of(r.cross_cutting_issues))
    block = report.pdf("7.3")
    assert pdf_numbers(block, "Women among the people trained", 1) == [percent(women, people)]
    assert pdf_numbers(block, "Requests stating gender considerations", 1) == [
        integer(considerations)
    ]
    assert pdf_numbers(block, "Requests on gender mainstreaming (X13)", 1) == [
        integer(gender_issue)
    ]
    south = sum(1 for a in active if a.modality in ("south_south", "triangular"))
    csv = report.csv
    assert csv["requests_south_south_interest"][str(YEAR)] == str(interest)
    assert csv["share_activities_south_south"][str(YEAR)] == f"{south / len(active) * 100:.1f}"
    assert csv["share_women_trained"][str(YEAR)] == f"{women / people * 100:.1f}"
    assert csv["requests_gender_considerations"][str(YEAR)] == str(considerations)


# --- 8. Lessons learned -----------------------------------------------------------------------


def test_section_8_lessons(facts, report):
    requests = [r for r in expected.completed(facts, YEAR) if r.lessons]
    activities = [a for a in expected.activities_completed(facts, YEAR) if a.results_narrative]
    assert pdf_numbers(report.pdf("8.1"), "Requests completed", 1) == [integer(len(requests))]
    assert pdf_numbers(report.pdf("8.1"), "Registry activities completed", 1) == [
        integer(len(activities))
    ]
    flat = " ".join(report.raw_text.split())
    for r in requests:
        assert r.lessons in flat and r.reference in flat
    for a in activities:
        assert a.results_narrative in flat
    assert "An older project, outside the year." not in flat
    assert report.csv["lessons_recorded"][str(YEAR)] == str(len(requests) + len(activities))
    annex = xlsx_sheet_rows(report.xlsx_path, "Annex A. Requests completed")
    lessons = annex[1].index("Lessons learned")
    assert {row[lessons] for row in annex[2:]} == {r.lessons for r in requests}


# --- 10. Referrals to partners ----------------------------------------------------------------


def test_section_10_referrals_by_organization_and_outcome(report):
    """Each partner's referrals of the year, counted one referral at a time."""
    made = [
        referral
        for referral in Referral.objects.select_related("organization")
        if expected.in_year(referral.sent_at, YEAR)
    ]
    # Every status and outcome is there, and one referral of the previous year is not counted.
    assert {(r.status, r.outcome) for r in made} == {
        ("sent", ""),
        ("accepted", ""),
        ("declined", ""),
        ("completed", "supported"),
        ("completed", "partly_supported"),
    }
    assert Referral.objects.filter(sent_at__year=PREVIOUS).exists()

    def figures(referrals):
        def count(status, outcome=""):
            return sum(1 for r in referrals if r.status == status and r.outcome == outcome)

        return [
            len(referrals),
            count("sent"),
            count("declined"),
            count("accepted"),
            count("completed", "supported"),
            count("completed", "partly_supported"),
            count("completed", "not_supported"),
        ]

    partners = {r.organization for r in made}
    assert {p.acronym for p in partners} == {"UNDP", "ACMAD"}
    for partner in partners:
        mine = [r for r in made if r.organization == partner]
        expected_figures = figures(mine)
        assert pdf_numbers(report.pdf("10.1"), partner.acronym, 7) == [
            integer(value) for value in expected_figures
        ], partner.acronym
        assert xlsx_row(report.xlsx("10.1"), partner.acronym)[2:] == expected_figures
    total = figures(made)
    assert pdf_numbers(report.pdf("10.1"), "Total", 7) == [integer(value) for value in total]
    accepted = sum(1 for r in made if r.status in ("accepted", "completed"))
    completed = sum(1 for r in made if r.status == "completed")
    assert report.csv["referrals_made"][str(YEAR)] == str(len(made))
    assert report.csv["referrals_accepted"][str(YEAR)] == str(accepted)
    assert report.csv["referrals_completed"][str(YEAR)] == str(completed)
    flat = " ".join(report.raw_text.split())
    assert f"{len(made)} referrals, {accepted} of them accepted and {completed} completed" in flat


# --- The documents as a whole -----------------------------------------------------------------


def test_the_pdf_has_a_cover_contents_numbered_sections_and_renders(report, tmp_path):
    flat = " ".join(report.raw_text.split())
    assert "Report of the Executive Director to the Governing Council" in flat
    assert "Contents" in flat and "Key figures" in flat
    for title in SECTION_TITLES:
        assert flat.count(title) >= 2, title  # in the contents and as the section's heading
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", str(report.pdf_path), str(tmp_path / "page")], check=True
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 10
    assert all(page.stat().st_size > 1000 for page in pages)
    fonts = subprocess.run(
        ["pdffonts", str(report.pdf_path)], check=True, capture_output=True
    ).stdout.decode()
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # all embedded


def test_the_xlsx_annex_has_a_sheet_per_section_and_lists_the_records(facts, report):
    titles = xlsx_sheet_titles(report.xlsx_path)
    assert titles[0] == "Headline figures"
    for number, title in enumerate(SECTION_TITLES, start=1):
        assert any(sheet.startswith(f"{number}. ") for sheet in titles), title
    completed = xlsx_sheet_rows(report.xlsx_path, "Annex A. Requests completed")
    references = [row[0] for row in completed[2:]]
    assert references == [
        r.reference for r in sorted(expected.completed(facts, YEAR), key=lambda r: r.completed_at)
    ]
    activities = xlsx_sheet_rows(report.xlsx_path, "Annex B. Activities completed")
    assert {row[0] for row in activities[2:]} == {"KEN-MERCURY", "ASIA-CLIMATE"}
    # Codes keep their column; their names sit beside them (issue 17).
    header = completed[1]
    office = header.index("Regional office")
    assert header[office + 1] == "Regional office (names)"
    assert {row[office + 1] for row in completed[2:] if row[office] == "ROA"} == {
        "Regional Office for Africa"
    }
    modality = activities[1].index("Modality")
    assert activities[1][modality + 1] == "Modality (names)"
    assert all("_" not in (row[modality + 1] or "") for row in activities[2:])


def test_the_chinese_report(year_of_records, facts):
    chinese = year_of_records["zh"]
    assert chinese.run.status == ReportRun.Status.DONE
    assert chinese.run.language == "zh-hans"
    flat = "".join(chinese.raw_text.split())
    for title in ("1.收到的请求", "2.请求的处理情况", "3.可衡量的成果", "8.经验教训"):
        assert title in flat, title
    assert "肯尼亚" in flat and "非洲区域办事处" in flat and "气候变化问题" in flat
    # The same figures as the English run, under Chinese labels.
    kenya = [r for r in expected.received(facts, YEAR) if r.country_id == "KEN"]
    assert pdf_numbers(chinese.pdf("1.2"), "KEN", 2)[0] == integer(len(kenya))
    assert chinese.csv["requests_received"][str(YEAR)] == str(len(expected.received(facts, YEAR)))
    assert "收到的请求" in chinese.csv["requests_received"].values()
    assert any("收到的请求" in title for title in xlsx_sheet_titles(chinese.xlsx_path))
    fonts = subprocess.run(
        ["pdffonts", str(chinese.pdf_path)], check=True, capture_output=True
    ).stdout.decode()
    assert "Noto-Sans-CJK-SC" in fonts


def test_a_run_keeps_its_figures_and_files_when_the_data_change(year_of_records, api_for):
    run = year_of_records["en"].run
    before = {kind: Path(run.file_for(kind).path).read_bytes() for kind in ("pdf", "xlsx", "csv")}
    people = year_of_records["story"].people
    data.file_request(people, "KEN", "2025-12-20T08:00", data.values("One more", ["T02"]))
    again = services.produce_report(run.pk)  # a redelivered task: nothing to do
    assert again.status == ReportRun.Status.DONE and again.attempts == run.attempts
    assert {kind: Path(run.file_for(kind).path).read_bytes() for kind in before} == before
    answer = api_for(factories.council()).get(f"/api/v1/reports/{run.pk}/")
    figures = {item["indicator"]: item["value"] for item in answer.json()["headline"]}
    assert figures["requests_received"] == "14"  # not 15: the run's snapshot


# --- Who may read the run and download its files ------------------------------------------------

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@pytest.mark.parametrize("role", ["coordinator", "council"])
def test_the_coordinator_and_the_council_read_the_run_and_download_every_file(
    role, year_of_records, client_for, api_for
):
    run = year_of_records["en"].run
    user = getattr(factories, role)()
    page = client_for(user).get(f"/reports/{run.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "http-equiv" not in html  # finished: no more refreshing
    assert "Requests received" in html and "<td>14</td>" in html  # the headline figures
    item = api_for(user).get(f"/api/v1/reports/{run.pk}/").json()
    assert item["status"] == "done" and item["progress"] == 100
    assert {entry["indicator"]: entry["value"] for entry in item["headline"]}[
        "requests_received"
    ] == "14"
    for kind, content_type in CONTENT_TYPES.items():
        stored = Path(run.file_for(kind).path).read_bytes()
        for answer in (
            client_for(user).get(f"/reports/{run.pk}/download/{kind}/"),
            api_for(user).get(item["files"][kind]),
        ):
            assert answer.status_code == 200, kind
            assert answer["Content-Type"] == content_type
            assert answer["Content-Disposition"].startswith("attachment")
            assert services.download_name(run, kind) in answer["Content-Disposition"]
            assert b"".join(answer.streaming_content) == stored


def test_nobody_else_can_reach_the_files(year_of_records, client_for, api_for):
    run = year_of_records["en"].run
    for user in (
        factories.focal_point("KEN"),
        factories.regional_staff("ROA"),
        factories.division_staff("DEPI"),
    ):
        for url in (
            f"/reports/{run.pk}/",
            *(f"/reports/{run.pk}/download/{kind}/" for kind in CONTENT_TYPES),
        ):
            assert client_for(user).get(url).status_code == 404, (user.role, url)
        for kind in CONTENT_TYPES:
            assert (
                api_for(user).get(f"/api/v1/reports/{run.pk}/download/{kind}/").status_code == 404
            )
