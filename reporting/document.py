"""The report as a document, built from a run's snapshot in the run's language.

Numbered sections of text, tables, charts, lists and quotations, and the headline figures. The
PDF, the XLSX annex, the CSV and the run's page all render this one structure, so they can
never disagree with each other or with the snapshot.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# How a value is shown: in the PDF (``display``) and as a cell format in the XLSX annex.
TEXT, CODE, INT, USD, PCT, DAYS, RATING, LIST = (
    "text",
    "code",
    "int",
    "usd",
    "pct",
    "days",
    "rating",
    "list",
)
NUMERIC = frozenset({INT, USD, PCT, DAYS, RATING})
# Codes a person reads by name: the XLSX annex puts a column of names beside each.
OFFICE, DIVISION, MODALITY = "office", "division", "modality"
NOTHING = "—"
# Funders the PDF lists one by one, the largest first (the XLSX annex lists them all).
FUNDERS_PRINTED = 25


def display(value, kind: str = TEXT) -> str:
    """A value as the report prints it (the same in every language)."""
    if value is None or value == "":
        return NOTHING
    if kind == INT:
        return f"{int(value):,}"
    if kind == USD:
        return f"{Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"
    if kind == PCT:
        return f"{value * 100:.1f}%"
    if kind == DAYS:
        return f"{value:.1f}"
    if kind == RATING:
        return f"{value:.1f}"
    if kind == LIST:
        return "; ".join(value) if value else NOTHING
    return str(value)


def cell_value(value, kind: str):
    """A value as the XLSX annex stores it: numbers stay numbers."""
    if value is None:
        return None
    if kind == USD:
        return Decimal(value)
    if kind == LIST:
        return "; ".join(value)
    return value


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Column:
    label: str
    kind: str = TEXT

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC


@dataclass
class Table:
    number: str
    title: str
    columns: list[Column]
    rows: list[list]
    total: list | None = None
    note: str = ""
    # The PDF leaves out rows that are zero in every numeric column (long reference lists);
    # the XLSX annex keeps every row.
    print_zero_rows: bool = True
    # Lists that grow with the data (thousands of funders in a large year) would make the PDF
    # hundreds of pages long, unreadable and slow to lay out: the PDF prints the first
    # ``print_limit`` rows and sums the others in one row labelled ``rest_label`` (with
    # ``%(count)s``); the XLSX annex keeps every row.
    print_limit: int | None = None
    rest_label: str = ""

    @property
    def heading(self) -> str:
        return _("Table %(number)s. %(title)s") % {"number": self.number, "title": self.title}

    def _rows_with_figures(self) -> list[list]:
        if self.print_zero_rows:
            return self.rows
        numeric = [index for index, column in enumerate(self.columns) if column.numeric]
        return [row for row in self.rows if any(row[index] for index in numeric)]

    def printed_rows(self) -> list[list]:
        rows = self._rows_with_figures()
        return rows if self.print_limit is None else rows[: self.print_limit]

    def rest_row(self) -> list | None:
        """The rows the PDF leaves out past ``print_limit``, summed: counts and US$ add up, other
        columns are left blank, and the first text column says how many rows it stands for."""
        if self.print_limit is None:
            return None
        rest = self._rows_with_figures()[self.print_limit :]
        if not rest:
            return None
        label_at = next(i for i, column in enumerate(self.columns) if column.kind == TEXT)
        row = []
        for index, column in enumerate(self.columns):
            if index == label_at:
                row.append(self.rest_label % {"count": display(len(rest), INT)})
            elif column.kind == INT:
                row.append(sum(values[index] or 0 for values in rest))
            elif column.kind == USD:
                row.append(str(sum(Decimal(values[index] or 0) for values in rest)))
            else:
                row.append("")
        return row

    def display_rows(self) -> list[list[tuple[str, bool]]]:
        return [
            [
                (display(value, column.kind), column.numeric)
                for value, column in zip(row, self.columns, strict=True)
            ]
            for row in self.printed_rows()
        ]

    def display_total(self) -> list[tuple[str, bool]] | None:
        return self._display_summary(self.total)

    def display_rest(self) -> list[tuple[str, bool]] | None:
        return self._display_summary(self.rest_row())

    def _display_summary(self, row: list | None) -> list[tuple[str, bool]] | None:
        # A summary row leaves its blank cells blank (no dash).
        if row is None:
            return None
        return [
            (display(value, column.kind) if value not in (None, "") else "", column.numeric)
            for value, column in zip(row, self.columns, strict=True)
        ]


@dataclass
class Chart:
    key: str
    title: str
    categories: list[str]
    series: list[tuple[str, list[float]]]
    horizontal: bool = False
    uri: str = ""  # the rendered image, set by the PDF renderer


@dataclass
class Quote:
    text: str
    source: str


@dataclass
class Section:
    number: int
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    lists: list[tuple[str, list[str]]] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def anchor(self) -> str:
        return f"section-{self.number}"


@dataclass
class Headline:
    key: str
    label: str
    value: object
    kind: str
    previous: object = None
    section: int = 0

    @property
    def shown(self) -> str:
        return display(self.value, self.kind)

    @property
    def shown_previous(self) -> str:
        return display(self.previous, self.kind) if self.previous is not None else ""


@dataclass
class Document:
    year: int
    language: str
    title: str
    subtitle: str
    as_of: str
    sections: list[Section]
    headlines: list[Headline]
    definitions: list[str]
    # What the figures and the figures beside them cover: "2026" and "2025" for a year,
    # the first and last days of another period.
    period_label: str = ""
    previous_label: str = ""

    @property
    def is_bidi(self) -> bool:
        return translation.get_language_info(self.language)["bidi"]


def section_titles() -> list[str]:
    """The titles of the sections, in the active language (issue 6, "Contents"; issue 16 adds
    the ninth, issue 19 the tenth)."""
    return [
        _("Requests received"),
        _("How requests were handled"),
        _("Measurable results"),
        _("Resources mobilized and costs"),
        _("Needs, priorities and gaps"),
        _("Recipient governments' assessments"),
        _("South-South and triangular cooperation, and gender"),
        _("Lessons learned"),
        _("Who asked: countries, forums and UN bodies"),
        _("Referrals to partners"),
        _("Resources needed and available"),
        _("Division costs against the BSP allocations"),
        _("Outputs by kind, successes and shortcomings"),
        _("Requests by requester and subprogramme"),
        _("Follow-up assessments and the rating of the programme"),
    ]


# --- Figures derived from the snapshot (shares, totals), used by sections and headlines ------


def _without_response_total(rows) -> int:
    return sum(row["without_response"] for row in rows)


def _is_gap(row) -> bool:
    """Demand, and not one request (the withdrawn aside) received a response."""
    return (
        row["without_response"] > 0 and row["without_response"] == row["count"] - row["withdrawn"]
    )


def _sla_totals(rows, prefix) -> tuple[int, int]:
    met = sum(row[f"{prefix}_met"] for row in rows)
    due = sum(
        row[f"{prefix}_met"] + row[f"{prefix}_late"] + row[f"{prefix}_overdue"] for row in rows
    )
    return met, due


def _trained_total(figures) -> int:
    return figures["female"] + figures["male"] + figures["other"]


def _combined_results(results) -> dict:
    requests, activities = results["requests"], results["activities"]
    return {
        key: requests[key] + activities[key]
        for key in ("count", "female", "male", "other", "institutions", "outputs")
    }


# --- The sections ----------------------------------------------------------------------------


def _received(snapshot, number) -> Section:
    data = snapshot["received"]
    year, previous = str(snapshot["year"]), str(snapshot["previous_year"])
    section = Section(number, "received", section_titles()[number - 1])
    section.paragraphs.append(
        _(
            "In %(year)s the regional offices received %(count)s requests for technology "
            "support and capacity-building (%(previous_count)s in %(previous)s). Each figure "
            "below is shown beside the previous year's."
        )
        % {
            "year": year,
            "count": display(data["total"]["current"], INT),
            "previous_count": display(data["total"]["previous"], INT),
            "previous": previous,
        }
    )
    section.charts.append(
        Chart(
            "received_by_office",
            _("Requests received by regional office"),
            [row["code"] for row in data["by_office"]],
            [
                (year, [row["current"] for row in data["by_office"]]),
                (previous, [row["previous"] for row in data["by_office"]]),
            ],
        )
    )
    tables = [
        ("by_office", _("Requests received by regional office"), _("Regional office")),
        ("by_country", _("Requests received by country"), _("Country")),
        ("by_theme", _("Requests received by thematic area"), _("Thematic area")),
        ("by_issue", _("Requests received by cross-cutting issue"), _("Cross-cutting issue")),
        ("by_support_type", _("Requests received by type of support"), _("Type of support")),
        ("by_mea", _("Requests received by multilateral environmental agreement"), _("Agreement")),
    ]
    for index, (key, title, label) in enumerate(tables, start=1):
        total = None
        if key in ("by_office", "by_country"):
            total = [
                "",
                _("Total"),
                sum(row["current"] for row in data[key]),
                sum(row["previous"] for row in data[key]),
            ]
        section.tables.append(
            Table(
                f"{number}.{index}",
                title,
                [Column(_("Code"), CODE), Column(label), Column(year, INT), Column(previous, INT)],
                [[row["code"], row["label"], row["current"], row["previous"]] for row in data[key]],
                total=total,
                note=""
                if key in ("by_office", "by_country")
                else _(
                    "A request can name several. Those named in neither year are listed in the "
                    "annex only."
                ),
                print_zero_rows=key in ("by_office", "by_country"),
            )
        )
    return section


def _handling(snapshot, number) -> Section:
    data = snapshot["handling"]
    outcomes = data["outcomes"]
    received = outcomes["received"]
    levels = data["service_levels"]
    section = Section(number, "handling", section_titles()[number - 1])
    section.paragraphs.append(
        _(
            "Where the %(count)s requests received in %(year)s stood on %(as_of)s: how many were "
            "routed to a division, declined, referred to a better-placed organization, withdrawn "
            "by the country, completed or still open; how long each step took; and the share of "
            "steps done within the service levels (acknowledgement within %(ack)s days of "
            "submission, a decision within %(decision)s days, acceptance by the division within "
            "%(accept)s days of routing)."
        )
        % {
            "count": display(received, INT),
            "year": snapshot["year"],
            "as_of": _as_of_date(snapshot),
            "ack": levels["acknowledge_days"],
            "decision": levels["decision_days"],
            "accept": levels["acceptance_days"],
        }
    )
    labels = [
        ("routed", _("Routed to a division")),
        ("declined", _("Declined")),
        ("referred", _("Referred to another organization")),
        ("withdrawn", _("Withdrawn by the country")),
        ("completed", _("Completed")),
        ("open", _("Still open")),
    ]
    section.charts.append(
        Chart(
            "outcomes",
            _("Outcome of the requests received"),
            [label for _key, label in labels],
            [(str(snapshot["year"]), [outcomes[key] for key, _label in labels])],
            horizontal=True,
        )
    )
    section.tables.append(
        Table(
            f"{number}.1",
            _("Outcome of the requests received in %(year)s") % {"year": snapshot["year"]},
            [Column(_("Outcome")), Column(_("Requests"), INT), Column(_("Share"), PCT)],
            [[label, outcomes[key], share(outcomes[key], received)] for key, label in labels],
            total=[_("Requests received"), received, None],
            note=_(
                "Routed counts every request a division holds or held; the others are where "
                "each request stands now, so a routed request is also counted as completed, "
                "open or withdrawn."
            ),
        )
    )
    section.tables.append(
        Table(
            f"{number}.2",
            _("Requests declined, by reason"),
            [Column(_("Code"), CODE), Column(_("Reason")), Column(_("Requests"), INT)],
            [[row["code"], row["label"], row["count"]] for row in data["declined_by_reason"]],
            total=["", _("Total"), sum(row["count"] for row in data["declined_by_reason"])],
        )
    )
    step_labels = {
        "acknowledge": _("Acknowledgement by the regional office"),
        "decision": _("Decision: route, decline or refer"),
        "completion": _("Completion"),
    }
    section.tables.append(
        Table(
            f"{number}.3",
            _("Time taken, in days from submission"),
            [
                Column(_("Step")),
                Column(_("Requests"), INT),
                Column(_("Median"), DAYS),
                Column(_("90th percentile"), DAYS),
            ],
            [
                [step_labels[row["code"]], row["count"], row["median_days"], row["p90_days"]]
                for row in data["elapsed"]
            ],
            note=_("Of the requests received in the year that have taken the step."),
        )
    )
    offices = data["sla_by_office"]
    ack_met, ack_due = _sla_totals(offices, "ack")
    dec_met, dec_due = _sla_totals(offices, "decision")
    section.tables.append(
        Table(
            f"{number}.4",
            _("Steps done within the service levels, by regional office"),
            [
                Column(_("Code"), CODE),
                Column(_("Regional office")),
                Column(_("Acknowledged on time"), INT),
                Column(_("Acknowledgements due"), INT),
                Column(_("Share on time"), PCT),
                Column(_("Decided on time"), INT),
                Column(_("Decisions due"), INT),
                Column(_("Share on time"), PCT),
            ],
            [
                [
                    row["code"],
                    row["label"],
                    *_sla_cells(row, "ack"),
                    *_sla_cells(row, "decision"),
                ]
                for row in offices
            ],
            total=[
                "",
                _("Total"),
                ack_met,
                ack_due,
                share(ack_met, ack_due),
                dec_met,
                dec_due,
                share(dec_met, dec_due),
            ],
            note=_("Due: done on time, done late, or still waiting past the due date."),
        )
    )
    divisions = data["sla_by_division"]
    acc_met, acc_due = _sla_totals(divisions, "accept")
    section.tables.append(
        Table(
            f"{number}.5",
            _("Acceptance by the lead division within the service level"),
            [
                Column(_("Code"), CODE),
                Column(_("Division")),
                Column(_("Accepted on time"), INT),
                Column(_("Acceptances due"), INT),
                Column(_("Share on time"), PCT),
            ],
            [[row["code"], row["label"], *_sla_cells(row, "accept")] for row in divisions],
            total=["", _("Total"), acc_met, acc_due, share(acc_met, acc_due)],
        )
    )
    return section


def _sla_cells(row, prefix) -> list:
    due = row[f"{prefix}_met"] + row[f"{prefix}_late"] + row[f"{prefix}_overdue"]
    return [row[f"{prefix}_met"], due, share(row[f"{prefix}_met"], due)]


def _results(snapshot, number) -> Section:
    data = snapshot["results"]
    requests, activities = data["requests"], data["activities"]
    combined = _combined_results(data)
    section = Section(number, "results", section_titles()[number - 1])
    section.paragraphs.append(
        _(
            "Results reported when requests were completed in %(year)s, and by the registry "
            "activities completed in the year. An activity that answers a request completed "
            "the same year is counted once, through the request."
        )
        % {"year": snapshot["year"]}
    )
    section.charts.append(
        Chart(
            "people_trained",
            _("People trained, by gender"),
            [_("Women"), _("Men"), _("Others")],
            [
                (_("Through requests"), [requests["female"], requests["male"], requests["other"]]),
                (
                    _("Through registry activities"),
                    [activities["female"], activities["male"], activities["other"]],
                ),
            ],
        )
    )
    rows = [
        (_("Completed"), "count"),
        (_("Women trained"), "female"),
        (_("Men trained"), "male"),
        (_("Others trained"), "other"),
        (_("Institutions supported"), "institutions"),
        (_("Records reporting outputs"), "outputs"),
    ]
    table_rows = [[label, requests[key], activities[key], combined[key]] for label, key in rows]
    table_rows.insert(
        4,
        [
            _("People trained"),
            _trained_total(requests),
            _trained_total(activities),
            _trained_total(combined),
        ],
    )
    section.tables.append(
        Table(
            f"{number}.1",
            _("Results in %(year)s") % {"year": snapshot["year"]},
            [
                Column(_("Indicator")),
                Column(_("Through requests"), INT),
                Column(_("Through registry activities"), INT),
                Column(_("Total"), INT),
            ],
            table_rows,
            note=_("Laws, plans, tools and other outputs are listed in the annex."),
        )
    )
    section.tables.append(
        Table(
            f"{number}.2",
            _("Reach"),
            [Column(_("Indicator")), Column(_("Value"), INT)],
            [
                [_("Registry activities completed"), activities["completed"]],
                [_("Countries reached"), data["countries_reached"]],
            ],
        )
    )
    section.tables.append(
        Table(
            f"{number}.3",
            _("Results of the requests completed, by regional office"),
            [
                Column(_("Code"), CODE),
                Column(_("Regional office")),
                Column(_("Requests completed"), INT),
                Column(_("Women trained"), INT),
                Column(_("Men trained"), INT),
                Column(_("Others trained"), INT),
                Column(_("Institutions supported"), INT),
            ],
            [
                [
                    row["code"],
                    row["label"],
                    row["count"],
                    row["female"],
                    row["male"],
                    row["other"],
                    row["institutions"],
                ]
                for row in data["by_office"]
            ],
        )
    )
    if data["outputs"]:
        section.lists.append(
            (
                _("Outputs reported (the latest)"),
                [_("%(reference)s, %(country)s: %(text)s") % item for item in data["outputs"]],
            )
        )
    return section


def _resources(snapshot, number) -> Section:
    data = snapshot["resources"]
    year, previous = snapshot["year"], snapshot["previous_year"]
    section = Section(number, "resources", section_titles()[number - 1])
    section.paragraphs.append(
        _(
            "Funding recorded in the registry for %(year)s: US$ %(total)s (US$ %(previous_total)s "
            "in %(previous)s), by kind of source (plan §33-36), funder and division; and the "
            "costs of technology support and capacity-building each division reported when it "
            "completed requests (§31(h))."
        )
        % {
            "year": year,
            "total": display(data["total"]["current"], USD),
            "previous_total": display(data["total"]["previous"], USD),
            "previous": previous,
        }
    )
    section.charts.append(
        Chart(
            "funding_by_source",
            _("Funding by kind of source (US$)"),
            [row["label"] for row in data["by_source_kind"]],
            [(str(year), [float(row["usd"]) for row in data["by_source_kind"]])],
            horizontal=True,
        )
    )
    funding_columns = [
        Column(_("Funding lines"), INT),
        Column(_("US$"), USD),
        Column(_("Lines without a US$ value"), INT),
    ]

    def funding_total(rows, blank=1):
        return [
            *([""] * blank),
            _("Total"),
            sum(row["lines"] for row in rows),
            str(sum(Decimal(row["usd"]) for row in rows)),
            sum(row["unconverted"] for row in rows),
        ]

    section.tables.append(
        Table(
            f"{number}.1",
            _("Funding by kind of source"),
            [Column(_("Code"), CODE), Column(_("Kind of source")), *funding_columns],
            [
                [row["code"], row["label"], row["lines"], row["usd"], row["unconverted"]]
                for row in data["by_source_kind"]
            ],
            total=funding_total(data["by_source_kind"]),
        )
    )
    funders = data["by_funder"]
    section.tables.append(
        Table(
            f"{number}.2",
            _("Funding by funder"),
            [Column(_("Acronym"), CODE), Column(_("Funder")), *funding_columns],
            [
                [row["code"], row["label"], row["lines"], row["usd"], row["unconverted"]]
                for row in funders
            ],
            total=funding_total(funders),
            note=_(
                "The %(shown)s largest funders by US$ value are listed; the others are summed in "
                "one row. The XLSX annex lists all %(count)s funders."
            )
            % {"shown": display(FUNDERS_PRINTED, INT), "count": display(len(funders), INT)}
            if len(funders) > FUNDERS_PRINTED
            else "",
            print_limit=FUNDERS_PRINTED,
            rest_label=_("Other funders (%(count)s)"),
        )
    )
    section.tables.append(
        Table(
            f"{number}.3",
            _("Funding by lead division"),
            [Column(_("Code"), CODE), Column(_("Division")), *funding_columns],
            [
                [row["code"], row["label"], row["lines"], row["usd"], row["unconverted"]]
                for row in data["by_division"]
            ],
            total=funding_total(data["by_division"]),
        )
    )
    section.tables.append(
        Table(
            f"{number}.4",
            _("Funding without a US dollar equivalent"),
            [
                Column(_("Currency"), CODE),
                Column(_("Funding lines"), INT),
                Column(_("Amount"), USD),
            ],
            [[row["currency"], row["lines"], row["amount"]] for row in data["unconverted"]],
            note=_("Shown in the currency recorded; not included in the US$ totals."),
        )
    )
    costs = data["division_costs"]
    section.tables.append(
        Table(
            f"{number}.5",
            _("Costs reported by the divisions for the requests they completed"),
            [
                Column(_("Code"), CODE),
                Column(_("Division")),
                Column(_("Requests completed"), INT),
                Column(_("Cost reported (US$)"), USD),
            ],
            [[row["code"], row["label"], row["count"], row["cost"]] for row in costs],
            total=[
                "",
                _("Total"),
                sum(row["count"] for row in costs),
                str(sum(Decimal(row["cost"]) for row in costs)),
            ],
        )
    )
    return section


def _needs(snapshot, number) -> Section:
    data = snapshot["needs"]
    section = Section(number, "needs", section_titles()[number - 1])
    section.paragraphs.append(
        _(
            "The needs countries expressed in %(year)s, by region and by country, and the gaps: "
            "demand without a response. A request is without a response when it was declined "
            "or is overdue, or when no division has taken it up, it was not referred to a "
            "partner and no registry activity under way or completed works on its theme in its "
            "country. Requests the country withdrew are not gaps, nor those referred to a "
            "better-placed partner (the section on referrals follows them up)."
        )
        % {"year": snapshot["year"]}
    )
    section.tables.append(
        Table(
            f"{number}.1",
            _("Needs by region"),
            [
                Column(_("Code"), CODE),
                Column(_("Regional office")),
                Column(_("Requests"), INT),
                Column(_("Most requested themes"), LIST),
            ],
            [
                [row["code"], row["label"], row["count"], row["top_themes"]]
                for row in data["by_office"]
            ],
        )
    )
    section.tables.append(
        Table(
            f"{number}.2",
            _("Needs by country"),
            [
                Column(_("Code"), CODE),
                Column(_("Country")),
                Column(_("Requests"), INT),
                Column(_("Most requested themes"), LIST),
            ],
            [
                [row["code"], row["label"], row["count"], row["top_themes"]]
                for row in data["by_country"]
            ],
        )
    )
    gap_columns = [
        Column(_("Requests"), INT),
        Column(_("Declined"), INT),
        Column(_("Referred"), INT),
        Column(_("Overdue"), INT),
        Column(_("No matching activity"), INT),
        Column(_("Without a response"), INT),
    ]
    gap_keys = ("count", "declined", "referred", "overdue", "unmatched", "without_response")
    section.tables.append(
        Table(
            f"{number}.3",
            _("Gaps by thematic area"),
            [Column(_("Code"), CODE), Column(_("Thematic area")), *gap_columns],
            [
                [row["code"], row["label"], *(row[key] for key in gap_keys)]
                for row in data["gaps_by_theme"]
            ],
        )
    )
    section.tables.append(
        Table(
            f"{number}.4",
            _("Gaps by country"),
            [Column(_("Code"), CODE), Column(_("Country")), *gap_columns],
            [
                [row["code"], row["label"], *(row[key] for key in gap_keys)]
                for row in data["by_country"]
            ],
        )
    )
    gap_themes = [f"{row['code']} {row['label']}" for row in data["gaps_by_theme"] if _is_gap(row)]
    gap_countries = [f"{row['code']} {row['label']}" for row in data["by_country"] if _is_gap(row)]
    section.lists.append((_("Themes with demand but no response"), gap_themes or [_("None.")]))
    section.lists.append(
        (_("Countries with demand but no response"), gap_countries or [_("None.")])
    )
    return section


def _assessments(snapshot, number) -> Section:
    data = snapshot["assessments"]
    overall = data["overall"]
    section = Section(number, "assessments", section_titles()[number - 1])
    section.paragraphs.append(
        _(
            "Recipient governments assess the results of the support they received (plan "
            "§24(a), §25); an assessment is invited, never a precondition for support. "
            "%(count)s assessments were made in %(year)s."
        )
        % {"count": display(overall["count"], INT), "year": snapshot["year"]}
    )
    section.charts.append(
        Chart(
            "ratings",
            _("Assessments by rating (1 = poor, 5 = excellent)"),
            [str(row["code"]) for row in data["by_rating"]],
            [(str(snapshot["year"]), [row["count"] for row in data["by_rating"]])],
        )
    )
    kept_known = overall["retained"] + overall["not_retained"]
    section.tables.append(
        Table(
            f"{number}.1",
            _("Assessments made in %(year)s") % {"year": snapshot["year"]},
            [Column(_("Indicator")), Column(_("Value"), TEXT)],
            [
                [_("Assessments"), display(overall["count"], INT)],
                [_("Average rating (1 to 5)"), display(overall["average"], RATING)],
                [_("Capacity retained"), display(overall["retained"], INT)],
                [_("Capacity not retained"), display(overall["not_retained"], INT)],
                [
                    _("Share that kept the capacity"),
                    display(share(overall["retained"], kept_known), PCT),
                ],
            ],
            note=_("The share is of the assessments that said whether the capacity was kept."),
        )
    )
    section.tables.append(
        Table(
            f"{number}.2",
            _("Assessments by rating"),
            [Column(_("Rating"), CODE), Column(_("Assessments"), INT)],
            [[str(row["code"]), row["count"]] for row in data["by_rating"]],
        )
    )
    level_columns = [
        Column(_("Assessments"), INT),
        Column(_("Average rating"), RATING),
        Column(_("Share that kept the capacity"), PCT),
    ]

    def level_cells(row):
        return [
            row["count"],
            row["average"],
            share(row["retained"], row["retained"] + row["not_retained"]),
        ]

    section.tables.append(
        Table(
            f"{number}.3",
            _("Effectiveness and sustainability at national, subregional and regional level"),
            [Column(_("Code"), CODE), Column(_("Level")), *level_columns],
            [[row["code"], row["label"], *level_cells(row)] for row in data["by_scope"]],
        )
    )
    section.tables.append(
        Table(
            f"{number}.4",
            _("Assessments by regional office"),
            [Column(_("Code"), CODE), Column(_("Regional office")), *level_columns],
            [[row["code"], row["label"], *level_cells(row)] for row in data["by_office"]],
        )
    )
    section.quotes = [
        Quote(
            quote["text"],
            _("%(country)s, %(reference)s, rated %(rating)s/5") % quote,
        )
        for quote in data["quotes"]
    ]
    return section


def _cooperation(snapshot, number) -> Section:
    data = snapshot["cooperation"]
    gender = data["gender"]
    combined = _combined_results(snapshot["results"])
    trained = _trained_total(combined)
    section = Section(number, "cooperation", section_titles()[number - 1])
    section.paragraphs.append(
        _(
            "South-South and triangular cooperation (plan §21) and gender mainstreaming "
            "(§3(e), §20(a)(13)) across the requests, the registry's activities, their results "
            "and their funding in %(year)s."
        )
        % {"year": snapshot["year"]}
    )
    received = gender["received"]
    section.tables.append(
        Table(
            f"{number}.1",
            _("Interest in South-South or triangular cooperation among the requests received"),
            [
                Column(_("Code"), CODE),
                Column(_("Interest")),
                Column(_("Requests"), INT),
                Column(_("Share"), PCT),
            ],
            [
                [row["code"], row["label"], row["count"], share(row["count"], received)]
                for row in data["interest"]
            ],
        )
    )
    modalities = data["by_modality"]
    section.tables.append(
        Table(
            f"{number}.2",
            _("Registry activities by cooperation modality"),
            [
                Column(_("Code"), CODE),
                Column(_("Modality")),
                Column(_("Active in the year"), INT),
                Column(_("Completed in the year"), INT),
                Column(_("Women trained"), INT),
                Column(_("Men trained"), INT),
                Column(_("Others trained"), INT),
                Column(_("Funding (US$)"), USD),
            ],
            [
                [
                    row["code"],
                    row["label"],
                    row["active"],
                    row["completed"],
                    row["female"],
                    row["male"],
                    row["other"],
                    row["usd"],
                ]
                for row in modalities
            ],
            note=_("People trained by the activities completed in the year, all of them."),
        )
    )
    section.tables.append(
        Table(
            f"{number}.3",
            _("Gender"),
            [Column(_("Indicator")), Column(_("Value"), TEXT)],
            [
                [
                    _("Women among the people trained"),
                    display(share(combined["female"], trained), PCT),
                ],
                [_("Women trained"), display(combined["female"], INT)],
                [_("People trained"), display(trained, INT)],
                [
                    _("Requests stating gender considerations"),
                    display(gender["considerations"], INT),
                ],
                [
                    _("Share of the requests received"),
                    display(share(gender["considerations"], received), PCT),
                ],
                [_("Requests on gender mainstreaming (X13)"), display(gender["gender_issue"], INT)],
            ],
        )
    )
    active = sum(row["active"] for row in modalities)
    south = sum(row["active"] for row in modalities if row["code"] in ("south_south", "triangular"))
    section.lists.append(
        (
            _("South-South and triangular cooperation"),
            [
                _(
                    "%(count)s of the %(total)s registry activities active in %(year)s (%(share)s) "
                    "are South-South or triangular."
                )
                % {
                    "count": south,
                    "total": active,
                    "year": snapshot["year"],
                    "share": display(share(south, active), PCT),
                },
            ],
        )
    )
    return section


def _lessons(snapshot, number) -> Section:
    data = snapshot["lessons"]
    section = Section(number, "lessons", section_titles()[number - 1])
    section.paragraphs.append(
        _(
            "Successes, shortcomings and lessons learned, in the words of the divisions that "
            "completed requests in %(year)s and of the registry activities completed in the "
            "year (plan §31(h), §32). The annex lists every one of them."
        )
        % {"year": snapshot["year"]}
    )
    section.tables.append(
        Table(
            f"{number}.1",
            _("Lessons recorded"),
            [Column(_("Source")), Column(_("Records"), INT)],
            [
                [_("Requests completed"), data["counts"]["requests"]],
                [_("Registry activities completed"), data["counts"]["activities"]],
            ],
        )
    )
    if data["from_requests"]:
        section.lists.append(
            (
                _("From the requests completed (the latest)"),
                [
                    _("%(reference)s, %(country)s (%(division)s): %(text)s") % item
                    for item in data["from_requests"]
                ],
            )
        )
    if data["from_activities"]:
        section.lists.append(
            (
                _("From the registry activities completed"),
                [
                    _("%(identifier)s, %(title)s: %(text)s") % item
                    for item in data["from_activities"]
                ],
            )
        )
    return section


def _requesters(snapshot, number) -> Section | None:
    data = snapshot.get("requesters")
    if data is None:
        return None  # a run whose figures were taken before this section existed
    year, previous = str(snapshot["year"]), str(snapshot["previous_year"])
    section = Section(number, "requesters", section_titles()[number - 1])
    kinds = {row["code"]: row for row in data["by_kind"]}
    section.paragraphs.append(
        _(
            "Countries ask through the national focal points their governments designate; "
            "regional and subregional ministerial forums, UN bodies and secretariats of "
            "multilateral environmental agreements bring requests and priorities of their "
            "region (plan §8, §14-15, §30). In %(year)s countries filed %(countries)s requests "
            "and forums and UN bodies %(forums)s."
        )
        % {
            "year": year,
            "countries": display(kinds["country"]["current"], INT),
            "forums": display(kinds["forum"]["current"], INT),
        }
    )

    def counts_table(index, title, label, rows) -> Table:
        return Table(
            f"{number}.{index}",
            title,
            [Column(_("Code"), CODE), Column(label), Column(year, INT), Column(previous, INT)],
            [[row["code"], row["label"], row["current"], row["previous"]] for row in rows],
            total=[
                "",
                _("Total"),
                sum(row["current"] for row in rows),
                sum(row["previous"] for row in rows),
            ],
        )

    section.tables.append(
        counts_table(1, _("Requests received by requester"), _("Requester"), data["by_kind"])
    )
    section.tables.append(
        counts_table(
            2,
            _("Requests of forums and UN bodies by regional office"),
            _("Regional office"),
            data["forums_by_office"],
        )
    )
    section.tables.append(
        counts_table(
            3, _("Requests of forums and UN bodies by forum"), _("Forum"), data["by_forum"]
        )
    )
    section.tables.append(
        Table(
            f"{number}.4",
            _("Priorities the forums state for their regions"),
            [
                Column(_("Code"), CODE),
                Column(_("Thematic area")),
                Column(_("Forums stating it"), INT),
                Column(_("Requests received in %(year)s") % {"year": year}, INT),
            ],
            [
                [row["code"], row["label"], row["forums"], row["requests"]]
                for row in data["priorities"]
            ],
            note=_(
                "Priorities as the forums state them on the date the figures were taken; "
                "requests of every requester on the theme."
            ),
        )
    )
    return section


def _referrals(snapshot, number) -> Section | None:
    data = snapshot.get("referrals")
    if data is None:
        return None  # a run whose figures were taken before this section existed
    total = data["total"]
    section = Section(number, "referrals", section_titles()[number - 1])
    section.paragraphs.append(
        _(
            "The requests the regional offices referred in %(year)s to better-placed "
            "organizations (plan §16-17, §26), and what the partners made of them by "
            "%(as_of)s: %(count)s referrals, %(accepted)s of them accepted and %(completed)s "
            "completed. Partners answer and report the outcome through the portal; a referred "
            "request is not counted among the gaps."
        )
        % {
            "year": snapshot["year"],
            "as_of": _as_of_date(snapshot),
            "count": display(total["count"], INT),
            "accepted": display(_referrals_accepted(total), INT),
            "completed": display(_referrals_completed(total), INT),
        }
    )
    keys = ["count", "awaiting", "declined", "accepted", *REFERRAL_OUTCOMES]
    columns = [
        Column(_("Referrals"), INT),
        Column(_("Awaiting an answer"), INT),
        Column(_("Declined"), INT),
        Column(_("Accepted, under way"), INT),
        Column(_("Completed: support provided"), INT),
        Column(_("Completed: support partly provided"), INT),
        Column(_("Completed: support not provided"), INT),
    ]
    section.tables.append(
        Table(
            f"{number}.1",
            _("Referrals by organization and outcome"),
            [Column(_("Acronym"), CODE), Column(_("Organization")), *columns],
            [
                [row["acronym"], row["label"], *(row[key] for key in keys)]
                for row in data["by_organization"]
            ],
            total=["", _("Total"), *(total[key] for key in keys)],
        )
    )
    return section


REFERRAL_OUTCOMES = ("supported", "partly_supported", "not_supported")


def _referrals_accepted(total) -> int:
    """Accepted by the partner: under way, or completed since."""
    return total["accepted"] + _referrals_completed(total)


def _referrals_completed(total) -> int:
    return sum(total[key] for key in REFERRAL_OUTCOMES)


# --- Sections of issue 18 --------------------------------------------------------------------


def _sentence(label: str) -> str:
    """A field's or a choice's label as a column heading: its first letter capitalized, the
    rest as written ("a forum or UN body" keeps its "UN")."""
    return label[:1].upper() + label[1:]


def _needed_vs_available(snapshot, number) -> Section | None:
    data = snapshot.get("needed_vs_available")
    if data is None:
        return None  # a run whose figures were taken before this section existed
    total = data["total"]
    section = Section(number, "needed_vs_available", section_titles()[number - 1])
    section.paragraphs.append(
        _(
            "Whether the technical and financial resources needed are available (plan §32): "
            "the estimated budgets of the %(requests)s requests received in %(year)s "
            "(%(budgeted)s of them state one), US$ %(needed)s, against the funding the "
            "registry records for the same years, US$ %(available)s. A request or a funding "
            "line on several themes or regional offices counts under each."
        )
        % {
            "year": snapshot["year"],
            "requests": display(total["requests"], INT),
            "budgeted": display(total["budgeted"], INT),
            "needed": display(total["needed"], USD),
            "available": display(total["available"], USD),
        }
    )
    columns = [
        Column(_("Requests received"), INT),
        Column(_("Requests stating a budget"), INT),
        Column(_("Estimated budgets (US$)"), USD),
        Column(_("Funding lines"), INT),
        Column(_("Funding recorded (US$)"), USD),
    ]
    keys = ("requests", "budgeted", "needed", "lines", "available")

    def rows(items):
        return [[row["code"], row["label"], *(row[key] for key in keys)] for row in items]

    section.tables.append(
        Table(
            f"{number}.1",
            _("Resources needed and available by regional office"),
            [Column(_("Code"), CODE), Column(_("Regional office")), *columns],
            rows(data["by_office"]),
            total=["", _("Total"), *(total[key] for key in keys)],
        )
    )
    section.tables.append(
        Table(
            f"{number}.2",
            _("Resources needed and available by thematic area"),
            [Column(_("Code"), CODE), Column(_("Thematic area")), *columns],
            rows(data["by_theme"]),
            print_zero_rows=False,
        )
    )
    section.tables.append(
        Table(
            f"{number}.3",
            _("Funding by regional office (US$)"),
            [
                Column(_("Code"), CODE),
                Column(_("Regional office")),
                Column(str(snapshot["year"]), USD),
                Column(str(snapshot["previous_year"]), USD),
            ],
            [
                [row["code"], row["label"], row["current"], row["previous"]]
                for row in data["funding_by_office"]
            ],
            note=_("A line of an activity of several regional offices counts under each."),
        )
    )
    return section


def _division_allocations(snapshot, number) -> Section | None:
    data = snapshot.get("division_allocations")
    if data is None:
        return None
    section = Section(number, "division_allocations", section_titles()[number - 1])
    section.paragraphs.append(
        _(
            "Each division's costs of the requests it completed (§31(h)), in %(year)s and "
            "in the biennium %(biennium)s to the end of the period, against the allocation "
            "to the BSP in its biennial programme of work."
        )
        % {"year": snapshot["year"], "biennium": data["biennium"]}
    )
    section.tables.append(
        Table(
            f"{number}.1",
            _("Division costs against the BSP allocations (US$)"),
            [
                Column(_("Code"), CODE),
                Column(_("Division")),
                Column(_("Requests completed"), INT),
                Column(_("Costs in the period (US$)"), USD),
                Column(_("Costs in the biennium (US$)"), USD),
                Column(_("BSP allocation (US$)"), USD),
                Column(_("Share of the allocation used"), PCT),
            ],
            [
                [
                    row["code"],
                    row["label"],
                    row["count"],
                    row["cost"],
                    row["biennium_cost"],
                    row["allocation"],
                    row["used"],
                ]
                for row in data["by_division"]
            ],
            total=[
                "",
                _("Total"),
                sum(row["count"] for row in data["by_division"]),
                str(sum(Decimal(row["cost"]) for row in data["by_division"])),
                str(sum(Decimal(row["biennium_cost"]) for row in data["by_division"])),
                str(sum(Decimal(row["allocation"] or 0) for row in data["by_division"])),
                None,
            ],
            note=_("No allocation recorded: —."),
        )
    )
    return section


def _outputs_by_kind(snapshot, number) -> Section | None:
    data = snapshot.get("outputs_by_kind")
    if data is None:
        return None
    total = data["total"]
    kinds = [kind["code"] for kind in data["kinds"]]
    section = Section(number, "outputs_by_kind", section_titles()[number - 1])
    section.paragraphs.append(
        _(
            "The outputs the divisions counted when they completed requests in %(year)s "
            "(plan §24(b)): %(count)s requests completed, %(reporting)s of them with outputs "
            "counted by kind; and what they recorded as successes (%(successes)s) and "
            "shortcomings (%(shortcomings)s) (§31(h))."
        )
        % {
            "year": snapshot["year"],
            "count": display(total["count"], INT),
            "reporting": display(total["reporting"], INT),
            "successes": display(data["counts"]["successes"], INT),
            "shortcomings": display(data["counts"]["shortcomings"], INT),
        }
    )
    keys = ["count", "reporting", *kinds]
    section.tables.append(
        Table(
            f"{number}.1",
            _("Outputs by kind and regional office"),
            [
                Column(_("Code"), CODE),
                Column(_("Regional office")),
                Column(_("Requests completed"), INT),
                Column(_("Counting outputs by kind"), INT),
                *(Column(_sentence(kind["label"]), INT) for kind in data["kinds"]),
            ],
            [[row["code"], row["label"], *(row[key] for key in keys)] for row in data["by_office"]],
            total=["", _("Total"), *(total[key] for key in keys)],
        )
    )
    for key, title in (("successes", _("Successes")), ("shortcomings", _("Shortcomings"))):
        if data[key]:
            section.lists.append(
                (
                    title,
                    [_("%(reference)s (%(country)s): %(text)s") % item for item in data[key]],
                )
            )
    return section


def _requests_by_subprogramme(snapshot, number) -> Section | None:
    data = snapshot.get("requests_by_subprogramme")
    if data is None:
        return None
    kinds = data["kinds"]
    section = Section(number, "requests_by_subprogramme", section_titles()[number - 1])
    section.paragraphs.append(
        _(
            "The requests received in %(year)s by who asked and by the subprogramme of UNEP's "
            "programme of work of the registry activities that answer them. A request answered "
            "by activities of several subprogrammes counts under each."
        )
        % {"year": snapshot["year"]}
    )
    columns = [Column(_sentence(kind["label"]), INT) for kind in kinds]
    codes = [kind["code"] for kind in kinds]
    rows = [
        [row["code"], row["label"], *(row[code] for code in codes)]
        for row in data["by_subprogramme"]
    ]
    rows.append(["", _("No activity recorded"), *(data["unanswered"][code] for code in codes)])
    section.tables.append(
        Table(
            f"{number}.1",
            _("Requests received by requester and subprogramme"),
            [Column(_("Code"), CODE), Column(_("Subprogramme")), *columns],
            rows,
            total=["", _("Requests received"), *(data["received"][code] for code in codes)],
        )
    )
    return section


def _follow_ups(snapshot, number) -> Section | None:
    data = snapshot.get("follow_ups")
    if data is None:
        return None
    section = Section(number, "follow_ups", section_titles()[number - 1])
    invitations = data["invitations"]
    section.paragraphs.append(
        _(
            "Whether the capacity built lasts (plan §3(a)(v), §25): the assessments the "
            "recipients made in %(year)s on completion and 6 and 12 months after it, and their "
            "rating of UNEP's programme and of the staff trained. Every assessment is kept. "
            "In the period %(six)s invitations to the 6-month follow-up and %(twelve)s to the "
            "12-month follow-up were sent; answering is never required."
        )
        % {
            "year": snapshot["year"],
            "six": display(invitations["6"], INT),
            "twelve": display(invitations["12"], INT),
        }
    )
    section.tables.append(
        Table(
            f"{number}.1",
            _("Assessments on completion and at follow-up"),
            [
                Column(_("Assessment")),
                Column(_("Assessments"), INT),
                Column(_("Capacity kept"), INT),
                Column(_("Capacity not kept"), INT),
                Column(_("Capacity used"), INT),
                Column(_("Capacity not used"), INT),
                Column(_("Average rating of the results"), RATING),
                Column(_("Average rating of UNEP's programme"), RATING),
                Column(_("Average rating of the staff trained"), RATING),
            ],
            [
                [
                    row["label"],
                    row["count"],
                    row["retained"],
                    row["not_retained"],
                    row["used"],
                    row["not_used"],
                    row["rating"],
                    row["programme"],
                    row["staff"],
                ]
                for row in data["by_kind"]
            ],
        )
    )
    section.tables.append(
        Table(
            f"{number}.2",
            _("Ratings of UNEP's programme and of the staff trained"),
            [
                Column(_("Rating"), INT),
                Column(_("UNEP's programme"), INT),
                Column(_("Staff trained"), INT),
            ],
            [[row["code"], row["programme"], row["staff"]] for row in data["ratings"]],
        )
    )
    return section


BUILDERS = (
    _received,
    _handling,
    _results,
    _resources,
    _needs,
    _assessments,
    _cooperation,
    _lessons,
    _requesters,
    _referrals,
    _needed_vs_available,
    _division_allocations,
    _outputs_by_kind,
    _requests_by_subprogramme,
    _follow_ups,
)


# --- Headline figures (the CSV, the run's page, the report's first pages) --------------------


def headlines(snapshot) -> list[Headline]:
    received = snapshot["received"]["total"]
    handling = snapshot["handling"]
    outcomes = handling["outcomes"]
    elapsed = {row["code"]: row for row in handling["elapsed"]}
    results = snapshot["results"]
    combined = _combined_results(results)
    resources = snapshot["resources"]
    needs = snapshot["needs"]
    assessments = snapshot["assessments"]["overall"]
    cooperation = snapshot["cooperation"]
    lessons = snapshot["lessons"]["counts"]
    ack_met, ack_due = _sla_totals(handling["sla_by_office"], "ack")
    dec_met, dec_due = _sla_totals(handling["sla_by_office"], "decision")
    acc_met, acc_due = _sla_totals(handling["sla_by_division"], "accept")
    modalities = cooperation["by_modality"]
    active = sum(row["active"] for row in modalities)
    south = sum(row["active"] for row in modalities if row["code"] in ("south_south", "triangular"))
    interest = sum(row["count"] for row in cooperation["interest"] if row["code"] != "none")
    trained = _trained_total(combined)
    kept_known = assessments["retained"] + assessments["not_retained"]
    items: list[Headline] = []

    def add(section, key, label, value, kind=INT, previous=None):
        items.append(Headline(key, label, value, kind, previous, section))

    add(
        1,
        "requests_received",
        _("Requests received"),
        received["current"],
        previous=received["previous"],
    )
    add(2, "requests_routed", _("Requests routed to a division"), outcomes["routed"])
    add(2, "requests_declined", _("Requests declined"), outcomes["declined"])
    add(
        2, "requests_referred", _("Requests referred to another organization"), outcomes["referred"]
    )
    add(2, "requests_withdrawn", _("Requests withdrawn by the country"), outcomes["withdrawn"])
    add(2, "requests_completed", _("Requests completed"), outcomes["completed"])
    add(2, "requests_open", _("Requests still open"), outcomes["open"])
    for code, verb, median_label, p90_label in (
        (
            "acknowledge",
            "acknowledge",
            _("Median days to acknowledge"),
            _("90th percentile of days to acknowledge"),
        ),
        ("decision", "decide", _("Median days to decide"), _("90th percentile of days to decide")),
        (
            "completion",
            "complete",
            _("Median days to complete"),
            _("90th percentile of days to complete"),
        ),
    ):
        add(2, f"median_days_to_{verb}", median_label, elapsed[code]["median_days"], DAYS)
        add(2, f"p90_days_to_{verb}", p90_label, elapsed[code]["p90_days"], DAYS)
    add(
        2,
        "share_acknowledged_on_time",
        _("Share acknowledged on time"),
        share(ack_met, ack_due),
        PCT,
    )
    add(2, "share_decided_on_time", _("Share decided on time"), share(dec_met, dec_due), PCT)
    add(
        2,
        "share_accepted_on_time",
        _("Share accepted by the division on time"),
        share(acc_met, acc_due),
        PCT,
    )
    add(
        3,
        "requests_completed_in_year",
        _("Requests completed in the year"),
        results["requests"]["count"],
    )
    add(3, "women_trained", _("Women trained"), combined["female"])
    add(3, "men_trained", _("Men trained"), combined["male"])
    add(3, "others_trained", _("Others trained"), combined["other"])
    add(3, "people_trained", _("People trained"), trained)
    add(3, "institutions_supported", _("Institutions supported"), combined["institutions"])
    add(3, "records_reporting_outputs", _("Records reporting outputs"), combined["outputs"])
    add(
        3,
        "activities_completed",
        _("Registry activities completed"),
        results["activities"]["completed"],
    )
    add(3, "countries_reached", _("Countries reached"), results["countries_reached"])
    add(
        4,
        "funding_usd",
        _("Funding (US$)"),
        resources["total"]["current"],
        USD,
        previous=resources["total"]["previous"],
    )
    add(
        4,
        "division_costs_usd",
        _("Costs reported by the divisions (US$)"),
        str(sum(Decimal(row["cost"]) for row in resources["division_costs"])),
        USD,
    )
    add(
        5,
        "requests_without_response",
        _("Requests without a response"),
        _without_response_total(needs["by_country"]),
    )
    add(
        5,
        "themes_without_response",
        _("Themes with demand but no response"),
        sum(1 for row in needs["gaps_by_theme"] if _is_gap(row)),
    )
    add(
        5,
        "countries_without_response",
        _("Countries with demand but no response"),
        sum(1 for row in needs["by_country"] if _is_gap(row)),
    )
    add(6, "assessments", _("Assessments by recipient governments"), assessments["count"])
    add(6, "average_rating", _("Average rating (1 to 5)"), assessments["average"], RATING)
    add(
        6,
        "share_capacity_retained",
        _("Share that kept the capacity"),
        share(assessments["retained"], kept_known),
        PCT,
    )
    add(
        7,
        "requests_south_south_interest",
        _("Requests seeking South-South or triangular cooperation"),
        interest,
    )
    add(
        7,
        "share_activities_south_south",
        _("Share of active registry activities that are South-South or triangular"),
        share(south, active),
        PCT,
    )
    add(
        7,
        "share_women_trained",
        _("Women among the people trained"),
        share(combined["female"], trained),
        PCT,
    )
    add(
        7,
        "requests_gender_considerations",
        _("Requests stating gender considerations"),
        cooperation["gender"]["considerations"],
    )
    add(8, "lessons_recorded", _("Lessons recorded"), lessons["requests"] + lessons["activities"])
    if "requesters" in snapshot:
        forums = next(row for row in snapshot["requesters"]["by_kind"] if row["code"] == "forum")
        add(
            9,
            "requests_from_forums",
            _("Requests from forums and UN bodies"),
            forums["current"],
            previous=forums["previous"],
        )
    if "referrals" in snapshot:
        referrals = snapshot["referrals"]["total"]
        add(10, "referrals_made", _("Referrals to partners"), referrals["count"])
        add(
            10,
            "referrals_accepted",
            _("Referrals accepted by the partner"),
            _referrals_accepted(referrals),
        )
        add(
            10,
            "referrals_completed",
            _("Referrals completed by the partner"),
            _referrals_completed(referrals),
        )
    if "outputs_by_kind" in snapshot:
        outputs = snapshot["outputs_by_kind"]["total"]
        for kind, label in (
            ("laws_drafted", _("Laws and regulations drafted")),
            ("policies_adopted", _("Policies and plans adopted")),
            ("tools_developed", _("Tools developed")),
            ("institutions_strengthened", _("Institutions strengthened")),
        ):
            add(13, kind, label, outputs[kind])
    if "needed_vs_available" in snapshot:
        total = snapshot["needed_vs_available"]["total"]
        add(
            11, "budgets_needed_usd", _("Estimated budgets of requests (US$)"), total["needed"], USD
        )
    if "follow_ups" in snapshot:
        rows = {row["code"]: row for row in snapshot["follow_ups"]["by_kind"]}
        add(
            15,
            "follow_up_assessments",
            _("Follow-up assessments"),
            rows["follow_up_6"]["count"] + rows["follow_up_12"]["count"],
        )
    return items


def _as_of_date(snapshot) -> str:
    return date_format(datetime.fromisoformat(snapshot["as_of"]), "DATE_FORMAT")


def _as_labelled(snapshot: dict) -> dict:
    """The snapshot as the sections read it: for a period other than a calendar year, its
    ``year`` and ``previous_year`` are the labels of the period and of the one before."""
    if "period_label" not in snapshot:
        return snapshot
    return {
        **snapshot,
        "year": snapshot["period_label"],
        "previous_year": snapshot["previous_label"],
    }


def build(snapshot: dict, language: str) -> Document:
    """The whole report in ``language``, from the figures of a run."""
    with translation.override(language):
        labelled = _as_labelled(snapshot)
        year = labelled["year"]
        built = (builder(labelled, number) for number, builder in enumerate(BUILDERS, start=1))
        sections = [section for section in built if section is not None]
        subtitle = _("Report of the Executive Director to the Governing Council")
        office = snapshot.get("regional_office")
        if office:
            subtitle = _("%(subtitle)s: %(office)s") % {
                "subtitle": subtitle,
                "office": office["label"],
            }
        return Document(
            year=snapshot["year"],
            language=language,
            title=_(
                "Implementation of the Bali Strategic Plan for Technology Support and "
                "Capacity-building in %(year)s"
            )
            % {"year": year},
            subtitle=subtitle,
            as_of=_("Figures as of %(date)s") % {"date": _as_of_date(snapshot)},
            sections=sections,
            headlines=headlines(labelled),
            period_label=str(year),
            previous_label=str(labelled["previous_year"]),
            definitions=[
                _(
                    "A request is received in the year it was submitted (UTC); drafts are not "
                    "counted."
                ),
                _(
                    "Handling follows the requests received in the year to where they stand on "
                    "the date the figures were taken."
                ),
                _(
                    "On time: a step done by its due date under the portal's service levels. "
                    "Overdue: still waiting past its due date; time spent waiting for the "
                    "country's answer does not count."
                ),
                _("Amounts are in US dollars where the registry records a US dollar value."),
                _(
                    "A period other than a calendar year is compared with the period of the "
                    "same length just before it; funding, recorded by year, counts in the "
                    "years the period touches."
                ),
            ],
        )
