"""Every write to a request: drafts, and each action of the lifecycle table.

A transition is one path (``perform_action``): lock the row, check the actor's scope, the
table and the fields, apply the action's effect, write the immutable event, save — in one
transaction. E-mail goes out after commit, through an outbox (``Notification``). A request
filed and submitted in one call (``file_request``) takes the same checks and effect
(``_apply_action``) before its row is first written, which no one else can see until then.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bali_portal import bounds
from bali_portal import errors as domain
from bali_portal.accounts.models import Role, User
from bali_portal.db import insert_new, prepared_cursor
from bali_portal.storage import storage_failed
from designations.selectors import (
    acts_as_focal_point,
    designation_in_force_params,
    designation_in_force_sql,
)
from exchange.services import request_routed, send_referral
from registry import eligibility
from registry.models import Country, Division, Forum, Organization
from registry.selectors import activities_visible_to

from . import notifications, selectors, sla, uploads
from .actions import action_form, input_errors
from .models import (
    OUTPUT_KINDS,
    Attachment,
    DeclineReason,
    Evaluation,
    EvaluationKind,
    ForumReferenceCounter,
    Notification,
    ReferenceCounter,
    Request,
    Requester,
    RequestEvent,
    Scope,
    ServiceLevel,
)
from .selectors import capacities_of, requests_visible_to
from .workflow import (
    OPEN_STATES,
    TERMINAL_STATES,
    Action,
    Capacity,
    State,
    get_action,
    resulting_state,
)

logger = logging.getLogger(__name__)

# --- Domain errors, turned into clear messages by pages and into HTTP statuses by the API ---


class RequestError(domain.DomainError):
    """A request's use case refused."""


class RequestNotFound(RequestError, domain.NotFound):
    """Outside the actor's scope, or no such request: never a hint which."""


class ActionNotPermitted(RequestError, domain.NotPermitted):
    """The actor sees the request but may not take this action on it."""


class TransitionNotAllowed(RequestError, domain.Conflict):
    """The lifecycle table forbids the action from the request's current state."""


class InvalidInput(RequestError, domain.InvalidInput):
    """Missing or invalid fields; ``errors`` names each one."""


class StorageUnavailable(RequestError, domain.Unavailable):
    """The file store (the object store, or the disk) could not take a document: try again."""


# --- Drafts ------------------------------------------------------------------------------------

DRAFT_FIELDS = (
    "title", "description", "national_priorities", "scope", "desired_start", "duration_months",
    "beneficiaries", "gender_considerations", "south_south_interest", "other_support",
    "estimated_budget_usd", "co_financing", "share_with_partners",
)  # fmt: skip
DRAFT_RELATIONS = (
    "thematic_areas", "cross_cutting_issues", "meas", "support_types", "covered_countries",
)  # fmt: skip

# What a complete request must carry before it can be submitted.
REQUIRED_TO_SUBMIT = {
    "title": gettext_lazy("Give the request a title."),
    "description": gettext_lazy("Describe the need."),
    "national_priorities": gettext_lazy("Say how the need links to national priorities."),
    "thematic_areas": gettext_lazy("Choose at least one thematic area."),
    "support_types": gettext_lazy("Choose at least one type of support."),
    "scope": gettext_lazy("Choose the scope."),
    "desired_start": gettext_lazy("Give a desired start date."),
    "duration_months": gettext_lazy("Give the expected duration in months."),
}


def next_reference(asker: Country | Forum, year: int) -> str:
    """``KEN-2026-0007`` (``AMCEN-2026-0002`` for a forum): numbered per country or forum and
    year, never twice.

    One statement creates the year's counter or increments it, holding the counter's row lock
    until the caller's transaction ends, so concurrent requests of a country queue here and
    a rolled-back request gives its number back.
    """
    counter = ForumReferenceCounter if isinstance(asker, Forum) else ReferenceCounter
    with prepared_cursor() as cursor:
        cursor.execute(_counter_statement(counter), [asker.pk, year])
        (number,) = cursor.fetchone()
    return f"{asker.code}-{year}-{number:04d}"


@cache
def _counter_statement(counter) -> str:
    meta = counter._meta
    key = next(field.column for field in meta.concrete_fields if field.is_relation)
    # Names come from the model; values are bound. PostgreSQL and SQLite (3.35+) alike.
    return f"""
        INSERT INTO "{meta.db_table}" ("{key}", "year", "last_number")
        VALUES (%s, %s, 1)
        ON CONFLICT ("{key}", "year")
        DO UPDATE SET "last_number" = "{meta.db_table}"."last_number" + 1
        RETURNING "last_number"
    """  # noqa: S608


def _asker_of(actor: User) -> Country | Forum:
    """For whom the actor files requests: the country of a focal point whose designation is in
    force (``designations.selectors``), or the forum of a forum focal point."""
    if actor.role == Role.FORUM_FOCAL_POINT and actor.forum_id:
        return actor.forum
    if actor.role != Role.FOCAL_POINT or not actor.country_id:
        raise ActionNotPermitted(_("Only a country's or a forum's focal point can file a request."))
    if not acts_as_focal_point(actor):
        raise ActionNotPermitted(
            _("Your designation as a focal point of %(country)s is not in force.")
            % {"country": actor.country.label}
        )
    # Read with the user by the API's token authentication; a query of its own otherwise.
    return actor.country


def _apply_draft_values(request: Request, values: dict, draft_input: dict | None) -> None:
    for name in DRAFT_FIELDS:
        if name not in values:
            continue
        value = values[name]
        field = request._meta.get_field(name)
        if value is None and not field.null:
            value = field.get_default()
        setattr(request, name, value)
    if draft_input is not None:
        request.draft_input = draft_input


def _apply_draft_relations(request: Request, values: dict) -> None:
    for name in DRAFT_RELATIONS:
        if name in values and values[name] is not None:
            getattr(request, name).set(values[name])


def _add_new_draft_relations(request: Request, values: dict) -> None:
    # Nothing to replace or skip on a new request: one INSERT per list chosen.
    for name in DRAFT_RELATIONS:
        if values.get(name):
            insert_new(_list_rows(request, name, values[name]))


def _list_rows(request: Request, name: str, items) -> list:
    """The rows of a request's reference list ``name`` (its M2M table), one per item."""
    relation = Request._meta.get_field(name)
    through = relation.remote_field.through
    own = f"{relation.m2m_field_name()}_id"
    other = f"{relation.m2m_reverse_field_name()}_id"
    keys = dict.fromkeys(item.pk if isinstance(item, Model) else item for item in items)
    return [through(**{own: request.pk, other: key}) for key in keys]


@transaction.atomic
def create_draft(
    *, actor: User, values: dict, draft_input: dict | None = None, now: datetime | None = None
) -> Request:
    """A new draft for the actor's country. Incomplete is fine: a draft keeps what was typed.

    ``now`` is when it happened (default: now); demonstration data records past requests.
    """
    now = now or timezone.now()
    request = _unsaved_request(actor, values, draft_input, now)
    insert_new([request])
    _add_new_draft_relations(request, values)
    insert_new([_creation_event(request, actor, now)])
    return request


@transaction.atomic
def file_request(*, actor: User, values: dict) -> Request:
    """Create a complete request and submit it at once, for a client holding all of it (the
    API's ``"submit": true``). All or nothing: an incomplete one leaves no draft behind.

    The request is stored once, already submitted (writing a draft's row and then updating
    it would write every index of the table twice), with both events of its history. It
    comes back as ``selectors.with_page_details`` would read it, without reading back what
    was just written.
    """
    now = timezone.now()
    request = _unsaved_request(actor, values, None, now)
    # Its lists are those chosen (a new request has no others): the checks read them here.
    selectors.remember_reference_lists(
        request, {name: values.get(name) or [] for name in selectors.REFERENCE_LISTS}
    )
    submit = get_action("submit")
    events = [_creation_event(request, actor, now), _apply_action(request, actor, submit, {}, now)]
    insert_new([request])
    _add_new_draft_relations(request, values)
    _record_events(request, actor, submit, events)
    return selectors.as_just_filed(request, events=events)


def _unsaved_request(actor: User, values: dict, draft_input: dict | None, now: datetime) -> Request:
    asker = _asker_of(actor)
    request = Request(
        reference=next_reference(asker, now.year),
        regional_office_id=asker.regional_office_id,
        created_by=actor,
        created_at=now,
    )
    if isinstance(asker, Forum):
        request.requester, request.forum = Requester.FORUM, asker
    else:
        request.requester, request.country = Requester.COUNTRY, asker
    _apply_draft_values(request, values, draft_input)
    return request


def _creation_event(request: Request, actor: User, now: datetime) -> RequestEvent:
    return RequestEvent(
        request=request, actor=actor, action="create", from_state="", to_state=State.DRAFT,
        created_at=now,
    )  # fmt: skip


def check_draft_editable(*, request: Request, actor: User) -> None:
    """Raise unless the actor may edit this request as a draft (called again under the lock)."""
    if capacities_of(actor, request) != {"focal_point"}:
        raise ActionNotPermitted(_("Only the requester's focal points can edit its drafts."))
    if request.state != State.DRAFT:
        raise TransitionNotAllowed(
            _(
                "This request was submitted; it can no longer be edited as a draft. Add "
                "information with a comment instead."
            )
        )


@transaction.atomic
def update_draft(
    *, request: Request, actor: User, values: dict, draft_input: dict | None = None
) -> Request:
    locked = _lock_visible(request.pk, actor)
    check_draft_editable(request=locked, actor=actor)
    _apply_draft_values(locked, values, draft_input)
    locked.save()
    _apply_draft_relations(locked, values)
    return locked


def missing_for_submission(request: Request) -> dict[str, str]:
    """Field by field, what a draft still lacks before it can be submitted."""
    missing = {}
    for name, message in REQUIRED_TO_SUBMIT.items():
        if name in DRAFT_RELATIONS:
            if not selectors.related_items(request, name):
                missing[name] = str(message)
        elif getattr(request, name) in (None, ""):
            missing[name] = str(message)
    for name in request.draft_input:
        missing.setdefault(name, _("This value is not valid; correct it."))
    covered = selectors.related_items(request, "covered_countries")
    if request.scope == Scope.SUBREGIONAL and not covered:
        missing["covered_countries"] = _("Name the other countries of a subregional request.")
    elif request.forum_id and covered:
        outside = sorted({country.code for country in covered} - _member_codes(request.forum_id))
        if outside:
            missing["covered_countries"] = _(
                "These countries are not members of %(forum)s: %(codes)s."
            ) % {"forum": request.forum.label, "codes": ", ".join(outside)}
    try:
        # The fields' own rules; the table's check constraints are the database's to enforce
        # (validating them here costs a query and a savepoint each).
        request.full_clean(
            exclude=["reference", "country", "regional_office", "created_by"],
            validate_constraints=False,
        )
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            missing.setdefault(name, " ".join(messages))
    return missing


# --- The one path for every action of the lifecycle table ---------------------------------------


@dataclass
class Outcome:
    """What an action's effect tells the event: a note for the timeline and structured data."""

    note: str = ""
    payload: dict | None = None


def _lock_visible(pk: int, actor: User) -> Request:
    # Visibility from the one selector (a plain filter, no join, so it can be locked).
    locked = requests_visible_to(actor).select_for_update().filter(pk=pk).first()
    if locked is None:
        raise RequestNotFound(_("No such request."))
    return locked


def _text(data: dict, name: str, errors: dict, required: bool = True) -> str:
    value = data.get(name)
    value = "" if value is None else str(value).strip()
    if required and not value:
        errors[name] = _("This field is required.")
    return value


def _email(data: dict, name: str, errors: dict) -> str:
    value = _text(data, name, errors)
    try:
        validate_email(value)
    except ValidationError:
        errors.setdefault(name, _("Enter a valid e-mail address."))
    return value


def _count(data: dict, name: str, errors: dict, required: bool = True) -> int | None:
    value = data.get(name)
    if value in (None, ""):
        if required:
            errors[name] = _("This field is required.")
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[name] = _("Enter a whole number.")
        return None
    if number < 0:
        errors[name] = _("Enter zero or more.")
        return None
    return number


def _amount(data: dict, name: str, errors: dict) -> Decimal | None:
    value = data.get(name)
    if value in (None, ""):
        errors[name] = _("This field is required.")
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        errors[name] = _("Enter an amount in US dollars.")
        return None
    if amount < 0 or not amount.is_finite():
        errors[name] = _("Enter an amount of zero or more.")
        return None
    return amount.quantize(Decimal("0.01"))


def _assignee(data: dict, request: Request, actor: User, errors: dict) -> User | None:
    value = data.get("assignee")
    if value in (None, ""):
        return actor
    user = User.objects.filter(pk=value).first() if str(value).isdigit() else None
    user = user or User.objects.filter(email__iexact=str(value)).first()
    if (
        user is None
        or user.role != Role.REGIONAL_STAFF
        or user.regional_office_id != request.regional_office_id
        or not user.is_active
    ):
        errors["assignee"] = _("Choose a colleague of the same regional office.")
        return None
    return user


def _division(value, errors: dict, name: str) -> Division | None:
    division = Division.objects.filter(pk=str(value or "").upper()).first()
    if division is None:
        errors[name] = (
            _("Choose a division.")
            if not value
            else _("Unknown division %(code)s.") % {"code": value}
        )
    return division


def _codes(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(part) for part in value]


def _raise_if(errors: dict) -> None:
    if errors:
        raise InvalidInput(_("Some fields are missing or not valid."), errors)


# Each effect validates its fields, changes the request and says what the event records.


def _member_codes(forum_id: str) -> set[str]:
    return set(
        Forum.countries.through.objects.filter(forum_id=forum_id).values_list(
            "country_id", flat=True
        )
    )


def _effect_submit(request, actor, data, now, levels):
    _refuse_unless_served(request)
    missing = missing_for_submission(request)
    if missing:
        raise InvalidInput(_("The request is not complete yet."), missing)
    request.regional_office_id = request.asked_by.regional_office_id
    request.submitted_at = now
    sla.start_clocks_on_submission(request, now, levels)
    return Outcome()


def _refuse_unless_served(request: Request) -> None:
    """The plan serves developing countries and economies in transition (registry.eligibility)."""
    refused = eligibility.refusals(
        country=request.country, covered=selectors.related_items(request, "covered_countries")
    )
    if refused:
        raise InvalidInput(" ".join(refused.values()), refused)


def _effect_acknowledge(request, actor, data, now, levels):
    errors = {}
    assignee = _assignee(data, request, actor, errors)
    _raise_if(errors)
    request.assignee = assignee
    request.acknowledged_at = now
    return Outcome(payload={"assignee": assignee.pk, "assignee_name": str(assignee)})


def _effect_assign(request, actor, data, now, levels):
    errors = {}
    if data.get("assignee") in (None, ""):
        errors["assignee"] = _("This field is required.")
    assignee = _assignee(data, request, actor, errors)
    _raise_if(errors)
    request.assignee = assignee
    return Outcome(payload={"assignee": assignee.pk, "assignee_name": str(assignee)})


def _effect_request_info(request, actor, data, now, levels):
    errors = {}
    message = _text(data, "message", errors)
    _raise_if(errors)
    request.state_before_info = request.state
    request.info_requested_at = now
    return Outcome(note=message)


def _effect_provide_info(request, actor, data, now, levels):
    errors = {}
    message = _text(data, "message", errors)
    _raise_if(errors)
    sla.pause_for_answer(request, request.info_requested_at or now, now)
    request.info_requested_at = None
    return Outcome(note=message)


def _effect_route(request, actor, data, now, levels):
    errors = {}
    lead = _division(data.get("lead_division"), errors, "lead_division")
    supporting_codes = {code.upper() for code in _codes(data.get("supporting_divisions"))}
    supporting = list(Division.objects.filter(pk__in=supporting_codes))
    unknown = supporting_codes - {division.pk for division in supporting}
    if unknown:
        errors["supporting_divisions"] = _("Unknown divisions: %(codes)s.") % {
            "codes": ", ".join(sorted(unknown))
        }
    _raise_if(errors)
    supporting = [division for division in supporting if division.pk != lead.pk]
    request.lead_division = lead
    request.supporting_divisions.set(supporting)
    request.decided_at = request.decided_at or now
    request.routed_at = now
    sla.start_acceptance_clock(request, now, levels)
    request_routed(request)  # its providers hear of it, after commit (issue 19)
    return Outcome(
        payload={"lead_division": lead.pk, "supporting_divisions": sorted(d.pk for d in supporting)}
    )


def _effect_decline(request, actor, data, now, levels):
    errors = {}
    reason = _text(data, "reason", errors)
    explanation = _text(data, "explanation", errors)
    if reason and reason not in DeclineReason.values:
        errors["reason"] = _("Choose one of: %(reasons)s.") % {
            "reasons": ", ".join(DeclineReason.values)
        }
    _raise_if(errors)
    request.decline_reason = reason
    request.decided_at = now
    return Outcome(note=explanation, payload={"reason": reason})


def _effect_refer(request, actor, data, now, levels):
    errors = {}
    explanation = _text(data, "explanation", errors, required=False)
    value = data.get("organization")
    organization = Organization.objects.filter(pk=value).first() if str(value).isdigit() else None
    if organization is None:
        errors["organization"] = _("Choose the organization from the registry.")
    contact_email = _email(data, "contact_email", errors)
    _raise_if(errors)
    request.referred_to = organization
    request.decided_at = now
    send_referral(request=request, actor=actor, organization=organization,
                  contact_email=contact_email, explanation=explanation, now=now)  # fmt: skip
    return Outcome(
        note=explanation,
        payload={"organization": organization.pk, "organization_name": str(organization)},
    )


def _effect_merge(request, actor, data, now, levels):
    errors = {}
    reference = _text(data, "into", errors)
    target = None
    if reference:
        # Locked as the merged request is: its state is read and its history written here,
        # and a colleague withdrawing or merging it meanwhile waits for this transaction.
        target = (
            requests_visible_to(actor)
            .select_for_update()
            .filter(
                reference=reference.upper(),
                country_id=request.country_id,
                forum_id=request.forum_id,
            )
            .exclude(pk=request.pk)
            .first()
        )
        if target is None or target.state in TERMINAL_STATES:
            errors["into"] = _("Choose an open request of the same requester.")
    _raise_if(errors)
    request.merged_into = target
    request.decline_reason = DeclineReason.DUPLICATE
    request.decided_at = now
    RequestEvent.objects.create(
        request=target,
        actor=actor,
        action="comment",
        from_state=target.state,
        to_state=target.state,
        created_at=now,
        note=_("Request %(reference)s was merged into this one.")
        % {"reference": request.reference},
        payload={"merged_from": request.reference},
    )
    return Outcome(
        note=_("Merged into %(reference)s.") % {"reference": target.reference},
        payload={"into": target.reference},
    )


def _effect_return(request, actor, data, now, levels):
    errors = {}
    reason = _text(data, "reason", errors)
    _raise_if(errors)
    payload = {"lead_division": request.lead_division_id}
    request.lead_division = None
    request.supporting_divisions.clear()
    request.routed_at = None
    request.acceptance_due_at = None
    return Outcome(note=reason, payload=payload)


def _effect_accept(request, actor, data, now, levels):
    errors = {}
    plan = _text(data, "response_plan", errors)
    activities = _registry_activities(data, actor, errors)
    _raise_if(errors)
    request.response_plan = plan
    request.accepted_at = now
    request.activities.add(*activities)
    return Outcome(note=plan, payload={"activities": sorted(a.pk for a in activities)})


def _registry_activities(data: dict, actor: User, errors: dict) -> list:
    """The registry activities a division links to its response: ids of activities it can see."""
    wanted = _codes(data.get("activities"))
    ids = {int(value) for value in wanted if str(value).isdigit()}
    found = list(activities_visible_to(actor).filter(pk__in=ids)) if ids else []
    unknown = sorted(set(map(str, wanted)) - {str(activity.pk) for activity in found})
    if unknown:
        errors["activities"] = _("Unknown registry activities: %(ids)s.") % {
            "ids": ", ".join(unknown)
        }
    return found


def _effect_progress(request, actor, data, now, levels):
    errors = {}
    text = _text(data, "text", errors)
    _raise_if(errors)
    return Outcome(note=text)


def _effect_complete(request, actor, data, now, levels):
    errors = {}
    female = _count(data, "people_trained_female", errors)
    male = _count(data, "people_trained_male", errors)
    other = _count(data, "people_trained_other", errors, required=False)
    institutions = _count(data, "institutions_supported", errors, required=False)
    outputs = _text(data, "outputs", errors)
    cost = _amount(data, "cost_usd", errors)
    lessons = _text(data, "lessons", errors)
    # Outputs by kind and what went well or not (issue 18): optional, counted by the report.
    by_kind = {name: _count(data, name, errors, required=False) for name in OUTPUT_KINDS}
    for name, count in by_kind.items():
        if count is not None and count > bounds.OUTPUTS.high:
            errors[name] = bounds.OUTPUTS.message()
    successes = _text(data, "successes", errors, required=False)
    shortcomings = _text(data, "shortcomings", errors, required=False)
    _raise_if(errors)
    request.people_trained_female = female
    request.people_trained_male = male
    request.people_trained_other = other or 0
    request.institutions_supported = institutions or 0
    request.outputs = outputs
    request.cost_usd = cost
    request.lessons = lessons
    for name, count in by_kind.items():
        setattr(request, name, count or 0)
    request.successes = successes
    request.shortcomings = shortcomings
    request.completed_at = now
    return Outcome(
        note=outputs,
        payload={
            "people_trained_female": female, "people_trained_male": male,
            "people_trained_other": other or 0, "institutions_supported": institutions or 0,
            "cost_usd": str(cost), "lessons": lessons,
            **{name: count or 0 for name, count in by_kind.items()},
        },
    )  # fmt: skip


def _effect_close(request, actor, data, now, levels):
    request.closed_at = now
    return Outcome()


def _effect_withdraw(request, actor, data, now, levels):
    errors = {}
    reason = _text(data, "reason", errors)
    _raise_if(errors)
    return Outcome(note=reason)


def _yes_no(data: dict, name: str):
    value = data.get(name)
    if isinstance(value, str):
        value = {"true": True, "yes": True, "1": True, "false": False, "no": False,
                 "0": False}.get(value.strip().lower())  # fmt: skip
    return value if value in (True, False) else None


def _rating(data: dict, name: str, errors: dict, required: bool) -> int | None:
    rating = _count(data, name, errors, required=required)
    if rating is not None and not 1 <= rating <= 5:
        errors[name] = _("Rate from 1 to 5.")
    return rating


def _follow_up_window(request, now) -> int:
    """The window a follow-up answers: 12 months once nine have passed since completion."""
    completed = request.completed_at or now
    return 12 if now >= completed + timedelta(days=274) else 6


def _effect_evaluate(request, actor, data, now, levels):
    errors = {}
    rating = _rating(data, "rating", errors, required=True)
    comments = _text(data, "comments", errors)
    kind = data.get("kind") or EvaluationKind.ON_COMPLETION
    if kind not in EvaluationKind.values:
        errors["kind"] = _("Choose one of: %(kinds)s.") % {
            "kinds": ", ".join(EvaluationKind.values)
        }
    programme_rating = _rating(data, "programme_rating", errors, required=False)
    staff_rating = _rating(data, "staff_rating", errors, required=False)
    retained = _yes_no(data, "capacity_retained")
    used = _yes_no(data, "capacity_used")
    _raise_if(errors)
    # Every assessment is kept (issue 18): a new one never overwrites an earlier one.
    Evaluation.objects.create(
        request=request, kind=kind, rating=rating, comments=comments,
        months_after=_follow_up_window(request, now) if kind == EvaluationKind.FOLLOW_UP else None,
        capacity_retained=retained, capacity_used=used, programme_rating=programme_rating,
        staff_rating=staff_rating, evaluated_by=actor, evaluated_at=now,
    )  # fmt: skip
    return Outcome(
        note=comments,
        payload={"rating": rating, "kind": kind, "capacity_retained": retained,
                 "capacity_used": used, "programme_rating": programme_rating,
                 "staff_rating": staff_rating},
    )  # fmt: skip


def _effect_comment(request, actor, data, now, levels):
    errors = {}
    text = _text(data, "text", errors)
    _raise_if(errors)
    return Outcome(note=text)


EFFECTS = {
    "submit": _effect_submit,
    "acknowledge": _effect_acknowledge,
    "assign": _effect_assign,
    "request_info": _effect_request_info,
    "provide_info": _effect_provide_info,
    "route": _effect_route,
    "decline": _effect_decline,
    "refer": _effect_refer,
    "merge": _effect_merge,
    "return": _effect_return,
    "accept": _effect_accept,
    "progress": _effect_progress,
    "complete": _effect_complete,
    "close": _effect_close,
    "withdraw": _effect_withdraw,
    "evaluate": _effect_evaluate,
    "comment": _effect_comment,
}

# Who hears of an event by e-mail: the requester (the country's focal points in office, or the
# forum's) hears of every change of state and every question; the office hears the answers and
# withdrawals.
NOTIFY_COUNTRY = {"submit", "acknowledge", "request_info", "route", "decline", "refer", "merge",
                  "accept", "complete", "close", "withdraw", "return"}  # fmt: skip
NOTIFY_HOLDER = {"provide_info", "withdraw", "submit"}


@dataclass(frozen=True)
class Audience:
    """Who is written to about an event, besides its actor: the requester's focal points (of
    the country, or of the forum), the person holding the request, the regional office's staff
    (None: not them)."""

    country_id: str | None = None
    holder_id: int | None = None
    office_id: str | None = None
    forum_id: str | None = None


def _audience(request: Request, action: Action) -> Audience | None:
    """Who hears of ``action``; None: nobody."""
    country_id = forum_id = None
    if action.name in NOTIFY_COUNTRY:
        country_id, forum_id = request.country_id, request.forum_id
    holder_id = office_id = None
    if action.name in NOTIFY_HOLDER:
        if request.assignee_id:
            holder_id = request.assignee_id
        elif action.name == "submit":
            office_id = request.regional_office_id
    if (country_id, forum_id, holder_id, office_id) == (None, None, None, None):
        return None
    return Audience(country_id, holder_id, office_id, forum_id)


def _write_notices(event: RequestEvent, audience: Audience, actor: User) -> int:
    """The e-mail owed for ``event``, one row per active account of the audience but the
    actor, written by the statement that chooses them. Returns how many."""
    params = [
        event.pk, timezone.now(), True, actor.pk,
        Role.FOCAL_POINT, audience.country_id, *designation_in_force_params(),
        Role.FORUM_FOCAL_POINT, audience.forum_id,
        audience.holder_id, Role.REGIONAL_STAFF, audience.office_id,
    ]  # fmt: skip
    with prepared_cursor() as cursor:
        cursor.execute(_notices_statement(connection.vendor), params)
        return cursor.rowcount


@cache
def _notices_statement(vendor: str) -> str:
    # One text for every audience, so that PostgreSQL prepares it once: a part of the
    # audience left out is a NULL, which equals nothing. A country's focal points are those
    # whose designation is in force (its rule in SQL, from designations.selectors).
    user, notice = User._meta, Notification._meta

    def column(name):
        return f'u."{user.get_field(name).column}"'

    pk, role = f'u."{user.pk.column}"', column("role")
    columns = ", ".join(
        f'"{notice.get_field(name).column}"'
        for name in ("event", "recipient", "created_at", "attempts")
    )
    in_force = designation_in_force_sql(pk, column("country"))
    return (
        f'INSERT INTO "{notice.db_table}" ({columns}) '  # noqa: S608 (names from the models)
        f'SELECT %s, {pk}, %s, 0 FROM "{user.db_table}" u '
        f"WHERE {column('is_active')} = %s AND {pk} <> %s "
        f"AND (({role} = %s AND {column('country')} = %s AND {in_force}) "
        f"OR ({role} = %s AND {column('forum')} = %s) OR {pk} = %s "
        f"OR ({role} = %s AND {column('regional_office')} = %s))"
    )


def perform_action(*, request: Request, actor: User, action: str, data: dict | None = None,
                   now: datetime | None = None) -> RequestEvent:  # fmt: skip
    """Take one action of the lifecycle table on a request, or raise a ``RequestError``."""
    try:
        spec = get_action(action)
    except LookupError:
        raise RequestNotFound(_("Unknown action %(action)s.") % {"action": action}) from None
    with transaction.atomic():
        locked = _lock_visible(request.pk, actor)
        event = _apply_action(locked, actor, spec, data or {}, now or timezone.now())
        locked.save()
        _record_events(locked, actor, spec, [event])
    request.refresh_from_db()
    return event


def _apply_action(locked: Request, actor: User, spec: Action, data: dict,
                  now: datetime) -> RequestEvent:  # fmt: skip
    """The action on a request the caller's transaction holds (locked, or not stored yet):
    checks the actor's capacity, the table and the fields, and applies the effect. Returns the
    event to record; the caller saves the request, then records the event."""
    if not spec.capacities & capacities_of(actor, locked):
        raise ActionNotPermitted(
            _("You cannot %(action)s this request.") % {"action": str(spec.label).lower()}
        )
    if not spec.is_allowed_from(locked.state):
        raise TransitionNotAllowed(
            _("This request is %(state)s: it cannot be %(action)s now.")
            % {"state": locked.get_state_display().lower(), "action": spec.name}
            if spec.name != "submit" or locked.state == State.DRAFT
            else _("This request has already been submitted.")
        )
    data = _valid_input(locked, actor, spec, data)
    levels = ServiceLevel.current()
    from_state = locked.state
    outcome = EFFECTS[spec.name](locked, actor, data, now, levels)
    locked.state = resulting_state(spec, from_state, locked.state_before_info)
    if spec.name == "provide_info":
        locked.state_before_info = ""
    sla.refresh_deadline(locked, levels)
    return RequestEvent(
        request=locked, actor=actor, action=spec.name, from_state=from_state,
        to_state=locked.state, note=outcome.note, payload=outcome.payload or {},
        created_at=now,
    )  # fmt: skip


def _valid_input(locked: Request, actor: User, spec: Action, data) -> dict:
    """The action's input checked by its one form (the page's and the API's alike), as the
    effect takes it; or ``InvalidInput`` naming each field at fault."""
    form = action_form(spec.name, locked, actor, data)
    problems = input_errors(form)
    if problems:
        raise InvalidInput(
            _("Some fields are missing or not valid."),
            {name: " ".join(messages) for name, messages in problems.items()},
        )
    return form.service_data()


def _record_events(request: Request, actor: User, spec: Action, events: list) -> None:
    """Write ``events`` (the last one ``spec``'s) in one statement, and the e-mail owed for
    the last; the request is saved."""
    insert_new(events)
    event = events[-1]
    audience = _audience(request, spec)
    if audience is not None and _write_notices(event, audience, actor):
        transaction.on_commit(lambda: notifications.notify_after_commit(event.pk))


def is_open(request: Request) -> bool:
    return request.state in OPEN_STATES


# --- Attachments (issue 3): concept notes, endorsement letters, reports --------------------------

# Everyone working on a request may add a document to it; the Governing Council staff only read.
ATTACHING_CAPACITIES = frozenset(
    {Capacity.FOCAL_POINT, Capacity.REGIONAL_STAFF, Capacity.LEAD_DIVISION,
     Capacity.SUPPORTING_DIVISION, Capacity.COORDINATOR}
)  # fmt: skip


def add_attachment(*, request: Request, actor: User, upload, kind: str = "") -> Attachment:
    """Store an uploaded document, checked by its content and size, under a generated name."""
    kind = kind or Attachment.Kind.OTHER
    errors = {}
    if kind not in Attachment.Kind.values:
        errors["kind"] = _("Choose one of: %(kinds)s.") % {
            "kinds": ", ".join(Attachment.Kind.values)
        }
    detected, problem = uploads.checked(upload)
    if problem:
        errors["file"] = problem
    attachment = None
    try:
        with transaction.atomic():
            locked = _lock_visible(request.pk, actor)
            if not capacities_of(actor, locked) & ATTACHING_CAPACITIES:
                raise ActionNotPermitted(_("You cannot add documents to this request."))
            if locked.state in TERMINAL_STATES:
                raise TransitionNotAllowed(
                    _("This request is %(state)s: documents can no longer be added.")
                    % {"state": locked.get_state_display().lower()}
                )
            _raise_if(errors)
            attachment = Attachment(
                request=locked,
                kind=kind,
                stored_name=f"{uuid.uuid4().hex}{detected.extension}",
                original_name=uploads.clean_original_name(upload.name, detected),
                content_type=detected.content_type,
                size=upload.size,
                uploaded_by=actor,
            )
            _store_attachment_file(attachment, upload)
            attachment.save()
    except Exception:
        # A store that failed left no row; a row that was not committed leaves no file.
        if attachment is not None and attachment.file:
            _discard_file(attachment.file)
        raise
    return attachment


def _store_attachment_file(attachment: Attachment, upload) -> None:
    # The stored name is generated; nothing the uploader typed reaches the storage.
    try:
        attachment.file.save(attachment.stored_name, upload, save=False)
    except Exception as error:
        if not storage_failed(error):
            raise
        logger.warning("Could not store an attachment: %s", error)
        message = _("The document could not be stored just now; it was not added. Try again.")
        raise StorageUnavailable(message, {"file": message}) from error


def _discard_file(field_file) -> None:
    try:
        field_file.delete(save=False)
    except Exception:  # the store failed again: the object is left, and logged
        logger.exception("Could not remove %s after its row was not written", field_file.name)


# --- staff (issue 4): bulk actions from the queue, and the service levels --------------------


@dataclass
class BulkResult:
    """What one request of a bulk action came to: its event, or the error that stopped it."""

    request: Request
    event: RequestEvent | None = None
    error: RequestError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def bulk_action(
    *, requests, actor: User, action: str, data: dict | None = None, now: datetime | None = None
) -> list[BulkResult]:
    """Take one action on several requests, each through ``perform_action``.

    Each request is its own transaction: one that cannot be moved (taken by a colleague a
    moment ago, outside the actor's scope) is reported and does not undo the others.
    """
    results = []
    for request in requests:
        try:
            event = perform_action(request=request, actor=actor, action=action, data=data, now=now)
        except RequestError as error:
            results.append(BulkResult(request=request, error=error))
        else:
            results.append(BulkResult(request=request, event=event))
    return results


SERVICE_LEVEL_FIELDS = ("acknowledge_days", "decision_days", "acceptance_days")


@transaction.atomic
def update_service_levels(*, actor: User, values: dict) -> ServiceLevel:
    """The coordinator sets the SLA clocks, in days (1-365 each).

    New clocks start with these values; a clock already running keeps the due date it was
    given when its step started, so nobody's deadline moves under their feet.
    """
    if actor.role != Role.COORDINATOR:
        raise ActionNotPermitted(_("Only the BSP coordinator can change the service levels."))
    errors = {}
    days = {}
    for name in SERVICE_LEVEL_FIELDS:
        number = _count(values, name, errors)
        if number is not None and not bounds.SLA_DAYS.low <= number <= bounds.SLA_DAYS.high:
            errors[name] = _("Enter a number of days from %(low)s to %(high)s.") % {
                "low": bounds.SLA_DAYS.low,
                "high": bounds.SLA_DAYS.high,
            }
        days[name] = number
    _raise_if(errors)
    levels = ServiceLevel.objects.select_for_update().order_by("pk").first() or ServiceLevel()
    for name, number in days.items():
        setattr(levels, name, number)
    levels.save()
    return levels
