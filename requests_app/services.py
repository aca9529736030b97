"""Every write to a request: drafts, and each action of the lifecycle table.

A transition is one path (``perform_action``): lock the row, check the actor's scope, the
table and the fields (the action's form), apply the action's effect (``apply`` of its class
in ``actions.lifecycle``), write the immutable event, save — in one transaction. E-mail goes
out after commit, through an outbox (``Notification``). A request filed and submitted in one
call (``file_request``) takes the same checks and effect (``_apply_action``) before its row is
first written, which no one else can see until then.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from bali_portal import bounds
from bali_portal.accounts.models import Role, User
from bali_portal.db import insert_new, prepared_cursor
from bali_portal.storage import storage_failed
from designations.selectors import (
    acts_as_focal_point,
    designation_in_force_params,
    designation_in_force_sql,
)
from registry.models import Country, Forum

from . import notifications, selectors, sla, uploads
from .actions import action_form, input_errors
from .actions.base import Audience
from .actions.inputs import count, raise_if
from .errors import (
    ActionNotPermitted,
    InvalidInput,
    RequestError,
    RequestNotFound,
    StorageUnavailable,
    TransitionNotAllowed,
)
from .models import (
    Attachment,
    ForumReferenceCounter,
    Notification,
    ReferenceCounter,
    Request,
    Requester,
    RequestEvent,
    ServiceLevel,
)
from .selectors import capacities_of, requests_visible_to
from .submission import DRAFT_FIELDS, DRAFT_RELATIONS, missing_for_submission
from .workflow import (
    OPEN_STATES,
    TERMINAL_STATES,
    Action,
    Capacity,
    State,
    get_action,
    resulting_state,
)

# Named here too: the pages, the API and the tests catch them as ``services.<Error>``, and ask
# ``services.missing_for_submission`` what a draft lacks.
__all__ = [
    "ActionNotPermitted", "InvalidInput", "RequestError", "RequestNotFound",
    "StorageUnavailable", "TransitionNotAllowed", "missing_for_submission",
]  # fmt: skip

logger = logging.getLogger(__name__)

# --- Drafts ------------------------------------------------------------------------------------


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


# --- The one path for every action of the lifecycle table ---------------------------------------


def _lock_visible(pk: int, actor: User) -> Request:
    # Visibility from the one selector (a plain filter, no join, so it can be locked).
    locked = requests_visible_to(actor).select_for_update().filter(pk=pk).first()
    if locked is None:
        raise RequestNotFound(_("No such request."))
    return locked


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
    outcome = spec.apply(locked, actor, data, now, levels)
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
    audience = spec.audience(request)
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
            raise_if(errors)
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
        number = count(values, name, errors)
        if number is not None and not bounds.SLA_DAYS.low <= number <= bounds.SLA_DAYS.high:
            errors[name] = _("Enter a number of days from %(low)s to %(high)s.") % {
                "low": bounds.SLA_DAYS.low,
                "high": bounds.SLA_DAYS.high,
            }
        days[name] = number
    raise_if(errors)
    levels = ServiceLevel.objects.select_for_update().order_by("pk").first() or ServiceLevel()
    for name, number in days.items():
        setattr(levels, name, number)
    levels.save()
    return levels
