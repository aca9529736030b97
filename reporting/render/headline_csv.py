"""The CSV of the headline figures: one row per figure, machine-readable values."""

import csv
from decimal import Decimal
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from bali_portal.spreadsheets import csv_text

from ..document import DAYS, INT, PCT, RATING, USD, Document

# In the report's language, as its other files (the column of keys stays machine-readable).
UNITS = {
    INT: pgettext_lazy("unit of a figure", "count"),
    USD: "USD",
    PCT: pgettext_lazy("unit of a figure", "percent"),
    DAYS: pgettext_lazy("unit of a figure", "days"),
    RATING: pgettext_lazy("unit of a figure", "rating 1-5"),
}


def csv_value(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == INT:
        return str(int(value))
    if kind == USD:
        return f"{Decimal(value):.2f}"
    if kind == PCT:
        return f"{value * 100:.1f}"
    if kind == DAYS:
        return f"{value:.1f}"
    if kind == RATING:
        return f"{value:.2f}"
    return str(value)


def render_csv(document: Document, target: Path) -> None:
    with translation.override(document.language):
        header = [
            pgettext("column of the figures' file", "indicator"),
            pgettext("column of the figures' file", "section"),
            _("Figure"),
            document.period_label or str(document.year),
            document.previous_label or str(document.year - 1),
            pgettext("column of the figures' file", "unit"),
        ]
        # UTF-8 with a byte-order mark: spreadsheet programs then read Chinese names correctly.
        with open(target, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([csv_text(cell) for cell in header])
            for item in document.headlines:
                # The section's number and the figures are numbers (a negative one is a number,
                # not a formula); the rest is text, as a spreadsheet must read it.
                writer.writerow(
                    [
                        csv_text(item.key),
                        item.section,
                        csv_text(str(item.label)),
                        csv_value(item.value, item.kind),
                        csv_value(item.previous, item.kind),
                        csv_text(str(UNITS.get(item.kind, ""))),
                    ]
                )
