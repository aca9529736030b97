"""Every write of the exchange: one function per use case, each in one transaction, each
writing its immutable ``Event``; the e-mail it owes goes to the ``Mail`` outbox and out after
commit (``mail.send_after_commit``). Those that act on a request through requests_app's
services are in ``responses``.
"""

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bali_portal import errors
from bali_portal.accounts.models import Role, User
from requests_app.matching import matches_for
from requests_app.models import Request
from requests_app.selectors import requests_visible_to
from requests_app.states import OPEN_STATES

from . import mail, selectors
from .matching import (
    NOTIFY_LIMIT,
    NOTIFY_THRESHOLD,
    SOUTH_SOUTH_INTERESTS,
    requests_matching_offer,
    why_offer_answers,
    why_request_matches,
)
from .models import (
    LANGUAGE_CODES,
    Event,
    EventKind,
    Expert,
    Mail,
    MailKind,
    MatchDirection,
    MatchNotice,
    Offer,
    Proposal,
    Referral,
    ReferralOutcome,
    ReferralStatus,
)


class ExchangeError(errors.DomainError):
    """A use case of the exchange refused: invalid input unless a kind below says otherwise."""


class ExchangeInvalid(ExchangeError, errors.InvalidInput):
    pass


class ExchangeNotFound(ExchangeError, errors.NotFound):
    pass


class ExchangeNotPermitted(ExchangeError, errors.NotPermitted):
    pass


class ExchangeConflict(ExchangeError, errors.Conflict):
    """The referral, proposal or source is no longer in a state that allows it."""


def _not_found():
    return ExchangeNotFound(_("Not found."))


def _forbidden(message):
    return ExchangeNotPermitted(message)


def _record(kind: str, *, actor=None, now=None, **links) -> Event:
    event = Event(kind=kind, actor=actor, created_at=now or timezone.now(), **links)
    event.save()
    return event


# --- Who hears of what ------------------------------------------------------------------------


def _people(users) -> list[tuple[str, str]]:
    return [(user.email, user.language) for user in users]


def _country_focal_points(request) -> list[tuple[str, str]]:
    return _people(
        User.objects.filter(role=Role.FOCAL_POINT, country_id=request.country_id, is_active=True)
    )


def _office_staff(office_id) -> list[tuple[str, str]]:
    return _people(
        User.objects.filter(role=Role.REGIONAL_STAFF, regional_office_id=office_id, is_active=True)
    )


def _holders(request) -> list[tuple[str, str]]:
    """The person holding the request at its regional office, or the whole office."""
    if request.assignee_id and request.assignee.is_active:
        return _people([request.assignee])
    return _office_staff(request.regional_office_id)


def _centre_staff(organization_id) -> list[tuple[str, str]]:
    return _people(
        User.objects.filter(
            role=Role.REGIONAL_CENTRE, organization_id=organization_id, is_active=True
        )
    )


def _owe(kind: str, recipients: Iterable[tuple[str, str]], group_key: str = "", **links) -> int:
    """Write the e-mail owed (one row per address), sent after commit. Rows of one
    ``group_key`` to one person go out as one e-mail; without a key, each goes alone."""
    rows, seen = [], set()
    for email, language in recipients:
        if email and email.lower() not in seen:
            seen.add(email.lower())
            rows.append(
                Mail(
                    kind=kind,
                    recipient_email=email,
                    language=language or settings.LANGUAGE_CODE,
                    group_key=group_key or uuid.uuid4().hex,
                    **links,
                )
            )
    if rows:
        Mail.objects.bulk_create(rows, ignore_conflicts=True)
        _send_after_commit()
    return len(rows)


def _send_after_commit() -> None:
    # One sweep per transaction, however many services in it owe e-mail: the sweep sends
    # them all.
    connection = transaction.get_connection()
    if not any(func is mail.send_after_commit for _ids, func, _robust in connection.run_on_commit):
        transaction.on_commit(mail.send_after_commit)


def _partner_language() -> str:
    # The partner has no account: it is written to in the language of the person referring.
    return translation.get_language() or settings.LANGUAGE_CODE


# --- Referral to a partner (plan §16-17, §26) -------------------------------------------------


def send_referral(
    *, request, actor, organization, contact_email: str, explanation: str, now: datetime
) -> Referral:
    """Record the referral of ``request`` (called by the ``refer`` action, in its transaction)
    and owe its partner's contact the e-mail with the signed link to answer it."""
    referral = Referral.objects.create(
        request=request,
        organization=organization,
        contact_email=contact_email,
        explanation=explanation,
        referred_by=actor,
        sent_at=now,
    )
    _record(EventKind.REFERRAL_SENT, actor=actor, now=now, request=request, referral=referral)
    _owe(
        MailKind.REFERRAL_INVITATION,
        [(contact_email, _partner_language())],
        referral=referral,
    )
    return referral


def _locked_referral(referral_id: int) -> Referral:
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("request")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise _not_found()
    return referral


def _tell_country_and_office(referral: Referral) -> None:
    request = referral.request
    _owe(
        MailKind.REFERRAL_ANSWERED,
        _country_focal_points(request) + _holders(request),
        referral=referral,
    )


@transaction.atomic
def answer_referral(*, referral_id: int, accept: bool, note: str = "", now=None) -> Referral:
    """The partner accepts or declines the referral, through its link (no account)."""
    now = now or timezone.now()
    referral = _locked_referral(referral_id)
    if referral.status != ReferralStatus.SENT:
        raise ExchangeConflict(
            _("This referral has already been answered: %(status)s.")
            % {"status": referral.get_status_display().lower()},
        )
    referral.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED
    referral.answer_note = (note or "").strip()
    referral.answered_at = now
    referral.save(update_fields=["status", "answer_note", "answered_at"])
    kind = EventKind.REFERRAL_ACCEPTED if accept else EventKind.REFERRAL_DECLINED
    _record(kind, now=now, request=referral.request, referral=referral, note=referral.answer_note)
    _tell_country_and_office(referral)
    if accept:
        # A fresh link, to report the outcome when the support is done.
        _owe(
            MailKind.REFERRAL_LINK,
            [(referral.contact_email, _partner_language())],
            referral=referral,
        )
    return referral


@transaction.atomic
def report_referral_outcome(*, referral_id: int, outcome: str, note: str, now=None) -> Referral:
    """The partner reports what came of a referral it accepted."""
    now = now or timezone.now()
    errors = {}
    if outcome not in ReferralOutcome.values:
        errors["outcome"] = _("Choose what came of the referral.")
    if not (note or "").strip():
        errors["note"] = _("Say briefly what was done.")
    if errors:
        raise ExchangeInvalid(_("Some fields are missing or not valid."), errors)
    referral = _locked_referral(referral_id)
    if referral.status != ReferralStatus.ACCEPTED:
        raise ExchangeConflict(
            _("An outcome can be reported only for a referral the partner accepted.")
        )
    referral.status = ReferralStatus.COMPLETED
    referral.outcome = outcome
    referral.outcome_note = note.strip()
    referral.completed_at = now
    referral.save(update_fields=["status", "outcome", "outcome_note", "completed_at"])
    _record(
        EventKind.REFERRAL_COMPLETED,
        now=now,
        request=referral.request,
        referral=referral,
        note=referral.outcome_note,
        payload={"outcome": outcome},
    )
    _tell_country_and_office(referral)
    return referral


@transaction.atomic
def resend_referral_link(*, referral: Referral, actor) -> Referral:
    """The regional office sends the partner a fresh link (the first one expired, say)."""
    visible = requests_visible_to(actor).filter(pk=referral.request_id).first()
    if visible is None:
        raise _not_found()
    if not selectors.can_resend_link(actor, visible, referral):
        raise _forbidden(_("You cannot send this referral's link again."))
    referral = _locked_referral(referral.pk)
    _record(EventKind.REFERRAL_LINK_SENT, actor=actor, request=referral.request, referral=referral)
    _owe(MailKind.REFERRAL_LINK, [(referral.contact_email, _partner_language())], referral=referral)
    return referral


def remind_unanswered_referrals(now=None) -> int:
    """Remind, once, each partner that has not answered a referral within
    ``REFERRAL_REMINDER_DAYS``. Each referral in its own transaction, under its row lock, so
    that a second run (or a retry) reminds nobody twice. Returns how many were reminded."""
    now = now or timezone.now()
    due = now - timedelta(days=settings.REFERRAL_REMINDER_DAYS)
    waiting = Referral.objects.filter(
        status=ReferralStatus.SENT, sent_at__lte=due, reminded_at__isnull=True
    ).values_list("pk", flat=True)
    reminded = 0
    for referral_id in list(waiting):
        with transaction.atomic():
            referral = _locked_referral(referral_id)
            if referral.status != ReferralStatus.SENT or referral.reminded_at is not None:
                continue
            referral.reminded_at = now
            referral.save(update_fields=["reminded_at"])
            _record(
                EventKind.REFERRAL_REMINDED, now=now, request=referral.request, referral=referral
            )
            language = referral.referred_by.language or settings.LANGUAGE_CODE
            _owe(
                MailKind.REFERRAL_REMINDER, [(referral.contact_email, language)], referral=referral
            )
            reminded += 1
    return reminded


# --- Sharing a request with partners ----------------------------------------------------------


@transaction.atomic
def set_partner_sharing(*, request, actor, share: bool) -> Request:
    """The country lets partners read its request (or stops them)."""
    locked = requests_visible_to(actor).select_for_update().filter(pk=request.pk).first()
    if locked is None:
        raise _not_found()
    if not selectors.can_share(actor, locked):
        raise _forbidden(
            _("Only the country's focal points decide whom its request is shared with.")
        )
    if locked.share_with_partners != share:
        locked.share_with_partners = share
        locked.save(update_fields=["share_with_partners", "updated_at"])
        _record(EventKind.SHARING_CHANGED, actor=actor, request=locked, payload={"shared": share})
    return locked


# --- Offers (seed 004 §10(a)) -----------------------------------------------------------------

OFFER_FIELDS = (
    "title",
    "description",
    "languages",
    "contact_name",
    "contact_email",
    "is_published",
)
OFFER_LISTS = ("thematic_areas", "support_types", "countries_served")


def _provider_of(actor, values: dict) -> dict:
    """The provider an actor offers for: its country, its centre, or (the coordinator) the one
    named."""
    if actor.role == Role.FOCAL_POINT:
        return {"provider_country_id": actor.country_id, "provider_organization_id": None}
    if actor.role == Role.REGIONAL_CENTRE:
        return {"provider_country_id": None, "provider_organization_id": actor.organization_id}
    country, organization = values.get("provider_country"), values.get("provider_organization")
    if bool(country) == bool(organization):
        raise ExchangeInvalid(
            _("Name the country or the organization that offers it (one of the two)."),
            {"provider_country": _("Choose a country or an organization.")},
        )
    return {
        "provider_country_id": getattr(country, "pk", country) or None,
        "provider_organization_id": getattr(organization, "pk", organization) or None,
    }


def _check_offer_lists(values: dict) -> dict:
    errors = {}
    if not values.get("thematic_areas"):
        errors["thematic_areas"] = _("Choose at least one thematic area.")
    if not values.get("support_types"):
        errors["support_types"] = _("Choose at least one type of support.")
    unknown = sorted(set(values.get("languages") or ()) - LANGUAGE_CODES)
    if unknown:
        errors["languages"] = _("Unknown languages: %(codes)s.") % {"codes": ", ".join(unknown)}
    return errors


@transaction.atomic
def save_offer(*, actor, values: dict, offer: Offer | None = None) -> Offer:
    """Publish (or edit) what a country or a regional centre can provide. Once published, the
    regional offices with open requests it matches are told (after commit, once per match)."""
    if offer is None:
        if not selectors.can_publish_offers(actor):
            raise _forbidden(_("Only focal points and regional centres publish offers."))
        offer = Offer(created_by=actor, **_provider_of(actor, values))
    else:
        offer = selectors.offers_editable_by(actor).select_for_update().filter(pk=offer.pk).first()
        if offer is None:
            raise _not_found()
        if actor.role == Role.COORDINATOR and (
            "provider_country" in values or "provider_organization" in values
        ):
            for name, value in _provider_of(actor, values).items():
                setattr(offer, name, value)
    for name in OFFER_FIELDS:
        if name in values:
            setattr(offer, name, values[name] if values[name] is not None else "")
    lists = {
        name: values[name] if name in values else (getattr(offer, name).all() if offer.pk else [])
        for name in OFFER_LISTS
    }
    errors = _check_offer_lists({**lists, "languages": offer.languages})
    try:
        offer.full_clean(exclude=["created_by", "languages"])
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise ExchangeInvalid(_("Some fields are missing or not valid."), errors)
    offer.save()
    for name in OFFER_LISTS:
        if name in values and values[name] is not None:
            getattr(offer, name).set(values[name])
    _record(
        EventKind.OFFER_SAVED, actor=actor, offer=offer, payload={"published": offer.is_published}
    )
    if offer.is_published:
        transaction.on_commit(lambda: mail.offer_published(offer.pk))
    return offer


# --- Telling each side of a match, once -------------------------------------------------------


@transaction.atomic
def tell_offices_of_offer(offer_id: int) -> int:
    """The regional offices with open requests a published offer matches are told, once per
    match: the offer's row lock orders two runs, and a match already told is skipped."""
    offer = Offer.objects.select_for_update().filter(pk=offer_id, is_published=True).first()
    if offer is None:
        return 0
    told = set(
        MatchNotice.objects.filter(offer=offer, direction=MatchDirection.TO_OFFICE).values_list(
            "request_id", flat=True
        )
    )
    matching = (
        requests_matching_offer(offer)
        .exclude(pk__in=told)
        .prefetch_related("thematic_areas", "support_types")
    )
    new = 0
    for request in matching:
        notice = MatchNotice.objects.create(
            direction=MatchDirection.TO_OFFICE,
            request=request,
            offer=offer,
            score=request.score,
            why=why_request_matches(request, offer),
        )
        _owe(
            MailKind.MATCH_FOR_OFFICE,
            _office_staff(request.regional_office_id),
            notice=notice,
            group_key=f"offer:{offer.pk}",
        )
        new += 1
    return new


@transaction.atomic
def tell_providers_of_request(request_id: int) -> int:
    """The providers of the offers and solutions a routed request matches well are told,
    once per match (the request's row lock orders two runs; a match told is skipped).

    An offer is told to its contact; a solution to its provider's staff on the portal (a
    regional centre's), if it has any. What they read of the request depends on whether the
    country shared it with partners (``mail``).
    """

    request = (
        Request.objects.select_for_update(of=("self",))
        .select_related("country", "regional_office")
        .filter(pk=request_id, state__in=OPEN_STATES)
        .first()
    )
    if request is None:
        return 0
    results = matches_for(request, limit=NOTIFY_LIMIT)
    told = MatchNotice.objects.filter(request=request, direction=MatchDirection.TO_PROVIDER)
    told_offers = set(told.values_list("offer_id", flat=True))
    told_solutions = set(told.values_list("solution_id", flat=True))
    themes = {item.pk: item for item in request.thematic_areas.all()}
    support_types = {item.pk: item for item in request.support_types.all()}
    south_south = request.south_south_interest in SOUTH_SOUTH_INTERESTS
    new = 0
    for match in results.offers:
        offer = match.object
        if match.score < NOTIFY_THRESHOLD or offer.pk in told_offers:
            continue
        why = why_offer_answers(
            offer,
            themes=themes,
            support_types=support_types,
            country=request.country if offer.serves_country else None,
            south_south=south_south,
        )
        new += _tell_provider(request, match.score, why, [(offer.contact_email, "")], offer=offer)
    for match in results.solutions:
        solution = match.object
        staff = _centre_staff(solution.provider_id)
        if match.score < NOTIFY_THRESHOLD or solution.pk in told_solutions or not staff:
            continue
        why = why_offer_answers(
            solution, themes=themes, support_types=support_types, country=None,
            south_south=south_south and solution.is_south_south,
        )  # fmt: skip
        new += _tell_provider(request, match.score, why, staff, solution=solution)
    return new


def _tell_provider(request, score, why, recipients, **candidate) -> int:
    notice = MatchNotice.objects.create(
        direction=MatchDirection.TO_PROVIDER, request=request, score=score, why=why, **candidate
    )
    _owe(MailKind.MATCH_FOR_PROVIDER, recipients, notice=notice, group_key=f"request:{request.pk}")
    return 1


def request_routed(request) -> None:
    """Called by the ``route`` action: once it commits, tell the providers it matches."""
    transaction.on_commit(lambda: mail.request_routed(request.pk))


# --- Regional centres: rosters and proposals (seed 004 §10(b)-(d), §11(b)) --------------------

EXPERT_FIELDS = ("full_name", "email", "expertise", "languages", "is_available")
EXPERT_LISTS = ("thematic_areas", "countries")


@transaction.atomic
def save_expert(*, actor, values: dict, expert: Expert | None = None) -> Expert:
    """Add an expert to a centre's roster, or update one."""
    if expert is None:
        centre = selectors.centre_of(actor)
        if centre is None:
            raise _forbidden(_("Only a regional centre keeps a roster of experts."))
        expert = Expert(centre=centre)
    else:
        expert = selectors.experts_editable_by(actor).filter(pk=expert.pk).first()
        if expert is None:
            raise _not_found()
    for name in EXPERT_FIELDS:
        if name in values:
            setattr(expert, name, values[name])
    errors = {}
    if not values.get("thematic_areas") and not (expert.pk and expert.thematic_areas.exists()):
        errors["thematic_areas"] = _("Choose at least one thematic area.")
    unknown = sorted(set(expert.languages or ()) - LANGUAGE_CODES)
    if unknown:
        errors["languages"] = _("Unknown languages: %(codes)s.") % {"codes": ", ".join(unknown)}
    try:
        expert.full_clean()
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise ExchangeInvalid(_("Some fields are missing or not valid."), errors)
    expert.save()
    for name in EXPERT_LISTS:
        if values.get(name) is not None:
            getattr(expert, name).set(values[name])
    return expert


@transaction.atomic
def propose_help(*, request, actor, summary: str, experts=()) -> Proposal:
    """A regional centre proposes help on a request its country shared with partners."""
    centre = selectors.centre_of(actor)
    if centre is None:
        raise _forbidden(_("Only a regional centre proposes help on a request."))
    locked = (
        selectors.requests_open_to_proposals(actor)
        .select_for_update()
        .filter(pk=request.pk)
        .first()
    )
    if locked is None:
        raise _not_found()
    errors = {}
    if not (summary or "").strip():
        errors["summary"] = _("Describe the help your centre proposes.")
    experts = list(experts)
    roster = set(selectors.experts_editable_by(actor).values_list("pk", flat=True))
    if any(expert.pk not in roster for expert in experts):
        errors["experts"] = _("Propose experts of your own roster.")
    if errors:
        raise ExchangeInvalid(_("Some fields are missing or not valid."), errors)
    now = timezone.now()
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                request=locked, centre=centre, summary=summary.strip(), author=actor, created_at=now
            )
    except IntegrityError:
        raise ExchangeConflict(
            _("Your centre already has a proposal waiting on this request.")
        ) from None
    proposal.experts.set(experts)
    _record(EventKind.PROPOSAL_MADE, actor=actor, now=now, request=locked, proposal=proposal)
    _owe(MailKind.PROPOSAL_RECEIVED, _holders(locked), proposal=proposal)
    return proposal
