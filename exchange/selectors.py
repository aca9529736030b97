"""Reads of the exchange. Who may see or change an offer, a roster, a proposal or a referral
is decided here, and only here; requests themselves through ``requests_app.selectors``.

- Offers: published ones are public; a country's focal points keep their country's, a
  regional centre's staff their centre's, the BSP coordinator all of them.
- Rosters of experts: a centre's staff keep their own; UNEP staff read them all.
- Proposals: seen by whoever sees the request, a centre's staff only their centre's.
- A referral: by those who see its request, and by its partner through the signed link only.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from bali_portal.accounts.models import Role
from registry.models import Organization
from requests_app.selectors import capacities_of, requests_visible_to
from requests_app.states import OPEN_STATES, Capacity, State

from .links import LinkCheck, read_referral_token
from .models import Expert, FundingAccess, Offer, Proposal, ProposalStatus, Referral

# Who works for UNEP and may read every centre's roster.
UNEP_STAFF = frozenset({Role.REGIONAL_STAFF, Role.DIVISION_STAFF, Role.COORDINATOR, Role.COUNCIL})
FUNDING_ACCESS = "funding_access"


def _is_active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def centre_of(user) -> Organization | None:
    """The regional centre a user works for, or None."""
    if _is_active(user) and user.role == Role.REGIONAL_CENTRE:
        return user.organization
    return None


# --- Offers -----------------------------------------------------------------------------------


def offers_editable_by(user) -> QuerySet[Offer]:
    offers = Offer.objects.all()
    if not _is_active(user):
        return offers.none()
    if user.role == Role.COORDINATOR:
        return offers
    if user.role == Role.FOCAL_POINT:
        return offers.filter(provider_country_id=user.country_id)
    if user.role == Role.REGIONAL_CENTRE:
        return offers.filter(provider_organization_id=user.organization_id)
    return offers.none()


def offers_visible_to(user) -> QuerySet[Offer]:
    """Published offers for everyone, and the unpublished ones the user keeps."""
    offers = Offer.objects.select_related("provider_country", "provider_organization")
    editable = offers_editable_by(user)
    if not _is_active(user) or user.role not in (
        Role.COORDINATOR,
        Role.FOCAL_POINT,
        Role.REGIONAL_CENTRE,
    ):
        return offers.filter(is_published=True)
    return offers.filter(Q(is_published=True) | Q(pk__in=editable.values("pk")))


def can_publish_offers(user) -> bool:
    return _is_active(user) and user.role in (
        Role.FOCAL_POINT,
        Role.REGIONAL_CENTRE,
        Role.COORDINATOR,
    )


def hears_of_offer_matches(user, offer: Offer) -> bool:
    """The offer's provider (and the coordinator) may see the needs it matches."""
    return offers_editable_by(user).filter(pk=offer.pk).exists()


# --- Rosters of experts -----------------------------------------------------------------------


def experts_visible_to(user) -> QuerySet[Expert]:
    experts = Expert.objects.select_related("centre")
    if not _is_active(user):
        return experts.none()
    if user.role in UNEP_STAFF:
        return experts
    if user.role == Role.REGIONAL_CENTRE:
        return experts.filter(centre_id=user.organization_id)
    return experts.none()


def experts_editable_by(user) -> QuerySet[Expert]:
    if not _is_active(user):
        return Expert.objects.none()
    if user.role == Role.COORDINATOR:
        return Expert.objects.all()
    if user.role == Role.REGIONAL_CENTRE:
        return Expert.objects.filter(centre_id=user.organization_id)
    return Expert.objects.none()


# --- Proposals --------------------------------------------------------------------------------


def proposals_visible_to(user) -> QuerySet[Proposal]:
    proposals = Proposal.objects.filter(request__in=requests_visible_to(user))
    if _is_active(user) and user.role == Role.REGIONAL_CENTRE:
        proposals = proposals.filter(centre_id=user.organization_id)
    return proposals.select_related("centre", "author", "decided_by")


def requests_open_to_proposals(user) -> QuerySet:
    """The shared requests a centre may propose help on: open ones of its countries."""
    if centre_of(user) is None:
        return requests_visible_to(None)
    return requests_visible_to(user).filter(state__in=OPEN_STATES)


def can_decide_proposals(user, request) -> bool:
    """The regional office of the request accepts proposals into its routing."""
    return Capacity.REGIONAL_STAFF in capacities_of(user, request)


# --- Referrals --------------------------------------------------------------------------------


@dataclass
class PartnerView:
    """What the partner's link opens: one referral, or why it opens nothing."""

    check: LinkCheck
    referral: Referral | None = None


def referral_for_link(token: str) -> PartnerView:
    """The one referral a signed link opens (nothing when forged, altered or expired)."""
    check = read_referral_token(token)
    if not check.valid:
        return PartnerView(check)
    referral = (
        Referral.objects.select_related(
            "organization", "request__country", "request__regional_office"
        )
        .filter(pk=check.referral_id)
        .first()
    )
    return PartnerView(check, referral)


def referral_of(request) -> Referral | None:
    """A referred request's referral (no query for any other request)."""
    if request.state != State.REFERRED:
        return None
    return Referral.objects.select_related("organization").filter(request=request).first()


def referrals_visible_to(user) -> QuerySet[Referral]:
    return Referral.objects.filter(request__in=requests_visible_to(user)).select_related(
        "organization", "request"
    )


# --- What a request's page shows of the exchange ----------------------------------------------


@dataclass
class RequestPanel:
    """The exchange's part of a request's page. Each part is read only when the request can
    have one (referred; shared with partners; asking for access to funding), so that other
    requests' pages cost no query more."""

    referral: Referral | None = None
    referral_events: list = field(default_factory=list)
    proposals: list = field(default_factory=list)
    funding_source: object = None
    can_share: bool = False
    can_propose: bool = False
    can_decide: bool = False
    can_resend_link: bool = False

    def __bool__(self):
        return bool(
            self.referral
            or self.proposals
            or self.funding_source
            or self.can_share
            or self.can_propose
        )


def can_share(user, request) -> bool:
    """Whether partners may read a request is the country's to decide (its focal points)."""
    return Capacity.FOCAL_POINT in capacities_of(user, request)


def can_resend_link(user, request, referral) -> bool:
    """The regional office (or the coordinator) sends the partner a fresh link while the
    partner still has something to answer."""
    staff = capacities_of(user, request) & {Capacity.REGIONAL_STAFF, Capacity.COORDINATOR}
    return bool(staff) and (referral.is_awaiting_answer or referral.is_awaiting_outcome)


def request_panel(user, request, support_type_codes) -> RequestPanel:
    capacities = capacities_of(user, request)
    panel = RequestPanel(
        can_share=can_share(user, request),
        can_propose=centre_of(user) is not None and request.state in OPEN_STATES,
        can_decide=Capacity.REGIONAL_STAFF in capacities and request.state in OPEN_STATES,
    )
    panel.referral = referral_of(request)
    if panel.referral is not None:
        panel.referral_events = list(panel.referral.events.order_by("created_at", "pk"))
        panel.can_resend_link = can_resend_link(user, request, panel.referral)
    if request.share_with_partners:
        panel.proposals = list(
            proposals_visible_to(user)
            .filter(request=request)
            .prefetch_related("experts")
            .order_by("created_at", "pk")
        )
    if FUNDING_ACCESS in support_type_codes:
        access = FundingAccess.objects.select_related("source").filter(request=request).first()
        panel.funding_source = access.source if access else None
    return panel


def open_proposal_of(user, request) -> Proposal | None:
    centre = centre_of(user)
    if centre is None:
        return None
    return Proposal.objects.filter(
        request=request, centre=centre, status=ProposalStatus.PROPOSED
    ).first()
