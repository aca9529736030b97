"""Import of activities from a CSV file with the columns of the CSV export.

Every row is read and validated before anything is written. If any row is wrong, the report
names each bad row by its line in the file and the reason, and nothing at all is committed.
Rows are matched to existing activities by ``identifier``, so importing the same file again
updates those records (or leaves them untouched) instead of adding duplicates.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from bali_portal.spreadsheets import text_of_csv_cell

from .models import (
    MEA,
    Activity,
    ActivityScope,
    ActivityStatus,
    Country,
    CrossCuttingIssue,
    Division,
    FundingLine,
    FundingSourceKind,
    LinkKind,
    Modality,
    Organization,
    PartnerRole,
    RegionalOffice,
    Subprogramme,
    SupportType,
    ThematicArea,
)
from .records import (
    COUNT_FIELDS,
    DATE_FIELDS,
    EDITABLE_COLUMNS,
    LIST_SEPARATOR,
    LONG_TEXT_FIELDS,
    PART_SEPARATOR,
    ActivityInput,
    FundingInput,
    LinkInput,
    activity_to_input,
    input_to_row,
)
from .services import save_activity, validate_activity_input

TRUE_WORDS = {"yes", "true", "1", "y"}
FALSE_WORDS = {"no", "false", "0", "n", ""}


class RowError(Exception):
    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class RowProblem:
    line: int
    identifier: str
    messages: list[str]

    def __str__(self):
        where = _("Line %(line)d") % {"line": self.line}
        if self.identifier:
            where += f" ({self.identifier})"
        return f"{where}: {'; '.join(self.messages)}"


@dataclass
class ImportReport:
    dry_run: bool = False
    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def committed(self) -> bool:
        return self.ok and not self.dry_run

    def summary(self) -> str:
        if not self.ok:
            return _(
                "%(count)d of %(rows)d rows have problems; nothing was imported. "
                "Correct the file and import it again."
            ) % {"count": len(self.problems), "rows": self.rows}
        counts = {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
        }
        if self.dry_run:
            return (
                _(
                    "Dry run, nothing saved: %(created)d would be created, %(updated)d updated, "
                    "%(unchanged)d unchanged."
                )
                % counts
            )
        return _("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.") % (
            counts
        )


class Lookups:
    """Every code and name a file may use, loaded once per import (a fixed number of queries)."""

    def __init__(self):
        self.countries = {c.code: c for c in Country.objects.select_related("regional_office")}
        self.offices = {o.code: o for o in RegionalOffice.objects.all()}
        self.divisions = {d.code: d for d in Division.objects.all()}
        self.subprogrammes = {s.code: s for s in Subprogramme.objects.all()}
        self.funding_kinds = {k.code: k for k in FundingSourceKind.objects.all()}
        self.code_lists = {
            "regional_offices": (self.offices, _("regional office")),
            "thematic_areas": ({t.code: t for t in ThematicArea.objects.all()}, _("thematic area")),
            "cross_cutting_issues": (
                {x.code: x for x in CrossCuttingIssue.objects.all()},
                _("cross-cutting issue"),
            ),
            "meas": ({m.code: m for m in MEA.objects.all()}, _("agreement (MEA)")),
            "support_types": (
                {s.code: s for s in SupportType.objects.all()},
                _("type of support"),
            ),
        }
        # Full names are unique; an acronym or a Chinese name may be shared, and then it
        # names none of the organizations that share it.
        self.organizations_by_name: dict[str, Organization] = {}
        self.organizations_by_alias: dict[str, set[Organization]] = {}
        for organization in Organization.objects.all():
            self.organizations_by_name[organization.name.strip().casefold()] = organization
            for alias in (organization.acronym, organization.name_zh):
                if alias.strip():
                    self.organizations_by_alias.setdefault(alias.strip().casefold(), set()).add(
                        organization
                    )
        self.activities = {a.identifier: a for a in Activity.objects.only("pk", "identifier")}
        self.parent_of = dict(Activity.objects.values_list("identifier", "parent__identifier"))

    def organization(self, name: str) -> Organization:
        key = name.strip().casefold()
        if key in self.organizations_by_name:
            return self.organizations_by_name[key]
        found = self.organizations_by_alias.get(key, set())
        if len(found) > 1:
            raise ValueError(
                _("%(name)r names several organizations; use the full name")
                % {"name": name.strip()}
            )
        if not found:
            raise ValueError(
                _("unknown organization %(name)r (add it to the registry first)")
                % {"name": name.strip()}
            )
        return next(iter(found))


def _split(cell: str, separator: str = LIST_SEPARATOR) -> list[str]:
    return [part.strip() for part in (cell or "").split(separator) if part.strip()]


def _choice(value: str, choices, label: str, errors: list[str], default=None):
    value = (value or "").strip().lower()
    if not value and default is not None:
        return default
    if value not in choices.values:
        errors.append(
            _("%(label)s %(value)r is not one of: %(allowed)s")
            % {"label": label, "value": value, "allowed": ", ".join(choices.values)}
        )
        return None
    return value


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        raise ValueError(_("%(text)r is not a number") % {"text": text}) from None
    if not value.is_finite():
        raise ValueError(_("%(text)r is not a number") % {"text": text})
    return value


def _year(text: str) -> int | None:
    if not text:
        return None
    # ASCII digits only: "²" is a digit to str.isdigit() but no number to int().
    if not (text.isascii() and text.isdigit()):
        raise ValueError(_("%(text)r is not a year") % {"text": text})
    return int(text)


def parse_row(row: dict[str, str], lookups: Lookups) -> tuple[ActivityInput, str]:
    """The input a row describes, and its parent's identifier; ``RowError`` lists what is wrong."""
    errors: list[str] = []
    cell = {column: (row.get(column) or "").strip() for column in EDITABLE_COLUMNS}
    fields: dict = {}
    if not cell["identifier"]:
        errors.append(_("identifier is empty"))
    if not cell["title"]:
        errors.append(_("title is empty"))
    for name in ("identifier", "title", "title_zh", "phase", *LONG_TEXT_FIELDS):
        fields[name] = (row.get(name) or "").strip()
    fields["status"] = _choice(
        cell["status"], ActivityStatus, _("status"), errors, ActivityStatus.PIPELINE
    )
    fields["modality"] = _choice(cell["modality"], Modality, _("modality"), errors)
    fields["scope"] = _choice(
        cell["scope"], ActivityScope, _("scope"), errors, ActivityScope.NATIONAL
    )
    for name in DATE_FIELDS:
        try:
            fields[name] = date.fromisoformat(cell[name]) if cell[name] else None
        except ValueError:
            errors.append(
                _("%(column)s %(value)r is not a date (YYYY-MM-DD)")
                % {"column": name, "value": cell[name]}
            )
    for name in COUNT_FIELDS:
        if not cell[name]:
            fields[name] = None
        elif cell[name].isascii() and cell[name].isdigit():
            fields[name] = int(cell[name])
        else:
            errors.append(
                _("%(column)s %(value)r is not a whole number")
                % {"column": name, "value": cell[name]}
            )
    published = cell["is_published"].lower()
    if published not in TRUE_WORDS | FALSE_WORDS:
        errors.append(_("is_published must be yes or no"))
    fields["is_published"] = published in TRUE_WORDS

    division = cell["lead_division"].upper()
    fields["lead_division"] = lookups.divisions.get(division)
    if fields["lead_division"] is None:
        errors.append(
            _("lead_division %(code)r is not a division code") % {"code": cell["lead_division"]}
            if division
            else _("lead_division is empty")
        )
    fields["subprogramme"] = None
    if cell["subprogramme"]:
        fields["subprogramme"] = lookups.subprogrammes.get(cell["subprogramme"].upper())
        if fields["subprogramme"] is None:
            errors.append(
                _("subprogramme %(code)r is not a subprogramme code")
                % {"code": cell["subprogramme"]}
            )

    lists = {}
    for name, (known, label) in lookups.code_lists.items():
        lists[name] = []
        for code in _split(cell[name]):
            item = known.get(code) or known.get(code.upper())
            if item is None:
                errors.append(_("unknown %(label)s code %(code)r") % {"label": label, "code": code})
            else:
                lists[name].append(item)

    countries = []
    for part in _split(cell["countries"]):
        code, _colon, share_text = part.partition(":")
        country = lookups.countries.get(code.strip().upper())
        if country is None:
            errors.append(_("unknown country code %(code)r") % {"code": code.strip()})
            continue
        share = None
        if share_text.strip():
            try:
                share = _decimal(share_text)
            except ValueError as exc:
                errors.append(str(exc))
                continue
            if not Decimal("0") <= share <= Decimal("100"):
                errors.append(
                    _("the share of %(code)s must be between 0 and 100") % {"code": country.code}
                )
        countries.append((country, share))

    partners = []
    for part in _split(cell["partners"]):
        role, colon, name = part.partition(":")
        role = role.strip().lower()
        if not colon or role not in PartnerRole.values:
            errors.append(
                _("partner %(part)r must read role: organization, with a role among %(roles)s")
                % {"part": part, "roles": ", ".join(PartnerRole.values)}
            )
            continue
        try:
            partners.append((lookups.organization(name), role))
        except ValueError as exc:
            errors.append(str(exc))

    funding = []
    for part in _split(cell["funding"]):
        pieces = [piece.strip() for piece in part.split(PART_SEPARATOR)]
        if len(pieces) < 4 or len(pieces) > 6:
            errors.append(
                _(
                    "funding %(part)r must read funder | source kind | amount | currency "
                    "[| year [| amount in USD]]"
                )
                % {"part": part}
            )
            continue
        pieces += [""] * (6 - len(pieces))
        funder_name, kind_code, amount_text, currency, year_text, usd_text = pieces
        try:
            funder = lookups.organization(funder_name)
            kind = lookups.funding_kinds.get(kind_code.lower())
            if kind is None:
                raise ValueError(
                    _("unknown funding source kind %(code)r (one of: %(codes)s)")
                    % {"code": kind_code, "codes": ", ".join(lookups.funding_kinds)}
                )
            line = FundingInput(
                funder=funder,
                source_kind=kind,
                amount=_decimal(amount_text),
                currency=currency.upper(),
                year=_year(year_text),
                amount_usd=_decimal(usd_text) if usd_text else None,
            )
        except ValueError as exc:
            errors.append(
                str(exc) if str(exc) else _("funding %(part)r is invalid") % {"part": part}
            )
            continue
        try:
            FundingLine(
                funder=line.funder,
                source_kind=line.source_kind,
                amount=line.amount,
                currency=line.currency,
                year=line.year,
                amount_usd=line.amount_usd,
            ).full_clean(exclude=["activity"])
        except ValidationError as exc:
            errors.extend(_messages(exc))
            continue
        funding.append(line)

    links = []
    for part in _split(cell["links"]):
        pieces = [piece.strip() for piece in part.split(PART_SEPARATOR)]
        kind = pieces[0].lower()
        if kind not in LinkKind.values or len(pieces) < 2 or len(pieces) > 3:
            errors.append(
                _(
                    "link %(part)r must read kind | address or identifier [| label], with a kind "
                    "among %(kinds)s"
                )
                % {"part": part, "kinds": ", ".join(LinkKind.values)}
            )
            continue
        target = pieces[1]
        label = pieces[2] if len(pieces) > 2 else ""
        is_url = target.startswith(("http://", "https://"))
        links.append(
            LinkInput(
                kind=kind,
                url=target if is_url else "",
                identifier="" if is_url else target,
                label=label,
            )
        )

    if errors:
        raise RowError(errors)
    data = ActivityInput(
        fields=fields, countries=countries, partners=partners, funding=funding, links=links, **lists
    )
    return data, cell["parent"]


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{name}: {message}" if name != "__all__" else message
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return list(error.messages)


def _check_model_rules(data: ActivityInput, existing: Activity | None) -> list[str]:
    """What the database and the model would refuse, found before anything is written."""
    instance = Activity(pk=existing.pk if existing else None)
    for name, value in data.fields.items():
        if name != "parent":
            setattr(instance, name, value)
    try:
        instance.full_clean(exclude=["parent"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return _messages(exc)
    try:
        validate_activity_input(data)
    except ValidationError as exc:
        return _messages(exc)
    return []


def read_rows(handle: Iterable[str]) -> Iterable[tuple[int, dict[str, str] | None, list[str]]]:
    """(line where the record starts, row, problems) for each record of a CSV file."""
    reader = csv.reader(handle)
    try:
        header = [name.strip().lstrip("\ufeff") for name in next(reader)]
    except StopIteration:
        yield 1, None, [_("The file is empty.")]
        return
    missing = [column for column in EDITABLE_COLUMNS if column not in header]
    if missing:
        yield 1, None, [_("Missing columns: %(columns)s") % {"columns": ", ".join(missing)}]
        return
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, None, [_("Unreadable CSV: %(error)s") % {"error": exc}]
            return
        if not any(value.strip() for value in values):
            continue
        if len(values) > len(header):
            yield start, None, [_("More cells than columns in the header.")]
            continue
        # Cells the export wrote behind an apostrophe (formulas, bali_portal.spreadsheets)
        # are read back as they were.
        yield start, dict(zip(header, map(text_of_csv_cell, values), strict=False)), []


def import_rows(
    records: Iterable[tuple[int, dict[str, str] | None, list[str]]],
    *,
    actor=None,
    dry_run: bool = False,
    only_missing: bool = False,
) -> ImportReport:
    """Validate every record, then (if all are good) write them all in one transaction.

    ``only_missing`` skips rows whose identifier already exists (the demo seed: it never
    overwrites what staff have since edited).
    """
    report = ImportReport(dry_run=dry_run)
    lookups = Lookups()
    parsed: list[tuple[int, ActivityInput, str]] = []
    seen: dict[str, int] = {}
    for line, row, problems in records:
        report.rows += row is not None
        if problems:
            report.problems.append(RowProblem(line, "", problems))
            continue
        identifier = (row.get("identifier") or "").strip()
        try:
            data, parent_identifier = parse_row(row, lookups)
        except RowError as exc:
            report.problems.append(RowProblem(line, identifier, exc.messages))
            continue
        messages = []
        if identifier in seen:
            messages.append(
                _("identifier %(identifier)s is already on line %(line)d")
                % {"identifier": identifier, "line": seen[identifier]}
            )
        seen.setdefault(identifier, line)
        messages += _check_model_rules(data, lookups.activities.get(identifier))
        if messages:
            report.problems.append(RowProblem(line, identifier, messages))
            continue
        parsed.append((line, data, parent_identifier))

    in_file = {data.fields["identifier"]: parent for _line, data, parent in parsed}
    parent_of = {**lookups.parent_of, **in_file}
    for line, data, parent_identifier in parsed:
        if not parent_identifier:
            continue
        identifier = data.fields["identifier"]
        if parent_identifier not in parent_of:
            report.problems.append(
                RowProblem(
                    line,
                    identifier,
                    [
                        _("parent %(parent)r is neither in the registry nor in this file")
                        % {"parent": parent_identifier}
                    ],
                )
            )
            continue
        # Walk up the parents as they will be after the import, to refuse a loop.
        ancestor, visited = parent_identifier, set()
        while ancestor and ancestor not in visited:
            if ancestor == identifier:
                report.problems.append(
                    RowProblem(line, identifier, [_("an activity cannot be part of itself")])
                )
                break
            visited.add(ancestor)
            ancestor = parent_of.get(ancestor)
    if report.problems:
        report.problems.sort(key=lambda problem: problem.line)
        return report

    # Parents before their phases and projects, so each can be linked as it is written.
    ordered, placed = [], set()
    pending = list(parsed)
    while pending:
        progress = False
        for item in list(pending):
            parent_identifier = item[2]
            if (
                not parent_identifier
                or parent_identifier not in in_file
                or (parent_identifier in placed)
            ):
                ordered.append(item)
                placed.add(item[1].fields["identifier"])
                pending.remove(item)
                progress = True
        if not progress:  # pragma: no cover - loops were refused above
            break

    try:
        with transaction.atomic():
            # Every record the file names, read (and locked) once with all its relations.
            identifiers = [data.fields["identifier"] for _line, data, _parent in ordered]
            stored = {}
            for start in range(0, len(identifiers), 500):
                for activity in (
                    Activity.objects.select_for_update(of=("self",))
                    .with_everything()
                    .filter(identifier__in=identifiers[start : start + 500])
                ):
                    stored[activity.identifier] = activity
            written: dict[str, Activity] = dict(stored)
            for line, data, parent_identifier in ordered:
                identifier = data.fields["identifier"]
                existing = stored.get(identifier)
                if existing is not None and only_missing:
                    report.unchanged.append(identifier)
                    continue
                parent = None
                if parent_identifier:
                    parent = written.get(parent_identifier) or Activity.objects.get(
                        identifier=parent_identifier
                    )
                data.fields["parent"] = parent
                try:
                    activity, change = save_activity(
                        actor=actor,
                        data=data,
                        activity=existing,
                        imported=True,
                        before=(input_to_row(activity_to_input(existing)) if existing else None),
                    )
                except ValidationError as exc:
                    report.problems.append(RowProblem(line, identifier, _messages(exc)))
                    raise
                except PermissionDenied as exc:
                    report.problems.append(RowProblem(line, identifier, [str(exc)]))
                    raise
                except DatabaseError as exc:
                    report.problems.append(RowProblem(line, identifier, [str(exc)]))
                    raise
                written[identifier] = activity
                if existing is None:
                    report.created.append(identifier)
                elif change is None:
                    report.unchanged.append(identifier)
                else:
                    report.updated.append(identifier)
            if dry_run:
                transaction.set_rollback(True)
    except (ValidationError, PermissionDenied, DatabaseError):
        # Everything was rolled back: the report must not claim any row was written.
        report.created, report.updated, report.unchanged = [], [], []
    return report


def import_csv(file, *, actor=None, dry_run: bool = False) -> ImportReport:
    """Import an uploaded or opened CSV file (bytes or text), UTF-8 with or without a BOM."""
    text = bytes(file) if isinstance(file, bytes | bytearray) else file.read()
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            report = ImportReport(dry_run=dry_run)
            report.problems.append(RowProblem(1, "", [_("The file is not UTF-8 text.")]))
            return report
    return import_rows(read_rows(io.StringIO(text, newline="")), actor=actor, dry_run=dry_run)
