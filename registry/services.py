"""Every write of the registry: one function per use case, each in one transaction.

Each save of an activity by a person or an import records who changed what and when
(``ActivityChange``), keeps the search index current, and re-checks, before it commits, that the
activity is still within the actor's scope (a division cannot hand its record to another
division and keep editing it; a regional office cannot drop its own region).
"""

from dataclasses import replace
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bali_portal.accounts.models import Role

from .freshness import registry_changed
from .models import (
    IDENTIFIER_LINK_KINDS,
    Activity,
    ActivityChange,
    ActivityCountry,
    ActivityLink,
    AssistanceSource,
    Forum,
    FundingLine,
    Organization,
    PartnerRole,
    Partnership,
    Solution,
)
from .records import (
    CODE_LISTS,
    FOREIGN_KEYS,
    SCALAR_FIELDS,
    ActivityInput,
    activity_to_input,
    diff_rows,
    input_to_row,
)
from .search import refresh_search_index, store_search_document
from .selectors import (
    activities_editable_by,
    assistance_sources_editable_by,
    can_add_assistance_sources,
    can_create_activities,
    can_edit_directory,
    can_record_priorities,
)

HUNDRED = Decimal("100")
SHARE_TOLERANCE = Decimal("0.05")


def validate_activity_input(data: ActivityInput, activity: Activity | None = None) -> None:
    """The rules that span several parts of a record; raises ``ValidationError``."""
    errors: list[str] = []
    fields = data.fields
    for start, end, message in (
        ("planned_start", "planned_end", _("The planned end cannot be before the planned start.")),
        ("actual_start", "actual_end", _("The actual end cannot be before the actual start.")),
    ):
        if fields.get(start) and fields.get(end) and fields[end] < fields[start]:
            errors.append(message)
    countries = [country.code for country, _share in data.countries]
    duplicates = sorted({code for code in countries if countries.count(code) > 1})
    if duplicates:
        errors.append(_("A country is listed twice: %(codes)s.") % {"codes": ", ".join(duplicates)})
    shares = [share for _country, share in data.countries if share is not None]
    if shares:
        total = sum(shares, Decimal("0"))
        if total > HUNDRED + SHARE_TOLERANCE:
            errors.append(
                _("The countries' shares add up to %(total)s%%, more than 100%%.")
                % {"total": total}
            )
        elif len(shares) == len(data.countries) and abs(total - HUNDRED) > SHARE_TOLERANCE:
            errors.append(
                _(
                    "The countries' shares add up to %(total)s%%; when every country has a share "
                    "they must add up to 100%%."
                )
                % {"total": total}
            )
    partners = [(organization.pk, role) for organization, role in data.partners]
    if len(set(partners)) != len(partners):
        errors.append(_("An organization is listed twice in the same role."))
    for _organization, role in data.partners:
        if role not in PartnerRole.values:
            errors.append(_("Unknown partner role %(role)r.") % {"role": role})
    for line in data.funding:
        if line.amount is None or line.amount < 0:
            errors.append(_("A funding amount must be zero or more."))
    for link in data.links:
        if link.kind in IDENTIFIER_LINK_KINDS:
            if not (link.identifier or link.url):
                errors.append(_("An identifier link needs the identifier."))
        elif not link.url:
            errors.append(_("A web page or document link needs its address."))
    if data.fields.get("is_published") and not (
        data.fields.get("planned_start") or data.fields.get("actual_start")
    ):
        errors.append(
            _(
                "A published activity needs a start date, planned or actual (the IATI standard "
                "requires one)."
            )
        )
    parent = data.fields.get("parent")
    if parent is not None and activity is not None and activity.pk:
        ancestor, seen = parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if ancestor.pk == activity.pk:
                errors.append(_("An activity cannot be part of itself or of its own phases."))
                break
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
    if errors:
        raise ValidationError(errors)


def _write_relations(activity: Activity, data: ActivityInput) -> None:
    """Replace the activity's relations by exactly those of (normalized) ``data``."""
    for name in CODE_LISTS:
        getattr(activity, name).set(getattr(data, name))
    activity.regional_offices.set(data.regional_offices)
    activity.activity_countries.all().delete()
    ActivityCountry.objects.bulk_create(
        ActivityCountry(activity=activity, country=country, share_percent=share)
        for country, share in data.countries
    )
    activity.partnerships.all().delete()
    Partnership.objects.bulk_create(
        Partnership(activity=activity, organization=organization, role=role)
        for organization, role in data.partners
    )
    activity.funding_lines.all().delete()
    lines = [
        FundingLine(
            activity=activity,
            funder=line.funder,
            source_kind=line.source_kind,
            amount=line.amount,
            currency=line.currency,
            year=line.year,
            amount_usd=line.amount_usd,
        )
        for line in data.funding
    ]
    activity.links.all().delete()
    links = [
        ActivityLink(
            activity=activity,
            kind=link.kind,
            url=link.url,
            identifier=link.identifier,
            label=link.label,
        )
        for link in data.links
    ]
    for row in lines + links:
        row.full_clean(exclude=["activity"])
    FundingLine.objects.bulk_create(lines)
    ActivityLink.objects.bulk_create(links)


def _current_row(activity: Activity) -> dict[str, str]:
    fresh = Activity.objects.with_everything().get(pk=activity.pk)
    return input_to_row(activity_to_input(fresh))


def normalized_input(data: ActivityInput) -> ActivityInput:
    """``data`` completed with what the registry derives, so stored and given compare equal.

    - an activity belongs to the region of every country it works in (and so to that
      office's staff scope);
    - every funder of a funding line is a partner in the funding role (the funder facet and
      the IATI participating-org list read the partnerships);
    - an amount in US dollars is its own USD equivalent.
    """
    offices = {office.pk: office for office in data.regional_offices}
    for country, _share in data.countries:
        offices.setdefault(country.regional_office_id, country.regional_office)
    partners = list(dict.fromkeys(data.partners))
    for line in data.funding:
        if (line.funder, PartnerRole.FUNDING) not in partners:
            partners.append((line.funder, PartnerRole.FUNDING))
    funding = [
        replace(line, amount_usd=line.amount)
        if line.amount_usd is None and line.currency == "USD"
        else line
        for line in data.funding
    ]
    return replace(
        data, regional_offices=list(offices.values()), partners=partners, funding=funding
    )


@transaction.atomic
def save_activity(
    *,
    actor,
    data: ActivityInput,
    activity: Activity | None = None,
    imported: bool = False,
    before: dict[str, str] | None = None,
) -> tuple[Activity, ActivityChange | None]:
    """Create ``activity`` (when None) or update it from ``data``; record the change.

    ``actor`` is the person saving; ``None`` only for a system import (the management
    command), which has no scope to respect. Returns the activity and the history entry, or
    ``None`` when nothing changed (a re-import of the same file). ``before`` is the stored
    row of ``activity`` when the caller has already read it in this transaction (the import
    reads every record of a file at once).
    """
    creating = activity is None
    if actor is not None:
        if creating and not can_create_activities(actor):
            raise PermissionDenied(_("You cannot add activities to the registry."))
        if not creating and not activities_editable_by(actor).filter(pk=activity.pk).exists():
            raise PermissionDenied(_("This activity is outside your scope."))
    if creating:
        activity = Activity(created_by=actor)
        before = {}
    else:
        # Two people saving the same record at once: the second waits, then diffs against
        # what the first wrote, so the history names exactly what each changed.
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        if before is None:
            before = _current_row(activity)

    data = normalized_input(data)
    validate_activity_input(data, activity)
    after = input_to_row(data)
    changes = diff_rows(before, after)
    if not creating and not changes:
        return activity, None

    for name in SCALAR_FIELDS:
        if name in data.fields:
            setattr(activity, name, data.fields[name])
    for name in FOREIGN_KEYS:
        if name in data.fields:
            setattr(activity, name, data.fields[name])
    activity.updated_by = actor
    # The check constraints were verified above in Python (and the database enforces them);
    # Django would otherwise spend one query per constraint.
    activity.full_clean(validate_constraints=False)
    activity.save()
    _write_relations(activity, data)
    store_search_document(activity.pk, data)
    registry_changed()  # cached counts of lists and searches (registry.freshness)

    if actor is not None and not activities_editable_by(actor).filter(pk=activity.pk).exists():
        raise PermissionDenied(
            _("After this change the activity would be outside your scope; nothing was saved.")
        )
    if imported:
        action = ActivityChange.Action.IMPORTED
    elif creating:
        action = ActivityChange.Action.CREATED
    else:
        action = ActivityChange.Action.UPDATED
    change = ActivityChange.objects.create(
        activity=activity, changed_by=actor, action=action, changes=changes
    )
    return activity, change


@transaction.atomic
def set_activity_requests(*, actor, activity: Activity, requests) -> None:
    """Link an activity to the requests it answers (called by the request workflow)."""
    if actor is not None and not activities_editable_by(actor).filter(pk=activity.pk).exists():
        raise PermissionDenied(_("This activity is outside your scope."))
    activity.requests.add(*requests)


# --- The directory: organizations, solutions, sources of assistance ---------------------------


def _check_directory_editor(actor) -> None:
    if not can_edit_directory(actor):
        raise PermissionDenied(_("Only the BSP coordinator keeps the directory."))


@transaction.atomic
def save_organization(*, actor, organization: Organization) -> Organization:
    """Save an organization (from a validated form); activities naming it are re-indexed."""
    _check_directory_editor(actor)
    organization.full_clean()
    organization.save()
    registry_changed()  # facets name funders
    refresh_search_index(
        Activity.objects.filter(partnerships__organization=organization)
        .values_list("pk", flat=True)
        .distinct()
    )
    return organization


@transaction.atomic
def save_solution(*, actor, solution: Solution, relations: dict) -> Solution:
    _check_directory_editor(actor)
    solution.full_clean()
    solution.save()
    for name, values in relations.items():
        getattr(solution, name).set(values)
    return solution


@transaction.atomic
def save_assistance_source(*, actor, source: AssistanceSource, relations: dict) -> AssistanceSource:
    """Save a source of assistance: the coordinator any, a regional centre its own (it stays
    the provider: a centre cannot hand a source to another organization)."""
    if source.pk is None:
        allowed = can_add_assistance_sources(actor)
    else:
        allowed = assistance_sources_editable_by(actor).filter(pk=source.pk).exists()
    if actor.role == Role.REGIONAL_CENTRE:
        allowed = allowed and source.provider_id == actor.organization_id
    if not allowed:
        raise PermissionDenied(_("You cannot keep this source of assistance."))
    source.full_clean()
    source.save()
    for name, values in relations.items():
        getattr(source, name).set(values)
    return source


@transaction.atomic
def record_forum_priorities(*, actor, forum: Forum, themes) -> Forum:
    """A forum states its region's priorities as thematic areas (plan §14, §30): its focal
    point, or the coordinator. The regional office sees them while triaging the region's
    requests, and the annual report counts them."""
    if not can_record_priorities(actor, forum):
        raise PermissionDenied(
            _("Only the forum's focal points or the coordinator record its priorities.")
        )
    forum.priorities.set(themes)
    forum.priorities_recorded_at = timezone.now()
    forum.save(update_fields=["priorities_recorded_at"])
    registry_changed()  # the reference list of forums shows them
    return forum
