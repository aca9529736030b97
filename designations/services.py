"""Every write to a designation: nominate, approve, reject, end, and the focal point's first
password. Each is one transaction that writes its immutable event; e-mail goes after commit.
``now`` is when a step happened (default: now); the demonstration data records past steps.
"""

import uuid
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from bali_portal import errors
from bali_portal.accounts.models import Role, User
from bali_portal.broker import task_named
from registry.eligibility import not_served
from registry.models import Country
from requests_app import uploads

from . import selectors
from .models import Designation, DesignationEvent, Status
from .tokens import set_password_tokens


class DesignationError(errors.DomainError):
    """A use case of the designations refused."""


class DesignationNotFound(DesignationError, errors.NotFound):
    """Outside the actor's scope, or no such designation: never a hint which."""


class NotPermitted(DesignationError, errors.NotPermitted):
    pass


class WrongStatus(DesignationError, errors.Conflict):
    pass


class InvalidDesignation(DesignationError, errors.InvalidInput):
    pass


# What those who decide may do to a designation in each status (pages and API read this).
ACTIONS_OF_STATUS = {
    Status.NOMINATED: ("approve", "reject"),
    Status.APPROVED: ("end", "send-link"),
}
# The actions that take a reason.
WITH_REASON = frozenset({"reject", "end"})

NOMINATION_FIELDS = ("country", "full_name", "position", "ministry", "email", "phone",
                     "starts_on", "ends_on", "replaces")  # fmt: skip
REQUIRED = ("country", "full_name", "position", "ministry", "email", "phone", "starts_on")


def _event(designation, action, actor, from_status, note="", payload=None, now=None):
    return DesignationEvent.objects.create(
        designation=designation, action=action, actor=actor, from_status=from_status,
        to_status=designation.status, note=note, payload=payload or {},
        created_at=now or timezone.now(),
    )  # fmt: skip


# --- Nomination (public) ----------------------------------------------------------------------


def _nomination_errors(values: dict, letter) -> tuple[dict, object]:
    errors = {}
    for name in REQUIRED:
        if values.get(name) in (None, ""):
            errors[name] = _("This field is required.")
    email = (values.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Enter a valid e-mail address.")
    country = values.get("country")
    if isinstance(country, Country) and not country.eligible:
        errors["country"] = not_served(country)
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    if isinstance(starts_on, date) and isinstance(ends_on, date) and ends_on < starts_on:
        errors["ends_on"] = _("The end date comes before the start date.")
    replaces = values.get("replaces")
    if replaces is not None and (
        not isinstance(country, Country) or replaces.country_id != country.pk
    ):
        errors["replaces"] = _("Choose a current focal point of the same country.")
    detected, problem = uploads.checked(letter)
    if problem:
        errors["letter"] = problem
    return errors, detected


@transaction.atomic
def nominate(*, values: dict, letter, now: datetime | None = None) -> Designation:
    """A government's nomination of a national focal point, with the official letter.

    Checked like a request's documents (by content and size), stored under a generated name.
    Nobody acts for the country until its regional office or the coordinator approves.
    """
    errors, detected = _nomination_errors(values, letter)
    if errors:
        raise InvalidDesignation(_("Some fields are missing or not valid."), errors)
    now = now or timezone.now()
    designation = Designation(
        **{name: values.get(name) for name in NOMINATION_FIELDS},
        status=Status.NOMINATED,
        nominated_at=now,
        letter_stored_name=f"{uuid.uuid4().hex}{detected.extension}",
        letter_name=uploads.clean_original_name(letter.name, detected),
        letter_content_type=detected.content_type,
        letter_size=letter.size,
    )
    designation.email = designation.email.strip().lower()
    designation.letter.save(designation.letter_stored_name, letter, save=False)
    try:
        designation.save()
    except Exception:
        designation.letter.delete(save=False)
        raise
    _event(designation, DesignationEvent.Action.NOMINATED, None, "", now=now)
    return designation


# --- Decisions (the country's regional office or the coordinator) -----------------------------


def _locked(pk: int, actor: User) -> Designation:
    locked = (
        selectors.designations_visible_to(actor)
        .select_for_update()
        .filter(pk=pk)
        .select_related("country")
        .first()
    )
    if locked is None:
        raise DesignationNotFound(_("No such designation."))
    if not selectors.may_decide(actor, locked):
        raise NotPermitted(
            _("Only the country's regional office or the coordinator decide on designations.")
        )
    return locked


def _require_status(designation: Designation, *statuses: str) -> None:
    if designation.status not in statuses:
        raise WrongStatus(
            _("This designation is %(status)s: it cannot be changed that way now.")
            % {"status": designation.get_status_display().lower()}
        )


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidDesignation(
            _("Some fields are missing or not valid."), {"reason": _("Give the reason.")}
        )
    return reason


def _account_for(designation: Designation) -> User:
    """The focal-point account of the designated person: created, or the same person's account
    reactivated (a focal point designated again)."""
    account = User.objects.filter(email__iexact=designation.email).first()
    if account is None:
        account = User(email=designation.email, role=Role.FOCAL_POINT)
        account.set_unusable_password()
    elif account.role != Role.FOCAL_POINT or (
        account.country_id not in (None, designation.country_id)
    ):
        raise WrongStatus(
            _(
                "The e-mail address %(email)s belongs to an account that is not a focal point "
                "of %(country)s; ask the person for another address."
            )
            % {"email": designation.email, "country": designation.country.label}
        )
    account.country = designation.country
    account.full_name = designation.full_name
    account.is_active = True
    account.save()
    return account


@transaction.atomic
def approve(*, designation: Designation, actor: User, now: datetime | None = None) -> Designation:
    """Verified: the person's account is created (or reactivated) and gets a one-time link to
    set a password, valid seven days. A nomination replacing a focal point ends that one."""
    locked = _locked(designation.pk, actor)
    _require_status(locked, Status.NOMINATED)
    now = now or timezone.now()
    locked.account = _account_for(locked)
    locked.status = Status.APPROVED
    locked.decided_at = now
    locked.save()
    _event(locked, DesignationEvent.Action.APPROVED, actor, Status.NOMINATED,
           payload={"account": locked.account_id}, now=now)  # fmt: skip
    if locked.replaces_id:
        replaced = Designation.objects.select_for_update().get(pk=locked.replaces_id)
        if replaced.status == Status.APPROVED:
            _end(replaced, actor, _("Replaced by %(name)s.") % {"name": locked.full_name}, now,
                 payload={"successor": locked.pk})  # fmt: skip
    _send_link_after_commit(locked.pk)
    return locked


@transaction.atomic
def reject(
    *, designation: Designation, actor: User, reason: str, now: datetime | None = None
) -> Designation:
    locked = _locked(designation.pk, actor)
    _require_status(locked, Status.NOMINATED)
    reason = _reason(reason)
    now = now or timezone.now()
    locked.status = Status.REJECTED
    locked.decided_at = now
    locked.reason = reason
    locked.save()
    _event(locked, DesignationEvent.Action.REJECTED, actor, Status.NOMINATED, note=reason, now=now)
    return locked


@transaction.atomic
def end(
    *, designation: Designation, actor: User, reason: str, now: datetime | None = None
) -> Designation:
    """The designation ends (revoked, or the government names someone else): from now on its
    account no longer acts for the country. The account and its history stay."""
    locked = _locked(designation.pk, actor)
    _require_status(locked, Status.APPROVED)
    _end(locked, actor, _reason(reason), now or timezone.now())
    return locked


def _end(designation: Designation, actor: User, reason: str, now: datetime, payload=None):
    designation.status = Status.ENDED
    designation.ended_at = now
    designation.reason = reason
    designation.save()
    _event(designation, DesignationEvent.Action.ENDED, actor, Status.APPROVED, note=reason,
           payload=payload, now=now)  # fmt: skip


@transaction.atomic
def record_designation(
    *, account: User, actor: User | None = None, starts_on: date | None = None
) -> Designation:
    """An approved designation recorded by an administrator for an existing focal-point account
    (``create_portal_user --role focal_point``): the government's letter is on file elsewhere."""
    now = timezone.now()
    designation = Designation.objects.create(
        country_id=account.country_id, full_name=account.full_name or account.email,
        email=account.email, starts_on=starts_on or timezone.localdate(), status=Status.APPROVED,
        account=account, nominated_at=now, decided_at=now,
    )  # fmt: skip
    note = _("Recorded by an administrator.")
    _event(designation, DesignationEvent.Action.APPROVED, actor, "", note=note,
           payload={"recorded": True}, now=now)  # fmt: skip
    return designation


# --- The link to set a password ----------------------------------------------------------------


@transaction.atomic
def send_new_link(*, designation: Designation, actor: User) -> Designation:
    """A new link for a focal point whose link expired (seven days) or went astray."""
    locked = _locked(designation.pk, actor)
    _require_status(locked, Status.APPROVED)
    locked.link_sent_at = None
    locked.save(update_fields=["link_sent_at"])
    _send_link_after_commit(locked.pk)
    return locked


def _send_link_after_commit(designation_id: int) -> None:
    send_set_password_link = task_named("designations.tasks.send_set_password_link")
    transaction.on_commit(lambda: send_set_password_link.delay(designation_id))


def set_password_path(account: User) -> str:
    return reverse(
        "designations:set-password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(account.pk)),
            "token": set_password_tokens.make_token(account),
        },
    )


def send_set_password_link(designation_id: int) -> bool:
    """E-mail the approved focal point the link to set a password, once (a retried task finds
    it sent). Returns whether it was sent now."""
    with transaction.atomic():
        designation = (
            Designation.objects.select_for_update(of=("self",))
            .select_related("account", "country")
            .filter(pk=designation_id, status=Status.APPROVED, link_sent_at__isnull=True)
            .first()
        )
        if designation is None:
            return False
        account = designation.account
        link = settings.PORTAL_BASE_URL.rstrip("/") + set_password_path(account)
        with translation.override(account.language):
            context = {
                "designation": designation,
                "country": designation.country.label,
                "link": link,
                "days": 7,
            }
            subject = render_to_string("designations/email/set_password_subject.txt", context)
            body = render_to_string("designations/email/set_password_body.txt", context)
        send_mail(" ".join(subject.split()), body, None, [account.email])
        now = timezone.now()
        designation.link_sent_at = now
        designation.save(update_fields=["link_sent_at"])
        _event(designation, DesignationEvent.Action.LINK_SENT, None, Status.APPROVED, now=now)
    return True


@transaction.atomic
def record_password_set(*, account: User) -> None:
    """The focal point has set a password from the link: a step of the designation's history."""
    designation = selectors.latest_designation_of(account)
    if designation is not None:
        _event(designation, DesignationEvent.Action.PASSWORD_SET, account, designation.status)
