"""What a person reads in the spreadsheet export (issue 17): each column's heading in the
reader's language, and beside each column of codes a column of the names they stand for.

The CSV keeps the column keys and codes alone: it is the file the import reads back (``import
_activities``) and other systems exchange, and its header is the import's contract.
"""

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import (
    MEA,
    ActivityScope,
    ActivityStatus,
    Country,
    CrossCuttingIssue,
    Division,
    Modality,
    RegionalOffice,
    Subprogramme,
    SupportType,
    ThematicArea,
)
from .records import COLUMNS, LIST_SEPARATOR
from .reference import active_items

COLUMN_LABELS = {
    "identifier": gettext_lazy("Identifier"),
    "title": gettext_lazy("Title"),
    "title_zh": gettext_lazy("Title in Chinese"),
    "status": gettext_lazy("Status"),
    "modality": gettext_lazy("Cooperation modality"),
    "scope": gettext_lazy("Scope"),
    "parent": gettext_lazy("Part of"),
    "phase": gettext_lazy("Phase"),
    "planned_start": gettext_lazy("Planned start"),
    "planned_end": gettext_lazy("Planned end"),
    "actual_start": gettext_lazy("Actual start"),
    "actual_end": gettext_lazy("Actual end"),
    "lead_division": gettext_lazy("Lead division"),
    "subprogramme": gettext_lazy("Subprogramme"),
    "regional_offices": gettext_lazy("Regional offices"),
    "countries": gettext_lazy("Countries"),
    "thematic_areas": gettext_lazy("Thematic areas"),
    "cross_cutting_issues": gettext_lazy("Cross-cutting issues"),
    "meas": gettext_lazy("Agreements"),
    "support_types": gettext_lazy("Types of support"),
    "objectives": gettext_lazy("Objectives"),
    "description": gettext_lazy("Description"),
    "partners": gettext_lazy("Partners"),
    "funding": gettext_lazy("Funding"),
    "people_trained_female": gettext_lazy("Women trained"),
    "people_trained_male": gettext_lazy("Men trained"),
    "people_trained_other": gettext_lazy("Other people trained"),
    "institutions_supported": gettext_lazy("Institutions supported"),
    "outputs": gettext_lazy("Outputs"),
    "results_narrative": gettext_lazy("Results"),
    "links": gettext_lazy("Links"),
    "is_published": gettext_lazy("Published"),
    "total_funding_usd": gettext_lazy("Total funding (USD)"),
    "url": gettext_lazy("Address"),
    "updated_at": gettext_lazy("Last change"),
}

CHOICES = {"status": ActivityStatus, "modality": Modality, "scope": ActivityScope}
REFERENCE_LISTS = {
    "lead_division": Division,
    "subprogramme": Subprogramme,
    "regional_offices": RegionalOffice,
    "countries": Country,
    "thematic_areas": ThematicArea,
    "cross_cutting_issues": CrossCuttingIssue,
    "meas": MEA,
    "support_types": SupportType,
}
NAMED = (*CHOICES, *REFERENCE_LISTS)


def xlsx_header() -> list[str]:
    """Each column's heading, with a names column after each column of codes."""
    header = []
    for column in COLUMNS:
        header.append(str(COLUMN_LABELS[column]))
        if column in NAMED:
            header.append(_("%(column)s (names)") % {"column": COLUMN_LABELS[column]})
    return header


def namers() -> list[Callable[[str], str] | None]:
    """For each column in ``COLUMNS`` order: the function that names its codes, or None."""
    result = []
    for column in COLUMNS:
        if column in CHOICES:
            labels = {value: str(label) for value, label in CHOICES[column].choices}
            result.append(lambda cell, labels=labels: labels.get(cell, cell))
        elif column in REFERENCE_LISTS:
            result.append(_list_namer(REFERENCE_LISTS[column]))
        else:
            result.append(None)
    return result


def _list_namer(model) -> Callable[[str], str]:
    items = active_items(model)

    def name(cell: str) -> str:
        names = []
        for part in filter(None, (piece.strip() for piece in cell.split(LIST_SEPARATOR))):
            # A country may carry its share: ``CHN:40``.
            code, _colon, share = part.partition(":")
            item = items.find(code)
            label = item.localized_name if item else code
            names.append(f"{label} ({share} %)" if share else label)
        return f"{LIST_SEPARATOR} ".join(names)

    return name


def with_names(cells: list, named: list[Callable[[str], str] | None]) -> list:
    """The row's cells with each code column followed by its names."""
    row = []
    for cell, namer in zip(cells, named, strict=True):
        row.append(cell)
        if namer is not None:
            row.append(namer(cell) if cell else "")
    return row
