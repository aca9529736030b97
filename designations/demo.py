"""Demonstration data of who may ask, on whose authority (issue 16): designations of focal points
in every status, and two forums with their stated priorities and a request each.

The demonstration focal points' own designations are recorded when their accounts are created
(``create_portal_user``); this step adds a pending nomination, a rejected one and a designation
that ended. Every step goes through the services, dated in the past. Idempotent: a designation
is looked up by its e-mail and country, a forum's request by its forum and title.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bali_portal.accounts.models import User
from registry.models import Country, Forum, ThematicArea
from registry.services import record_forum_priorities
from requests_app import services as requests
from requests_app.models import Notification, Request

from . import services
from .models import Designation, Status


def letter_pdf(text: str) -> bytes:
    """A one-page PDF saying ``text``: the official letter of a demonstration nomination."""
    content = f"BT /F1 12 Tf 72 770 Td ({text}) Tj ET".encode()
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length %d>>stream\n%s\nendstream" % (len(content), content),
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, item in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, item)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return body


@dataclass(frozen=True)
class Nomination:
    status: str
    country: str
    full_name: str
    position: str
    ministry: str
    email: str
    phone: str
    officer: str  # who verified it
    days_ago: int  # when it was nominated
    reason: str = ""


NOMINATIONS = [
    Nomination(Status.NOMINATED, "GHA", "Kwame Asante", "Director, Environmental Policy",
               "Ministry of Environment, Science and Technology",
               "kwame.asante@ghana.example.org", "+233 30 266 0000", "officer@roa.example.org",
               13),
    Nomination(Status.REJECTED, "NPL", "Ram Bahadur Thapa", "Under-Secretary",
               "Ministry of Forests and Environment", "ram.thapa@nepal.example.org",
               "+977 1 421 1567", "officer@roap.example.org", 270,
               "The letter is not signed by the ministry; please send the signed letter."),
    Nomination(Status.ENDED, "KEN", "Joseph Otieno",
               "Deputy Director, Multilateral Environmental Agreements",
               "Ministry of Environment, Climate Change and Forestry",
               "former.focal.point@kenya.example.org", "+254 20 273 0808",
               "officer@roa.example.org", 690,
               "Moved to another ministry; Kenya's focal points are now Wanjiru Mwangi and "
               "Otieno Kamau."),
]  # fmt: skip


def _nominate(item: Nomination, now: datetime) -> None:
    nominated = now - timedelta(days=item.days_ago)
    letter = SimpleUploadedFile(
        f"designation-{item.country.lower()}.pdf",
        letter_pdf(f"The Government of {item.country} designates {item.full_name}."),
        content_type="application/pdf",
    )
    values = {
        "country": Country.objects.get(code=item.country), "full_name": item.full_name,
        "position": item.position, "ministry": item.ministry, "email": item.email,
        "phone": item.phone, "starts_on": nominated.date(),
    }  # fmt: skip
    designation = services.nominate(values=values, letter=letter, now=nominated)
    officer = User.objects.get(email=item.officer)
    if item.status == Status.REJECTED:
        services.reject(designation=designation, actor=officer, reason=item.reason,
                        now=nominated + timedelta(days=6))  # fmt: skip
    elif item.status == Status.ENDED:
        # Ended before this step commits: the link to set a password is never sent.
        services.approve(designation=designation, actor=officer, now=nominated + timedelta(days=4))
        services.end(designation=designation, actor=officer, reason=item.reason,
                     now=nominated + timedelta(days=500))  # fmt: skip


# --- Forums: their priorities and a request each ------------------------------------------------

FORUM_PRIORITIES = {
    "AMCEN": "T03 T02 T04 T16",  # desertification, climate change, freshwater, forests
    "LACFORUM": "T01 T02 T08 T06",  # biodiversity, climate change, waste, oceans
}


@dataclass(frozen=True)
class ForumNeed:
    forum: str
    focal_point: str
    title: str
    description: str
    themes: str
    support: str
    covered: str
    scope: str
    steps: str  # "action:days ago"
    lead: str = ""


FORUM_NEEDS = [
    ForumNeed("AMCEN", "focal.point@amcen.example.org",
              "Sahel drought early-warning network",
              "A shared drought early-warning bulletin for the Sahel countries that AMCEN's "
              "ministers asked for, building on the national meteorological services.",
              "T03 T14", "technology training", "NER MLI BFA TCD SEN MRT", "subregional",
              "create:20 submit:19 acknowledge:16 route:9", lead="DEWA"),
    ForumNeed("LACFORUM", "focal.point@lacforum.example.org",
              "Regional action plan on marine litter in the Caribbean",
              "Support for the regional action plan on marine litter that the Forum of "
              "Ministers adopted: monitoring methods and national plans.",
              "T06 T08", "advisory assessment", "JAM BRB TTO DOM BHS", "regional",
              "create:12 submit:11 acknowledge:9"),
]  # fmt: skip


def _record_priorities() -> int:
    recorded = 0
    for code, themes in FORUM_PRIORITIES.items():
        forum = Forum.objects.get(code=code)
        if forum.priorities_recorded_at is not None:
            continue
        record_forum_priorities(
            actor=User.objects.filter(forum=forum).order_by("pk").first(),
            forum=forum,
            themes=ThematicArea.objects.filter(code__in=themes.split()),
        )
        recorded += 1
    return recorded


def _file(need: ForumNeed, now: datetime) -> Request:
    focal_point = User.objects.get(email=need.focal_point)
    forum = focal_point.forum
    steps = [(step.split(":")[0], int(step.split(":")[1])) for step in need.steps.split()]
    values = {
        "title": need.title, "description": need.description,
        "national_priorities": f"The priorities stated by {forum.label}.",
        "thematic_areas": need.themes.split(), "support_types": need.support.split(),
        "scope": need.scope, "covered_countries": need.covered.split(),
        "desired_start": (now + timedelta(days=90)).date(), "duration_months": 24,
        "gender_considerations": "Women and men take part equally; results by gender.",
        "estimated_budget_usd": Decimal(150_000),
    }  # fmt: skip
    request = requests.create_draft(
        actor=focal_point, values=values, now=now - timedelta(days=steps[0][1])
    )
    officer = User.objects.filter(regional_office=forum.regional_office).order_by("pk").first()
    for action, days in steps[1:]:
        data = {
            "acknowledge": {"assignee": officer.pk},
            "route": {"lead_division": need.lead},
        }.get(action, {})
        actor = focal_point if action == "submit" else officer
        requests.perform_action(
            request=request, actor=actor, action=action, data=data,
            now=now - timedelta(days=days),
        )  # fmt: skip
    return request


def seed(log) -> None:
    now = timezone.now()
    designations = 0
    for item in NOMINATIONS:
        if not Designation.objects.filter(email=item.email, country_id=item.country).exists():
            _nominate(item, now)
            designations += 1
    priorities = _record_priorities()
    filed = [
        _file(need, now).pk
        for need in FORUM_NEEDS
        if not Request.objects.filter(forum_id=need.forum, title=need.title).exists()
    ]
    # Events of the past are history, not news: nobody is e-mailed about them.
    Notification.objects.filter(event__request_id__in=filed, sent_at__isnull=True).delete()
    log(
        f"Designations: {designations} nominations added; forums: {priorities} with priorities "
        f"recorded, {len(filed)} requests filed."
    )
