"""The public dashboard, ``/dashboard/``: the figures of ``reporting.statistics`` as charts,
tables and CSV files, for anyone, signed in or not.

The page needs no script: its charts are SVG drawn here on the server (bars whose length is an
attribute, not a style, which the content security policy would refuse), and each chart has
its table beside it. The page and the API read the same stored figures, so they always agree.
"""

import csv
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language_bidi, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from bali_portal.spreadsheets import csv_text

from . import statistics

# The year chart's geometry (SVG user units).
YEAR_WIDTH = 44
YEAR_CHART_HEIGHT = 160
YEAR_AXIS = 22
YEAR_TOP = 8


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    money: bool = False


@dataclass(frozen=True)
class Table:
    """A table of the page, and the CSV file of the same rows."""

    slug: str
    title: str
    rows: str  # where the rows are in the figures: "by_stage", "funding.by_source"...
    columns: tuple[Column, ...]


def _columns(*pairs):
    return tuple(Column(key, heading, money=key.endswith("_usd")) for key, heading in pairs)


TABLES = (
    Table(
        "stages",
        gettext_lazy("Requests by stage"),
        "by_stage",
        _columns(
            ("code", gettext_lazy("Code")),
            ("name", gettext_lazy("Stage")),
            ("count", gettext_lazy("Requests")),
        ),
    ),
    Table(
        "regions",
        gettext_lazy("Requests by region"),
        "by_region",
        _columns(
            ("code", gettext_lazy("Code")),
            ("name", gettext_lazy("Regional office")),
            ("count", gettext_lazy("Requests")),
            ("estimated_budget_usd", gettext_lazy("Estimated budgets (USD)")),
            ("cost_usd", gettext_lazy("Costs of completed requests (USD)")),
        ),
    ),
    Table(
        "themes",
        gettext_lazy("Requests by thematic area"),
        "by_theme",
        _columns(
            ("code", gettext_lazy("Code")),
            ("name", gettext_lazy("Thematic area")),
            ("count", gettext_lazy("Requests")),
        ),
    ),
    Table(
        "years",
        gettext_lazy("Requests by year"),
        "by_year",
        _columns(
            ("year", gettext_lazy("Year")),
            ("received", pgettext_lazy("requests received in a year", "Received")),
            ("completed", pgettext_lazy("requests completed in a year", "Completed")),
            ("people_trained", gettext_lazy("People trained")),
            ("estimated_budget_usd", gettext_lazy("Estimated budgets (USD)")),
            ("cost_usd", gettext_lazy("Costs of completed requests (USD)")),
            ("registry_funding_usd", gettext_lazy("Funding recorded in the registry (USD)")),
        ),
    ),
    Table(
        "countries",
        gettext_lazy("Requests by country"),
        "by_country",
        _columns(
            ("code", gettext_lazy("Code")),
            ("name", gettext_lazy("Country")),
            ("regional_office", gettext_lazy("Regional office")),
            ("count", gettext_lazy("Requests")),
        ),
    ),
    Table(
        "funding-sources",
        gettext_lazy("Funding recorded in the registry, by kind of source"),
        "funding.by_source",
        _columns(
            ("code", gettext_lazy("Code")),
            ("name", gettext_lazy("Kind of source")),
            ("lines", gettext_lazy("Funding lines")),
            ("lines_in_usd", gettext_lazy("Lines with a USD amount")),
            ("amount_usd", gettext_lazy("Amount (USD)")),
        ),
    ),
)
TABLES_BY_SLUG = {table.slug: table for table in TABLES}


def rows_of(figures: dict, table: Table) -> list[dict]:
    rows = figures
    for part in table.rows.split("."):
        rows = rows[part]
    return rows


# --- Charts ---------------------------------------------------------------------------------


def with_bars(rows: list[dict], key: str = "count") -> list[dict]:
    """Each row with ``bar`` (its length, 0-100, against the largest) and ``bar_x`` (where it
    starts: from the right in a right-to-left language)."""
    largest = max((Decimal(row[key] or 0) for row in rows), default=0)
    rtl = get_language_bidi()
    shown = []
    for row in rows:
        value = Decimal(row[key] or 0)
        length = round(float(100 * value / largest), 1) if largest else 0.0
        shown.append({**row, "bar": svg(length), "bar_x": svg(100 - length if rtl else 0)})
    return shown


def svg(number: float) -> str:
    """A coordinate as SVG reads it: a dot before the decimals in every language (a template
    would write "12,5" in French or Russian)."""
    return f"{number:.1f}".removesuffix(".0")


def year_chart(years: list[dict]) -> dict:
    """Columns of the requests received and completed each year, as SVG coordinates."""
    largest = max((max(row["received"], row["completed"]) for row in years), default=0)
    plot = YEAR_CHART_HEIGHT - YEAR_AXIS - YEAR_TOP
    ordered = list(reversed(years)) if get_language_bidi() else years
    columns = []
    for index, row in enumerate(ordered):
        left = index * YEAR_WIDTH
        received = round(plot * row["received"] / largest, 1) if largest else 0
        completed = round(plot * row["completed"] / largest, 1) if largest else 0
        columns.append(
            {
                **row,
                "x": svg(left + 6),
                "x_completed": svg(left + 23),
                "label_x": svg(left + YEAR_WIDTH / 2),
                "received_height": svg(received),
                "received_y": svg(YEAR_TOP + plot - received),
                "completed_height": svg(completed),
                "completed_y": svg(YEAR_TOP + plot - completed),
            }
        )
    return {
        "columns": columns,
        "width": svg(max(len(years), 1) * YEAR_WIDTH),
        "height": svg(YEAR_CHART_HEIGHT),
        "baseline": svg(YEAR_CHART_HEIGHT - YEAR_AXIS),
        "label_y": svg(YEAR_CHART_HEIGHT - 6),
    }


# --- Views ----------------------------------------------------------------------------------


PREPARING_RETRY_SECONDS = 30


def figures_being_prepared(request):
    """The very first figures are being computed (never again once they exist)."""
    response = render(
        request,
        "reporting/dashboard_preparing.html",
        {"retry_after": PREPARING_RETRY_SECONDS},
        status=503,
    )
    response["Retry-After"] = str(PREPARING_RETRY_SECONDS)
    return response


def dashboard(request):
    try:
        figures = statistics.public_statistics()
    except statistics.FiguresNotReady:
        return figures_being_prepared(request)
    countries = figures["by_country"]
    as_of = datetime.fromisoformat(figures["as_of"])
    return render(
        request,
        "reporting/dashboard.html",
        {
            "figures": figures,
            "as_of": as_of,
            "refresh_minutes": max(1, figures["refresh_seconds"] // 60),
            "stages": with_bars(figures["by_stage"]),
            "regions": with_bars(figures["by_region"]),
            "themes": with_bars(figures["by_theme"]),
            "years": figures["by_year"],
            "year_chart": year_chart(figures["by_year"]),
            "countries": with_bars(countries),
            "hidden_countries": sum(1 for row in countries if row["suppressed"]),
            "sources": with_bars(figures["funding"]["by_source"], "amount_usd"),
            "tables": TABLES,
        },
    )


def csv_cell(row: dict, column: Column) -> str:
    value = row.get(column.key)
    if value is None:
        return ""
    return csv_text(str(value))


def dashboard_csv(request, slug: str):
    """One table of the dashboard as CSV (UTF-8 with a byte-order mark, for spreadsheets):
    codes and names in their own columns, hidden counts empty and marked."""
    table = TABLES_BY_SLUG.get(slug)
    if table is None:
        raise Http404
    try:
        figures = statistics.public_statistics()
    except statistics.FiguresNotReady:
        return figures_being_prepared(request)
    rows = rows_of(figures, table)
    hides = any("suppressed" in row for row in rows)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bali-statistics-{slug}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    header = [str(column.heading) for column in table.columns]
    if hides:
        header.append(_("Hidden (small number)"))
    writer.writerow([csv_text(cell) for cell in header])
    for row in rows:
        cells = [csv_cell(row, column) for column in table.columns]
        if hides:
            cells.append(_("yes") if row["suppressed"] else "")
        writer.writerow(cells)
    return response
