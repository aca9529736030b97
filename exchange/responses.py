"""The exchange's use cases that act on a request through requests_app's own services: a
centre's proposal, once accepted, joins the request's timeline as a comment; a focal point's
wish to reach a source of assistance becomes a draft request.

Apart from ``services`` because requests_app's actions call ``services`` (a referral sent, a
request routed): ``services`` importing requests_app's services would close a cycle. One layer
in two modules: events, owed e-mail and refusals are written with ``services``' own helpers.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bali_portal.accounts.models import Role
from registry.models import AssistanceSource, SupportType
from requests_app.models import Request
from requests_app.services import create_draft, perform_action
from requests_app.states import OPEN_STATES

from . import selectors
from .models import EventKind, FundingAccess, MailKind, Proposal, ProposalStatus
from .selectors import FUNDING_ACCESS
from .services import ExchangeConflict, _centre_staff, _forbidden, _not_found, _owe, _record

# --- Regional centres' proposals (seed 004 §10(d)) ---------------------------------------------


@transaction.atomic
def decide_proposal(*, proposal: Proposal, actor, accept: bool, note: str = "") -> Proposal:
    """The regional office accepts a centre's proposal into the routing of the request (it
    goes on the request's timeline, for the country and the divisions), or does not."""
    visible = selectors.proposals_visible_to(actor).filter(pk=proposal.pk).first()
    if visible is None:
        raise _not_found()
    locked = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("request", "centre")
        .get(pk=proposal.pk)
    )
    if not selectors.can_decide_proposals(actor, locked.request):
        raise _forbidden(_("Only the request's regional office decides on proposals."))
    if locked.status != ProposalStatus.PROPOSED or locked.request.state not in OPEN_STATES:
        raise ExchangeConflict(_("This proposal can no longer be decided."))
    now = timezone.now()
    locked.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.DECLINED
    locked.decided_by = actor
    locked.decided_at = now
    locked.decision_note = (note or "").strip()
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    kind = EventKind.PROPOSAL_ACCEPTED if accept else EventKind.PROPOSAL_DECLINED
    _record(
        kind,
        actor=actor,
        now=now,
        request=locked.request,
        proposal=locked,
        note=locked.decision_note,
    )
    if accept:
        perform_action(
            request=locked.request,
            actor=actor,
            action="comment",
            data={
                "text": _("%(centre)s joins the response: %(summary)s")
                % {"centre": locked.centre.label, "summary": locked.summary}
            },
        )
    _owe(MailKind.PROPOSAL_DECIDED, _centre_staff(locked.centre_id), proposal=locked)
    return locked


# --- Asking for help to reach a source of assistance (seed 004 §2(b)) -------------------------


@transaction.atomic
def ask_for_funding_access(*, actor, source: AssistanceSource, values: dict) -> Request:
    """A focal point's request for help to reach ``source``: a draft of support type "access
    to funding", linked to the source, that the country completes and submits as any other."""
    if actor.role != Role.FOCAL_POINT:
        raise _forbidden(_("Only a country focal point can ask for help to reach a source."))
    if not source.is_active:
        raise ExchangeConflict(_("This source of assistance is closed."))
    values = dict(values)
    types = list(values.get("support_types") or [])
    if FUNDING_ACCESS not in {getattr(item, "pk", item) for item in types}:
        types.append(SupportType.objects.get(pk=FUNDING_ACCESS))
    values["support_types"] = types
    if not values.get("thematic_areas"):
        values["thematic_areas"] = list(source.thematic_areas.all())
    values["title"] = values.get("title") or _("Access to %(source)s") % {"source": source.name}
    request = create_draft(actor=actor, values=values)
    FundingAccess.objects.create(request=request, source=source)
    _record(
        EventKind.FUNDING_ACCESS_ASKED, actor=actor, request=request, payload={"source": source.pk}
    )
    return request
