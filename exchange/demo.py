"""Demonstration data of the exchange (run by ``seed_demo`` after the requests).

- ICIMOD, the regional centre of the Hindu Kush Himalaya in the registry, with the eight
  countries it serves, a staff account and a roster of experts; it proposes help on a Nepalese
  request that Nepal shared with partners;
- offers from three countries (China, Brazil, Kenya) and from the centre;
- the referrals of the demonstration requests taken to every status: awaiting an answer,
  accepted, declined and completed;
- a request of Kenya for help to reach a source of assistance.

Idempotent: records are looked up by natural keys and only what is missing is made. The
e-mail these past events owe is history, not news: it is dropped, never sent.
"""

from datetime import timedelta

from django.utils import timezone

from bali_portal.accounts.demo import DEMO_PASSWORD
from bali_portal.accounts.models import Role, User
from bali_portal.accounts.services import create_portal_user
from registry.models import AssistanceSource, Country, Organization, SupportType, ThematicArea
from requests_app.models import Request
from requests_app.workflow import OPEN_STATES

from . import responses, services
from .models import (
    Expert,
    FundingAccess,
    Mail,
    Offer,
    Proposal,
    Referral,
    ReferralOutcome,
    ReferralStatus,
    RegionalCentre,
)

CENTRE_ACRONYM = "ICIMOD"
CENTRE_USER = "centre@icimod.example.org"
# The regional member countries of ICIMOD.
CENTRE_COUNTRIES = ("AFG", "BGD", "BTN", "CHN", "IND", "MMR", "NPL", "PAK")

# name, e-mail, expertise, themes, languages, countries
EXPERTS = [
    ("Pema Choden", "p.choden@icimod.example.org",
     "Glacial lake outburst flood hazard assessment and community early warning.",
     "T02 T14", "en", "BTN NPL"),
    ("Arun Bhattarai", "a.bhattarai@icimod.example.org",
     "Cryosphere and river-flow monitoring; hydrological stations in high mountains.",
     "T02 T04", "en hi", "NPL IND"),
    ("Li Na", "l.na@icimod.example.org",
     "Transboundary landscape management and joint biodiversity monitoring protocols.",
     "T01 T13", "zh-hans en", "CHN NPL"),
    ("Farhana Qadir", "f.qadir@icimod.example.org",
     "Rangeland restoration and drought preparedness with herder communities.",
     "T03 T16", "en", "PAK AFG"),
]  # fmt: skip

# provider (country code or the centre), title, description, themes, support types,
# countries served, languages, contact
OFFERS = [
    ("CHN", "Rainwater harvesting for drylands: training and study visits",
     "Gansu province's experience of rainwater harvesting and small-scale irrigation for "
     "dryland villages, shared through training courses and study visits for water "
     "engineers and extension officers.",
     "T04 T03", "training exchange", "", "zh-hans en",
     ("South-South cooperation desk, Ministry of Ecology and Environment",
      "south-south@mee.example.org")),
    ("BRA", "Satellite monitoring of deforestation for forest agencies",
     "Courses on the satellite monitoring of forest cover and of deforestation alerts, and "
     "advice on setting up a national monitoring system, from Brazil's own experience.",
     "T16 T02", "training technology", "", "pt es en",
     ("International cooperation office, Ministry of the Environment",
      "cooperation@mma.example.org")),
    ("KEN", "Geothermal energy: courses for engineers and regulators",
     "Courses on geothermal exploration, drilling and plant operation, and on the licensing "
     "of geothermal resources, for African engineers and regulators.",
     "T12 T02", "training advisory", "ETH TZA UGA RWA DJI", "en sw",
     ("Renewable energy directorate, Ministry of Energy", "geothermal@energy.example.org")),
    (CENTRE_ACRONYM, "Glacial lake outburst flood risk assessment and early warning",
     "Hazard assessment of glacial lakes, design of community-based early warning systems and "
     "drills with downstream communities, by ICIMOD's cryosphere team.",
     "T02 T14", "assessment training technology", " ".join(CENTRE_COUNTRIES), "en zh-hans hi",
     ("Cryosphere initiative, ICIMOD", "cryosphere@icimod.example.org")),
]  # fmt: skip

# What becomes of the demonstration referrals, oldest first: (status, outcome, note).
REFERRAL_STORIES = [
    (ReferralStatus.SENT, "", ""),
    (ReferralStatus.ACCEPTED, "", "We will include the country in our regional programme."),
    (ReferralStatus.DECLINED, "", "Our programme in this region is fully committed until 2027."),
    (ReferralStatus.COMPLETED, ReferralOutcome.SUPPORTED,
     "Two national workshops held and a technical adviser seconded for six months."),
    (ReferralStatus.COMPLETED, ReferralOutcome.PARTLY_SUPPORTED,
     "Advice on the plan was given; the pilot is still looking for funding."),
]  # fmt: skip


def _codes(model, codes: str):
    return list(model.objects.filter(pk__in=codes.split()))


def _centre() -> Organization | None:
    return Organization.objects.filter(acronym=CENTRE_ACRONYM).order_by("pk").first()


def seed_centre() -> int:
    centre = _centre()
    if centre is None:
        return 0
    profile, _ = RegionalCentre.objects.get_or_create(organization=centre)
    profile.countries.add(*CENTRE_COUNTRIES)
    if not User.objects.filter(email=CENTRE_USER).exists():
        create_portal_user(
            email=CENTRE_USER,
            role=Role.REGIONAL_CENTRE,
            password=DEMO_PASSWORD,
            full_name="ICIMOD regional programme officer",
            organization=centre.pk,
        )
    staff = User.objects.get(email=CENTRE_USER)
    added = 0
    for name, email, expertise, themes, languages, countries in EXPERTS:
        if Expert.objects.filter(centre=centre, full_name=name).exists():
            continue
        services.save_expert(
            actor=staff,
            values={
                "full_name": name,
                "email": email,
                "expertise": expertise,
                "languages": languages.split(),
                "is_available": True,
                "thematic_areas": _codes(ThematicArea, themes),
                "countries": _codes(Country, countries),
            },
        )
        added += 1
    return added


def seed_offers() -> int:
    added = 0
    for provider, title, description, themes, types, served, languages, contact in OFFERS:
        if Offer.objects.filter(title=title).exists():
            continue
        if provider == CENTRE_ACRONYM:
            actor = User.objects.filter(email=CENTRE_USER).first()
        else:
            actor = (
                User.objects.filter(role=Role.FOCAL_POINT, country_id=provider, is_active=True)
                .order_by("pk")
                .first()
            )
        if actor is None:
            continue
        offer = services.save_offer(
            actor=actor,
            values={
                "title": title,
                "description": description,
                "thematic_areas": _codes(ThematicArea, themes),
                "support_types": _codes(SupportType, types),
                "countries_served": _codes(Country, served),
                "languages": languages.split(),
                "contact_name": contact[0],
                "contact_email": contact[1],
                "is_published": True,
            },
        )
        # The regional offices hear of the open requests it matches (their reasons kept).
        services.tell_offices_of_offer(offer.pk)
        added += 1
    return added


def seed_referral_statuses() -> int:
    """Take the demonstration requests' referrals to each status (only those still unanswered,
    by their order: a second run finds them answered and changes nothing)."""
    referrals = list(Referral.objects.order_by("sent_at", "pk"))
    now = timezone.now()
    changed = 0
    for referral, (status, outcome, note) in zip(referrals, REFERRAL_STORIES, strict=False):
        if status == ReferralStatus.SENT or referral.status != ReferralStatus.SENT:
            continue
        answered = min(referral.sent_at + timedelta(days=9), now)
        services.answer_referral(
            referral_id=referral.pk,
            accept=status != ReferralStatus.DECLINED,
            note=note if status != ReferralStatus.COMPLETED else "",
            now=answered,
        )
        if status == ReferralStatus.COMPLETED:
            services.report_referral_outcome(
                referral_id=referral.pk,
                outcome=outcome,
                note=note,
                now=min(answered + timedelta(days=150), now),
            )
        changed += 1
    return changed


def seed_proposal() -> int:
    """Nepal shares an open request with partners; ICIMOD proposes help with two experts."""
    staff = User.objects.filter(email=CENTRE_USER).first()
    shared = (
        Request.objects.filter(
            country_id="NPL", state__in=OPEN_STATES, thematic_areas__in=["T02", "T14"]
        )
        .order_by("pk")
        .first()
    )
    if staff is None or shared is None or Proposal.objects.filter(request=shared).exists():
        return 0
    focal_point = User.objects.filter(role=Role.FOCAL_POINT, country_id="NPL").first()
    services.set_partner_sharing(request=shared, actor=focal_point, share=True)
    services.propose_help(
        request=shared,
        actor=staff,
        summary="ICIMOD's cryosphere team can assess the hazard of the two glacial lakes and "
        "help design the community early warning system, with drills downstream.",
        experts=Expert.objects.filter(full_name__in=["Pema Choden", "Arun Bhattarai"]),
    )
    return 1


def seed_funding_access() -> int:
    source = AssistanceSource.objects.filter(name="GEF Trust Fund grants").first()
    focal_point = User.objects.filter(role=Role.FOCAL_POINT, country_id="KEN").order_by("pk")
    if source is None or not focal_point.exists():
        return 0
    if FundingAccess.objects.filter(source=source, request__country_id="KEN").exists():
        return 0
    responses.ask_for_funding_access(
        actor=focal_point.first(),
        source=source,
        values={
            "description": "Help to prepare a GEF project concept on dryland restoration and "
            "to obtain the endorsement of the GEF operational focal point.",
            "national_priorities": "Kenya's land degradation neutrality targets.",
        },
    )
    return 1


def forget_unsent_mail(after_pk: int) -> None:
    """The e-mail owed by demonstration history is not news: dropped, never sent."""
    Mail.objects.filter(pk__gt=after_pk, sent_at__isnull=True).delete()


def seed(log) -> None:
    last_mail = Mail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    experts = seed_centre()
    offers = seed_offers()
    referrals = seed_referral_statuses()
    proposals = seed_proposal()
    access = seed_funding_access()
    forget_unsent_mail(last_mail)
    log(
        f"Exchange: {experts} experts, {offers} offers, {referrals} referrals answered, "
        f"{proposals} proposals, {access} requests for access to funding added "
        f"(regional centre login: {CENTRE_USER})."
    )
