"""One flat, canonical form of an activity: the columns of the CSV and XLSX exports.

The same form is what ``import_activities`` reads back, and what the change history compares,
so an export re-imported unchanged is recognised as unchanged, and a history entry lists
exactly the columns a person changed.

Lists inside a cell are separated by ``;``; the parts of a partner, funding line or link by
``|`` (a partner is ``role: organization name``). Countries may carry a share:
``CHN:40; IND:30; NPL:30``.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .models import (
    MEA,
    Activity,
    Country,
    CrossCuttingIssue,
    Division,
    FundingSourceKind,
    Organization,
    PartnerRole,
    RegionalOffice,
    Subprogramme,
    SupportType,
    ThematicArea,
)

LIST_SEPARATOR = ";"
PART_SEPARATOR = "|"

# Plain model fields, in column order, and how each is written in a cell.
TEXT_FIELDS = (
    "identifier",
    "title",
    "title_zh",
    "status",
    "modality",
    "scope",
)
DATE_FIELDS = ("planned_start", "planned_end", "actual_start", "actual_end")
LONG_TEXT_FIELDS = ("objectives", "description", "outputs", "results_narrative")
COUNT_FIELDS = (
    "people_trained_female",
    "people_trained_male",
    "people_trained_other",
    "institutions_supported",
)
CODE_LISTS = {
    "regional_offices": RegionalOffice,
    "thematic_areas": ThematicArea,
    "cross_cutting_issues": CrossCuttingIssue,
    "meas": MEA,
    "support_types": SupportType,
}

COLUMNS = [
    "identifier",
    "title",
    "title_zh",
    "status",
    "modality",
    "scope",
    "parent",
    "phase",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "lead_division",
    "subprogramme",
    "regional_offices",
    "countries",
    "thematic_areas",
    "cross_cutting_issues",
    "meas",
    "support_types",
    "objectives",
    "description",
    "partners",
    "funding",
    "people_trained_female",
    "people_trained_male",
    "people_trained_other",
    "institutions_supported",
    "outputs",
    "results_narrative",
    "links",
    "is_published",
    # Read-only: computed by the registry, ignored by the import.
    "total_funding_usd",
    "url",
    "updated_at",
]
READ_ONLY_COLUMNS = ("total_funding_usd", "url", "updated_at")
EDITABLE_COLUMNS = [column for column in COLUMNS if column not in READ_ONLY_COLUMNS]

COLUMN_HELP = {
    "countries": _("ISO alpha-3 codes, optionally with a share in percent: CHN:40; IND:30"),
    "partners": _(
        "role: organization name; … (roles: implementing, funding, technical, beneficiary)"
    ),
    "funding": _("funder | source kind | amount | currency | year | amount in USD; …"),
    "links": _(
        "kind | address or identifier | label; … (kinds: web_page, document, iati, "
        "gef, other_identifier)"
    ),
}


@dataclass
class FundingInput:
    funder: Organization
    source_kind: FundingSourceKind
    amount: Decimal
    currency: str
    year: int | None = None
    amount_usd: Decimal | None = None


@dataclass
class LinkInput:
    kind: str
    url: str = ""
    identifier: str = ""
    label: str = ""


@dataclass
class ActivityInput:
    """Everything a person (through a form) or a file (through the import) says of an activity.

    ``fields`` holds the plain fields and the foreign keys (``lead_division``,
    ``subprogramme``, ``parent``) as model instances.
    """

    fields: dict
    regional_offices: list = field(default_factory=list)
    countries: list[tuple[Country, Decimal | None]] = field(default_factory=list)
    thematic_areas: list = field(default_factory=list)
    cross_cutting_issues: list = field(default_factory=list)
    meas: list = field(default_factory=list)
    support_types: list = field(default_factory=list)
    partners: list[tuple[Organization, str]] = field(default_factory=list)
    funding: list[FundingInput] = field(default_factory=list)
    links: list[LinkInput] = field(default_factory=list)


SCALAR_FIELDS = (
    *TEXT_FIELDS,
    "phase",
    *DATE_FIELDS,
    *LONG_TEXT_FIELDS,
    *COUNT_FIELDS,
    "is_published",
)
FOREIGN_KEYS = {"parent": Activity, "lead_division": Division, "subprogramme": Subprogramme}


def activity_to_input(activity: Activity) -> ActivityInput:
    """The input that would recreate ``activity`` (loaded ``with_everything()``)."""
    fields = {name: getattr(activity, name) for name in SCALAR_FIELDS}
    fields.update(
        parent=activity.parent,
        lead_division=activity.lead_division,
        subprogramme=activity.subprogramme,
    )
    return ActivityInput(
        fields=fields,
        countries=[(row.country, row.share_percent) for row in activity.activity_countries.all()],
        partners=[(row.organization, row.role) for row in activity.partnerships.all()],
        funding=[
            FundingInput(
                funder=line.funder,
                source_kind=line.source_kind,
                amount=line.amount,
                currency=line.currency,
                year=line.year,
                amount_usd=line.amount_usd,
            )
            for line in activity.funding_lines.all()
        ],
        links=[
            LinkInput(kind=link.kind, url=link.url, identifier=link.identifier, label=link.label)
            for link in activity.links.all()
        ],
        **{name: list(getattr(activity, name).all()) for name in CODE_LISTS},
    )


_CENT = Decimal("0.01")


def format_decimal(value: Decimal | None) -> str:
    if value is None:
        return ""
    # A constant quantum: making Decimal("0.01") anew cost twice the rest of the call, and the
    # export formats some seven amounts and shares per row.
    return str(Decimal(value).quantize(_CENT))


def format_share(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format_decimal(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


_ROLE_ORDER = {role: position for position, role in enumerate(PartnerRole.values)}

# The cells that list related records. Each takes plain tuples, so that the history and import
# (model instances) and the streaming export (one query of aggregated tuples, see
# ``registry.exports``) write exactly the same text.


def codes_cell(codes) -> str:
    return f"{LIST_SEPARATOR} ".join(sorted(codes))


def countries_cell(countries) -> str:
    """``countries``: (code, share percent or None) pairs."""
    return f"{LIST_SEPARATOR} ".join(
        f"{code}:{format_share(share)}" if share is not None else code
        for code, share in sorted(countries, key=lambda pair: pair[0])
    )


def partners_cell(partners) -> str:
    """``partners``: (role, organization name) pairs."""
    return f"{LIST_SEPARATOR} ".join(
        f"{role}: {name}"
        for role, name in sorted(partners, key=lambda pair: (_ROLE_ORDER.get(pair[0], 99), pair[1]))
    )


def funding_cell(lines) -> str:
    """``lines``: (funder name, source kind code, amount, currency, year, amount in USD)."""
    return f"{LIST_SEPARATOR} ".join(
        f" {PART_SEPARATOR} ".join(
            [
                name,
                kind,
                format_decimal(amount),
                currency,
                "" if year is None else str(year),
                format_decimal(amount_usd),
            ]
        ).rstrip(f" {PART_SEPARATOR}")
        for name, kind, amount, currency, year, amount_usd in sorted(lines, key=_funding_order)
    )


def _funding_order(line) -> tuple:
    name, kind, amount, currency, year, amount_usd = line
    # Every part takes part, so that the cell does not depend on the order lines were read in.
    return (year or 0, name, amount, currency, kind, format_decimal(amount_usd))


def links_cell(links) -> str:
    """``links``: (kind, address, identifier, label), in the order they are shown."""
    return f"{LIST_SEPARATOR} ".join(
        f" {PART_SEPARATOR} ".join([kind, url or identifier, label]).rstrip(f" {PART_SEPARATOR}")
        for kind, url, identifier, label in links
    )


def text_cell(value) -> str:
    return str(value or "")


def date_cell(value) -> str:
    return value.isoformat() if value else ""


def count_cell(value) -> str:
    return "" if value is None else str(value)


def flag_cell(value) -> str:
    return "yes" if value else "no"


def timestamp_cell(value) -> str:
    return value.isoformat(timespec="seconds")


def _scalar_cell(name: str):
    if name in DATE_FIELDS:
        return date_cell
    if name in COUNT_FIELDS:
        return count_cell
    return flag_cell if name == "is_published" else text_cell


# How each plain field is written in its cell, in ``SCALAR_FIELDS`` order.
SCALAR_CELLS = {name: _scalar_cell(name) for name in SCALAR_FIELDS}


def scalar_cells(fields: dict) -> dict[str, str]:
    """The cells of the plain fields (``SCALAR_FIELDS``), from their values."""
    return {name: cell(fields.get(name)) for name, cell in SCALAR_CELLS.items()}


def input_to_row(data: ActivityInput) -> dict[str, str]:
    """The editable columns of ``data``, each as the text of its cell, in a canonical order."""
    fields = data.fields
    row = scalar_cells(fields)
    parent = fields.get("parent")
    row["parent"] = parent.identifier if parent else ""
    for name in ("lead_division", "subprogramme"):
        value = fields.get(name)
        row[name] = value.code if value else ""
    for name in CODE_LISTS:
        row[name] = codes_cell(item.code for item in getattr(data, name))
    row["countries"] = countries_cell((country.code, share) for country, share in data.countries)
    row["partners"] = partners_cell(
        (role, organization.name) for organization, role in data.partners
    )
    row["funding"] = funding_cell(
        (
            line.funder.name,
            line.source_kind.code,
            line.amount,
            line.currency,
            line.year,
            line.amount_usd,
        )
        for line in data.funding
    )
    row["links"] = links_cell(
        (link.kind, link.url, link.identifier, link.label) for link in data.links
    )
    return {column: row[column] for column in EDITABLE_COLUMNS}


def total_funding_usd(activity: Activity) -> Decimal | None:
    return total_usd(line.amount_usd for line in activity.funding_lines.all())


def total_usd(amounts_usd) -> Decimal | None:
    """The sum of the amounts in USD that are known; None if none is."""
    known = [amount for amount in amounts_usd if amount is not None]
    return sum(known, Decimal("0")) if known else None


def activity_row(activity: Activity, base_url: str = "") -> dict[str, str]:
    """Every column of ``activity`` (loaded ``with_everything()``) for CSV and XLSX."""
    row = input_to_row(activity_to_input(activity))
    row["total_funding_usd"] = format_decimal(total_funding_usd(activity))
    row["url"] = f"{base_url}{activity.get_absolute_url()}"
    row["updated_at"] = timestamp_cell(activity.updated_at)
    return row


def diff_rows(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    """{column: [before, after]} for every editable column that differs."""
    return {
        column: [before.get(column, ""), after.get(column, "")]
        for column in EDITABLE_COLUMNS
        if before.get(column, "") != after.get(column, "")
    }
