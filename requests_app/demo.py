"""Demonstration requests: every state of the lifecycle in every region that serves countries
the plan serves (North America's are developed economies), and the green-economy
requests governments sent UNEP (governance report, seed 002, reform 21).

Every request is created and moved by the services, step by step, with ``now=`` set to when the
step happened (2025-2026), so that the events, the SLA clocks and the annual report's handling
times are what they would be. Open requests are dated relative to today, so that the queues
always show some on time, some overdue and some twice overdue.

Idempotent: a request is looked up by its country and title and created only if missing.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.text import slugify

from bali_portal.accounts.demo import DEMO_PASSWORD
from bali_portal.accounts.models import Role, User
from bali_portal.accounts.services import create_portal_user
from exchange.models import Mail
from registry.models import Activity, Organization

from . import services
from .models import Notification, Request
from .workflow import State


@dataclass(frozen=True)
class Need:
    """A request as a country would file it, and how UNEP would answer it."""

    country: str
    title: str
    description: str
    themes: str  # thematic areas, "T02 T12"
    support: str  # support types, "training advisory"
    lead: str  # the division that takes it, if routed
    supporting: str = ""
    meas: str = ""
    cross: str = ""
    priorities: str = ""
    scope: str = "national"
    others: str = ""  # the other countries of a subregional request
    south_south: str = "none"
    budget: int = 60_000
    refer_to: str = ""  # acronym of the better-placed organization, if referred
    decline: str = "no_resources"  # reason, if declined
    activities: str = ""  # registry activities linked on acceptance
    outputs: str = ""  # what was delivered, if completed
    women: str = ""  # gender considerations


# --- The stories: when each step happened -----------------------------------------------------

# One request per story in each region: every state, on time and overdue.
STORIES = [
    "draft",
    "submitted",
    "submitted_overdue",
    "review",
    "review_overdue",
    "info_requested",
    "routed_twice_overdue",
    "routed",
    "in_progress",
    "completed",
    "closed",
    "closed_2025",
    "declined",
    "referred",
    "withdrawn",
]

STATE_OF_STORY = {
    "draft": State.DRAFT,
    "submitted": State.SUBMITTED,
    "submitted_overdue": State.SUBMITTED,
    "review": State.UNDER_REVIEW,
    "review_overdue": State.UNDER_REVIEW,
    "info_requested": State.INFO_REQUESTED,
    "routed_twice_overdue": State.ROUTED,
    "routed": State.ROUTED,
    "in_progress": State.IN_PROGRESS,
    "completed": State.COMPLETED,
    "closed": State.CLOSED,
    "closed_2025": State.CLOSED,
    "declined": State.DECLINED,
    "referred": State.REFERRED,
    "withdrawn": State.WITHDRAWN,
    "merged": State.DECLINED,
}


# Each story's steps as "action:day". Open stories count days from today (negative: ago), so
# the queues always hold some requests on time, some overdue and some twice overdue; finished
# ones count from a date of 2025-2026, so the annual reports of both years have content.
# fmt: off
TIMELINES = {
    "draft": (None, "create:-3"),
    "submitted": (None, "create:-3 submit:-2.2"),
    # Acknowledgement (5 days) due 3 days ago.
    "submitted_overdue": (None, "create:-11 submit:-8"),
    "review": (None, "create:-13 submit:-12 acknowledge:-10"),
    # The decision (20 days from submission) was due 8 days ago.
    "review_overdue": (None, "create:-30 submit:-28 acknowledge:-24"),
    "info_requested": (None, "create:-23 submit:-21 acknowledge:-19 request_info:-9"),
    # Acceptance (15 days from routing) due 20 days ago: past twice its time, escalated.
    "routed_twice_overdue": (None, "create:-72 submit:-70 acknowledge:-66 route:-35"),
    # A question, the answer, a wrong turn to another division, then the right one.
    "routed": (None, "create:-32 submit:-30 acknowledge:-27 request_info:-20 provide_info:-16 "
                     "route_first:-12 return:-10 route:-4"),
    # Filed again after the original, and merged into it.
    "merged": (None, "create:-2 submit:-1.6 merge:-1.1"),
    "in_progress": ((2026, 1, 12), "create:0 submit:1 acknowledge:3 route:10 accept:24 "
                                   "progress:128 progress:246"),
    "completed": ((2025, 10, 6), "create:0 submit:2 acknowledge:5 route:14 accept:40 "
                                 "progress:127 complete:218 evaluate:240"),
    "closed": ((2025, 11, 3), "create:0 submit:1 acknowledge:3 request_info:7 provide_info:11 "
                              "route:17 accept:26 complete:253 close:274 evaluate:290"),
    "closed_2025": ((2025, 1, 20), "create:0 submit:3 acknowledge:7 route:18 accept:33 "
                                   "progress:115 complete:253 close:273"),
    "declined": ((2026, 2, 16), "create:0 submit:1 acknowledge:4 decline:12"),
    "referred": ((2025, 4, 7), "create:0 submit:2 acknowledge:7 refer:18"),
    "withdrawn": ((2026, 3, 9), "create:0 submit:1 acknowledge:5 route:15 withdraw:42"),
}
# fmt: on


def _steps(story: str, now: datetime, shift: int) -> list[tuple[str, datetime]]:
    """``[(action, when)]`` of a story; the first step's date is also the draft's creation."""
    anchor, spec = TIMELINES[story]
    start = now if anchor is None else datetime(*anchor, 9, tzinfo=UTC) + timedelta(days=shift)
    steps = []
    for index, step in enumerate(spec.split()):
        action, day = step.split(":")
        # A few hours between the steps of a day, as people work.
        steps.append((action, start + timedelta(days=float(day), hours=2 * index)))
    return steps


def _not_in_the_future(steps, now):
    """Keep every step in the past and in order (a clamp that only matters near a date)."""
    latest = now - timedelta(hours=len(steps) + 1)
    result, previous = [], None
    for index, (action, when) in enumerate(steps):
        when = min(when, latest + timedelta(hours=index))
        if previous and when <= previous:
            when = previous + timedelta(minutes=10)
        result.append((action, when))
        previous = when
    return result


# --- What each step says -----------------------------------------------------------------------

QUESTIONS = [
    (
        "Which institutions would take part, and who in the ministry leads the work?",
        "The environment ministry's planning department leads; the national university and "
        "the statistics office take part.",
    ),
    (
        "Is there co-financing from the government or another partner?",
        "The ministry covers venues and staff time; the national climate fund has set aside "
        "USD 20,000.",
    ),
    (
        "Could you send the national plan this request refers to?",
        "Attached is the national environmental action plan; chapter 4 sets this priority.",
    ),
]
LESSONS = [
    "Working through an existing national network reached more people than stand-alone "
    "workshops; follow-up coaching kept the skills in use.",
    "Training trainers from two universities means the course continues without UNEP.",
    "A South-South exchange with a country that had solved the same problem convinced "
    "decision-makers faster than any report.",
    "Holding sessions in the provinces rather than the capital doubled women's participation.",
]
DECLINE_EXPLANATIONS = {
    "no_resources": "UNEP has no resources left for this kind of support in the current "
    "biennium; we suggest resubmitting in the next programme cycle.",
    "outside_mandate": "Buying vehicles and building infrastructure is outside UNEP's mandate; "
    "we can support the planning and training around it.",
    "insufficient_information": "The request does not say what support is needed or for whom; "
    "please file a new request describing the need.",
}
COMMENTS = [
    (5, "The training was practical and our staff use the tools every week.", True),
    (4, "Useful and well organized; more time for hands-on exercises would help.", True),
    (4, "Good results; the guidance should be translated into the national language.", True),
    (3, "Helpful, but the delivery was delayed and part of the team has since moved on.", False),
]


def _data(action: str, need: Need, number: int, context: dict) -> dict:
    question, answer = QUESTIONS[number % len(QUESTIONS)]
    if action == "acknowledge":
        return {"assignee": context["assignee"].pk}
    if action == "request_info":
        return {"message": question}
    if action == "provide_info":
        return {"message": answer}
    if action == "route_first":
        return {"lead_division": "DTIE" if need.lead != "DTIE" else "DEPI"}
    if action == "route":
        return {"lead_division": need.lead, "supporting_divisions": need.supporting.split()}
    if action == "return":
        return {"reason": f"This is mainly {need.lead}'s field; please route it there."}
    if action == "accept":
        activities = Activity.objects.filter(identifier__in=need.activities.split())
        return {
            "response_plan": (
                f"{need.lead} leads with a scoping mission with the national counterparts, "
                "then national training and a guidance document"
                + (
                    f"; {', '.join(need.supporting.split())} contributes."
                    if need.supporting
                    else "."
                )
            ),
            "activities": list(activities.values_list("pk", flat=True)),
        }
    if action == "progress":
        return {"text": "Scoping mission held; the national training is scheduled."}
    if action == "complete":
        return {
            "people_trained_female": 14 + (number * 7) % 29,
            "people_trained_male": 11 + (number * 5) % 23,
            "people_trained_other": 1 if number % 3 == 0 else 0,
            "institutions_supported": 2 + number % 5,
            "outputs": need.outputs
            or f"National training workshop and a guidance note: {need.title.lower()}.",
            "cost_usd": str(Decimal(18_000 + (number * 3_700) % 64_000)),
            "lessons": LESSONS[number % len(LESSONS)],
        }
    if action == "evaluate":
        rating, comments, retained = COMMENTS[number % len(COMMENTS)]
        return {"rating": rating, "comments": comments, "capacity_retained": retained}
    if action == "decline":
        return {"reason": need.decline, "explanation": DECLINE_EXPLANATIONS[need.decline]}
    if action == "refer":
        organization = _organization(need.refer_to)
        domain = slugify(organization.acronym or "partner")
        return {
            "organization": organization.pk,
            "contact_email": f"partnerships@{domain}.example.org",
            "explanation": f"{organization} runs a programme for exactly this need in the "
            "region and has agreed to take it up.",
        }
    if action == "withdraw":
        return {"reason": "The ministry found national funding and will do the work itself."}
    if action == "merge":
        return {"into": context["into"]}
    return {}


def _organization(acronym: str) -> Organization:
    # The registry's demonstration data carries these; fall back so this step stands alone.
    found = Organization.objects.filter(acronym=acronym).order_by("pk").first()
    if found:
        return found
    organization, _ = Organization.objects.get_or_create(
        name={"UNDP": "United Nations Development Programme"}.get(acronym, acronym),
        defaults={"acronym": acronym, "kind": Organization.Kind.UN_BODY},
    )
    return organization


# --- The requests --------------------------------------------------------------------------------


def N(country, title, description, themes, support, lead, **more) -> Need:
    return Need(country, title, description, themes, support, lead, **more)


# In the order of STORIES, for each regional office (Latin America twice).
# fmt: off
REGIONAL_NEEDS = {
    "ROA": [
        N("KEN", "Inventory of e-waste flows in Nairobi's informal sector",
          "Map who collects, dismantles and burns electronic waste, and what reaches the "
          "dumpsites, as the basis of the county's e-waste rules.",
          "T08 T09", "assessment training", "DTIE", meas="BASEL", cross="X08"),
        N("EGY", "Early warning of harmful algal blooms in Lake Nasser",
          "A monthly bulletin from satellite data and field samples for the water utilities.",
          "T04 T14", "technology training", "DEWA", cross="X07 X08"),
        N("KEN", "Mercury-free gold processing for artisanal miners in Migori",
          "Train miners' cooperatives in gravity and borax methods that replace mercury "
          "amalgamation, as the Minamata national action plan requires.",
          "T07 T10", "training technology", "DTIE", meas="MINAMATA", cross="X04 X13",
          women="Women do most of the ore processing; half the trainees will be women."),
        N("EGY", "Updating the national hazardous-waste regulations",
          "Align the hazardous-waste list and licensing with the Basel Convention annexes.",
          "T07 T08", "legal advisory", "DELC", meas="BASEL", cross="X02 X04"),
        N("KEN", "Wetland inventory of the Lake Victoria basin",
          "A national inventory of the basin's wetlands, their state and their uses, for "
          "the Ramsar report and county land-use plans.",
          "T05 T04", "assessment training", "DEWA", meas="RAMSAR", cross="X07"),
        N("EGY", "Training customs officers on ozone-depleting substances",
          "Identify and stop illegal imports of HCFCs and their mixtures at ports.",
          "T07 T11", "training equipment", "DTIE", meas="VIENNA", cross="X01 X04"),
        N("KEN", "Environmental impact assessment guidelines for county governments",
          "Guidelines and training so the 47 counties review EIAs consistently.",
          "T09 T13", "legal training", "DELC", cross="X01 X02"),
        N("EGY", "Solar irrigation pilots for smallholders in Upper Egypt",
          "Pilot solar pumps with farmer associations and design the credit scheme.",
          "T12 T19", "technology advisory", "DTIE", supporting="DEPI", cross="X06 X10",
          south_south="south_south"),
        N("KEN", "Coastal mangrove restoration monitoring in Kwale and Lamu",
          "Community monitoring of replanted mangroves and their carbon stock.",
          "T06 T01", "training technology", "DEPI", supporting="DEWA", cross="X03 X13"),
        N("EGY", "Air-quality monitoring network for Greater Cairo",
          "Calibrate the new low-cost sensors and publish daily air-quality indices.",
          "T09 T10", "technology training", "DEWA", cross="X07 X09",
          outputs="12 calibrated monitoring stations; a public daily air-quality index; "
          "data-management manual."),
        N("KEN", "Drought early warning for pastoralist counties",
          "Combine rainfall, vegetation and market data into county drought alerts.",
          "T03 T14", "technology training", "DEWA", meas="UNCCD", cross="X07",
          activities="UNEP-AFRICA-CHINA-DROUGHT",
          outputs="Drought early-warning bulletins for 6 counties; county contingency plans."),
        N("EGY", "Cleaner production audits for textile dyeing plants",
          "Audits and training with the national cleaner production centre.",
          "T09 T04", "training advisory", "DTIE", cross="X12 X03",
          outputs="Cleaner production audits of 15 plants; water use cut by a quarter in "
          "those that applied them."),
        N("KEN", "Headquarters building for a new national park",
          "Funding to build offices and staff housing for the new park.",
          "T01", "equipment", "DEPI", decline="outside_mandate"),
        N("EGY", "Design of a renewable-energy feed-in tariff",
          "Advice on tariff levels and grid rules for wind and solar producers.",
          "T12", "advisory", "DTIE", refer_to="UNDP"),
        N("KEN", "Enforcement of the plastic bag ban in markets",
          "Train county inspectors and market associations on the ban.",
          "T08 T09", "training awareness", "DELC", cross="X01 X11"),
    ],
    "ROAP": [
        N("FJI", "Coral reef health monitoring in Fiji's marine protected areas",
          "Standard reef surveys by community rangers and a shared database.",
          "T06 T01", "training technology", "DEWA", meas="CBD", cross="X07 X08"),
        N("NPL", "Glacial lake outburst flood early warning in the Koshi basin",
          "Sensors and sirens for two glacial lakes and drills with downstream villages.",
          "T02 T14", "technology training", "DEWA", supporting="DEPI", meas="UNFCCC",
          cross="X07", south_south="south_south"),
        N("CHN", "Remediation guidelines for contaminated former industrial sites",
          "Risk-based guidelines and training for provincial environment bureaux.",
          "T09 T07", "advisory training", "DTIE", cross="X10"),
        N("FJI", "National invasive species strategy",
          "Draft the strategy and action plan the CBD asks for, with the island councils.",
          "T01", "advisory legal", "DEPI", meas="CBD", cross="X04"),
        N("NPL", "Cleaner brick kilns in the Kathmandu valley",
          "Zig-zag kiln technology, financing and training for kiln owners.",
          "T09 T02", "technology training", "DTIE", cross="X10 X12",
          south_south="south_south"),
        N("CHN", "Training judges in environmental litigation",
          "A curriculum for the new environmental courts, with the Asia-Africa partnership.",
          "T09 T13", "training legal", "DELC", cross="X01 X02", activities="UNEP-ASIA-AFRICA-LAW"),
        N("FJI", "Climate-resilient water supply for the outer islands",
          "Rainwater storage and solar desalination for twelve island communities.",
          "T02 T04", "technology advisory", "DEPI", meas="UNFCCC", cross="X06"),
        N("NPL", "Community forest carbon monitoring",
          "Train community forest user groups to measure carbon for REDD+.",
          "T16 T02", "training technology", "DEPI", supporting="DEWA", meas="UNFCCC",
          cross="X03 X13"),
        N("CHN", "Rainwater harvesting for dryland villages, shared with African partners",
          "Document Gansu's rainwater harvesting for exchange with African countries.",
          "T04 T03", "exchange technology", "DEPI", south_south="south_south",
          activities="UNEP-AFRICA-CHINA-RAINWATER"),
        N("NPL", "Transboundary biodiversity monitoring in the Kailash landscape",
          "Joint monitoring protocols with China and India for the sacred landscape.",
          "T13 T01", "assessment exchange", "DEPI", supporting="DEWA", meas="CBD",
          scope="subregional", others="CHN IND", activities="UNEP-KSLCI",
          outputs="Shared monitoring protocol adopted by the three countries; 40 rangers "
          "trained; first joint biodiversity report."),
        N("FJI", "Biosafety: detecting living modified organisms at the border",
          "Laboratory detection training under the Cartagena Protocol.",
          "T01", "training equipment", "DELC", meas="CARTAGENA", cross="X04",
          activities="UNEP-GEF-BIOSAFETY",
          outputs="Border laboratory accredited; detection procedures; 2 biosafety officers "
          "certified."),
        N("CHN", "Technology needs assessment for climate mitigation",
          "Prioritize mitigation technologies for the energy and transport sectors.",
          "T02 T12", "assessment advisory", "DTIE", meas="UNFCCC", activities="UNEP-GEF-TNA",
          outputs="Technology needs assessment report; technology action plans for 3 "
          "sectors."),
        N("NPL", "Vehicles for the forest department",
          "Four-wheel-drive vehicles for forest patrols.",
          "T16", "equipment", "DEPI", decline="outside_mandate"),
        N("FJI", "Regional oil-spill contingency plan",
          "A contingency plan shared with neighbouring island states.",
          "T06 T14", "advisory", "DEPI", refer_to="SPREP", scope="regional"),
        N("CHN", "National standards for e-waste recycling plants",
          "Emission and worker-safety standards for licensed recyclers.",
          "T08 T07", "legal advisory", "DTIE", meas="BASEL"),
    ],
    "ROWA": [
        N("JOR", "Standards for reusing treated wastewater in agriculture",
          "Revise the reuse standard and train the inspectors who apply it.",
          "T04 T19", "legal training", "DTIE", cross="X02"),
        N("LBN", "Assessment of conflict debris and hazardous waste",
          "Assess debris in the southern suburbs and plan its safe management.",
          "T17 T08", "assessment advisory", "DEPI", supporting="DEWA", cross="X07"),
        N("JOR", "Impact of desalination brine on the Gulf of Aqaba",
          "Baseline study of the reefs near the planned desalination outfall.",
          "T06", "assessment", "DEWA", cross="X07 X08"),
        N("BHR", "Monitoring the environmental effects of coastal reclamation",
          "A monitoring programme for seagrass beds and fisheries near reclamation sites.",
          "T06 T05", "assessment training", "DEWA"),
        N("LBN", "Updating the national biodiversity strategy",
          "Update the strategy and action plan to the global biodiversity framework.",
          "T01", "advisory", "DEPI", meas="CBD", cross="X04"),
        N("JOR", "Sand and dust storm early warning",
          "Forecast products and alerts for health and transport authorities.",
          "T03 T14", "technology training", "DEWA", meas="UNCCD", cross="X07"),
        N("BHR", "Energy-efficiency labels for air conditioners",
          "Test procedures and a label for the most used appliances.",
          "T12", "technology legal", "DTIE", cross="X12"),
        N("JOR", "Restoring the Azraq oasis wetland",
          "Water allocation and restoration plan for the Ramsar site.",
          "T05 T04", "advisory assessment", "DEPI", meas="RAMSAR"),
        N("LBN", "Solid-waste master plan for the Beirut suburbs",
          "Sorting, composting and landfill options with the municipalities' union.",
          "T08", "advisory institutional", "DTIE", cross="X03"),
        N("JOR", "Environmental law enforcement training for rangers",
          "Train the environment police and rangers in evidence and prosecution.",
          "T09 T01", "training legal", "DELC", cross="X01 X02",
          outputs="Enforcement manual in Arabic; 3 training courses; case-tracking register."),
        N("BHR", "Phasing out ozone-depleting substances: technician training",
          "Good practice in servicing refrigeration and air-conditioning equipment.",
          "T07", "training equipment", "DTIE", meas="VIENNA",
          outputs="Technician certification scheme; recovery and recycling kits for 3 "
          "training centres."),
        N("JOR", "Drought monitoring of the rangelands",
          "Vegetation-index monitoring to plan grazing.",
          "T03", "technology training", "DEWA", meas="UNCCD",
          activities="UNEP-GEF-UNCCD-MA",
          outputs="Rangeland monitoring system; seasonal grazing maps for 4 governorates."),
        N("LBN", "Support for environmental projects",
          "General support for environmental projects of the ministry.",
          "T09", "advisory", "DEPI", decline="insufficient_information"),
        N("BHR", "Marine turtle conservation programme",
          "Nesting-beach protection and bycatch reduction.",
          "T01 T06", "advisory", "DEPI", meas="CMS", refer_to="CEDARE"),
        N("JOR", "A green building code",
          "Energy and water efficiency requirements for new public buildings.",
          "T12 T04", "legal advisory", "DTIE"),
    ],
    "ROLAC": [
        N("HTI", "Reforesting the watersheds above Port-au-Prince",
          "Plan community reforestation of the most eroded slopes.",
          "T16 T03", "advisory training", "DEPI", cross="X06"),
        N("BRA", "Monitoring mercury in the fish of the Tapajós river",
          "Sampling programme and risk communication for riverside communities.",
          "T07 T10", "assessment training", "DEWA", meas="MINAMATA", cross="X07",
          south_south="triangular"),
        N("HTI", "Alternatives to charcoal for urban households",
          "LPG and efficient stoves: market study and pilot in two neighbourhoods.",
          "T12 T16", "technology advisory", "DTIE", cross="X06 X13",
          women="Women buy and use the charcoal; they lead the pilot's user groups."),
        N("BRA", "Biodiversity indicators for the Cerrado",
          "A set of indicators and a data platform for the national report.",
          "T01", "assessment technology", "DEWA", meas="CBD", cross="X08"),
        N("HTI", "Environmental emergency plan for the hurricane season",
          "Plan and drills for chemical and fuel spills after hurricanes.",
          "T14", "advisory training", "DEPI", cross="X01"),
        N("BRA", "Closing municipal dumpsites safely",
          "Guidance and training for municipalities closing open dumps.",
          "T08", "training advisory", "DTIE", cross="X01"),
        N("HTI", "Recovery of coastal mangroves and fisheries in the south",
          "Restore mangroves and organize fishers' co-management.",
          "T06 T01", "training advisory", "DEPI", cross="X03 X06"),
        N("BRA", "Investigating wildlife trafficking",
          "Training investigators and prosecutors on CITES cases.",
          "T01 T11", "training legal", "DELC", meas="CITES", cross="X01"),
        N("HTI", "Follow-up to the post-earthquake environmental assessment",
          "Put the assessment's recommendations into the reconstruction plan.",
          "T17", "advisory assessment", "DEPI", supporting="DEWA"),
        N("BRA", "South-South exchange on testing vehicle emissions",
          "Share Brazil's ethanol vehicle testing with two African countries.",
          "T09 T12", "exchange training", "DTIE", south_south="south_south",
          outputs="Emission-testing protocol shared; 2 exchange visits; joint technical "
          "report."),
        N("HTI", "Community land-use plans for the Caribbean Biological Corridor",
          "Land-use plans with the communities of the corridor's Haitian section.",
          "T13 T01", "advisory training", "DEPI", meas="CBD", scope="subregional", others="DOM CUB",
          activities="UNEP-CBC", south_south="triangular",
          outputs="Land-use plans for 5 communes; corridor monitoring committee set up."),
        N("BRA", "Guidelines for sustainable public procurement",
          "Criteria for federal purchases of paper, vehicles and cleaning products.",
          "T09 T12", "advisory", "DTIE", cross="X12",
          outputs="Procurement criteria for 6 product groups; training of 120 buyers."),
        N("HTI", "A sanitary landfill for Cap-Haïtien",
          "Funding to build the landfill.",
          "T08", "equipment", "DTIE", decline="no_resources"),
        N("BRA", "Agroforestry research programme",
          "Research on cocoa agroforestry systems.",
          "T16 T19", "advisory", "DEPI", refer_to="CATIE"),
        N("HTI", "Awareness campaign on plastic waste",
          "Radio and school campaign on plastic waste in the capital.",
          "T08", "awareness", "DEPI", cross="X11"),
    ],
    "ROE": [
        N("GEO", "Monitoring coastal erosion on the Black Sea",
          "A monitoring network and a coastal management plan for Adjara.",
          "T06", "assessment technology", "DEWA"),
        N("ARM", "Water-quality monitoring of Lake Sevan",
          "Upgrade monitoring and publish the lake's state each season.",
          "T04", "technology training", "DEWA", cross="X08"),
        N("MDA", "Inventory of obsolete pesticide stockpiles",
          "Find, repackage and plan the disposal of obsolete pesticides.",
          "T07", "assessment advisory", "DTIE", meas="STOCKHOLM BASEL"),
        N("GEO", "Drafting an environmental liability law",
          "A law on liability for environmental damage, in line with EU directives.",
          "T09", "legal", "DELC", cross="X02"),
        N("ARM", "Risk assessment of mining tailings",
          "Assess the tailings dams upstream of settlements.",
          "T09 T14", "assessment", "DEWA", cross="X07"),
        N("MDA", "Managing the Lower Dniester floodplain wetlands",
          "A management plan for the Ramsar site with the local councils.",
          "T05", "advisory", "DEPI", meas="RAMSAR", scope="subregional", others="UKR"),
        N("GEO", "Forest fire early warning",
          "Fire-danger forecasts for the forest agency.",
          "T16 T14", "technology training", "DEWA"),
        N("ARM", "Energy efficiency in public buildings",
          "Audits and a retrofit programme for schools and hospitals.",
          "T12", "advisory technology", "DTIE", cross="X12"),
        N("GEO", "Public participation in environmental impact assessment",
          "Procedures and training so the public is heard before permits.",
          "T09", "legal training", "DELC", cross="X03"),
        N("MDA", "Sustainable consumption in university curricula",
          "Course modules for economics and engineering faculties.",
          "T09", "training institutional", "DTIE", cross="X11 X12",
          outputs="4 course modules adopted by 3 universities; 25 lecturers trained."),
        N("GEO", "Biosafety rules for imports of genetically modified organisms",
          "Regulations and procedures under the Cartagena Protocol.",
          "T01", "legal advisory", "DELC", meas="CARTAGENA",
          outputs="Biosafety regulation adopted; risk-assessment procedure; 18 officials "
          "trained."),
        N("ARM", "Climate change adaptation plan for agriculture",
          "Sector adaptation plan for the national adaptation plan process.",
          "T02 T19", "advisory", "DEPI", meas="UNFCCC",
          outputs="Agriculture adaptation plan adopted by the ministry; 3 pilot measures "
          "designed."),
        N("MDA", "A wastewater treatment plant for Ungheni",
          "Funding for the construction of a treatment plant.",
          "T04", "equipment", "DTIE", decline="no_resources"),
        N("GEO", "Accrediting an organic certification body",
          "Support for accreditation of the national organic certification body.",
          "T19", "advisory", "DTIE", refer_to="UNDP"),
        N("ARM", "Noise mapping of Yerevan",
          "Strategic noise maps for the capital.",
          "T09 T10", "assessment", "DEWA"),
    ],
    # Latin America's second set, Chile's: the plan serves developing countries and economies in
    # transition (registry.eligibility), which North America's countries are not.
    "ROLAC-CHL": [
        N("CHL", "Sharing glacier monitoring with Andean neighbours",
          "A South-South exchange of glacier and snow-cover monitoring methods.",
          "T04 T02", "exchange training", "DEWA", south_south="south_south"),
        N("CHL", "Indigenous knowledge in the national biodiversity report",
          "Methods to bring indigenous peoples' knowledge into the CBD national report.",
          "T01", "advisory", "DEPI", meas="CBD", cross="X03"),
        N("CHL", "Mercury releases from small-scale gold mining in the north",
          "Assessment of mercury use by artisanal miners and advice for the action plan.",
          "T07 T10", "assessment", "DEWA", meas="MINAMATA"),
        N("CHL", "Cross-border air-quality data exchange",
          "Common formats and a shared platform with neighbouring countries.",
          "T09", "technology", "DEWA", scope="subregional", others="ARG PER", cross="X08"),
        N("CHL", "Glacier retreat and the water supply of mountain communities",
          "Assessment methods for communities that depend on shrinking glaciers.",
          "T02 T14", "assessment advisory", "DEWA", meas="UNFCCC"),
        N("CHL", "Microplastics in the lakes of the south",
          "Sampling methods for microplastics shared with partner countries.",
          "T04 T09", "assessment exchange", "DEWA", south_south="triangular"),
        N("CHL", "Oil-spill drills for the ports of the Strait of Magellan",
          "Oil-spill drills adapted to cold waters and strong currents.",
          "T14 T06", "training", "DEPI"),
        N("CHL", "Chemical management capacity for Caribbean partners",
          "A triangular programme on pesticide registration.",
          "T07", "training exchange", "DTIE", south_south="triangular", scope="regional"),
        N("CHL", "Transboundary huemul deer habitat monitoring",
          "Shared monitoring of the endangered huemul's habitat.",
          "T13 T01", "assessment", "DEPI", meas="CMS", supporting="DEWA"),
        N("CHL", "Clean-technology incubator exchange with West African partners",
          "Exchange between clean-technology incubators.",
          "T12", "exchange", "DTIE", south_south="south_south",
          outputs="Twinning of 3 incubators; 2 exchange missions; joint investor forum."),
        N("CHL", "Environmental law training for the environmental courts",
          "Training on environmental evidence and remedies for the environmental courts.",
          "T09", "training legal", "DELC", cross="X01",
          outputs="Training course for 3 courts; a plain-language guide to remedies."),
        N("CHL", "Early warning of wildfire smoke",
          "Smoke forecasts for public health authorities.",
          "T09 T10 T14", "technology", "DEWA",
          outputs="Smoke forecast product; protocol with 3 health authorities."),
        N("CHL", "Funding for a national park visitor centre",
          "Funding for construction.",
          "T01", "equipment", "DEPI", decline="outside_mandate"),
        N("CHL", "Peatland carbon accounting in Patagonia",
          "Methods for including peatlands in the greenhouse gas inventory.",
          "T05 T02", "advisory", "DEWA", refer_to="UNDP"),
        N("CHL", "Sustainable tourism standard for national parks",
          "A voluntary standard for park operators.",
          "T01 T09", "advisory", "DTIE", cross="X12"),
    ],
}

# Governance report (seed 002), reform 21: "UNEP has received more than twenty requests from
# governments for support to their green-economy initiatives, and launched initiatives in
# Africa, Asia and the Pacific, Europe and West Asia": workshops in Bahrain, Dubai, Jordan,
# Kuwait, Lebanon, Saudi Arabia and the United Arab Emirates; a study on organic agriculture
# in Eastern Europe, the Caucasus and Central Asia; a low-carbon green growth report for the
# developing countries of East Asia.
GE = "Green economy: "
GREEN_ECONOMY_PRIORITIES = (
    "The government's green economy initiative (UNEP governance report, reform 21) and the "
    "national sustainable development strategy."
)


def _green(country, title, description, themes, support, **more) -> Need:
    more.setdefault("lead", "DTIE")
    more.setdefault("supporting", "DEPI")
    more.setdefault("cross", "X05 X06 X12")
    more.setdefault("priorities", GREEN_ECONOMY_PRIORITIES)
    return Need(country, GE + title, description, themes, support, **more)


WORKSHOP = (
    "A national green economy workshop with government, the private sector and civil "
    "society to identify the priority sectors of the country's green economy initiative, "
    "followed by a scoping study."
)
ORGANIC = (
    "Take part in UNEP's green economy study on organic agriculture in Eastern Europe, the "
    "Caucasus and Central Asia: options for a regional partnership to exchange experience and "
    "the feasibility and impact of a subregional organic standard."
)
LOW_CARBON = (
    "Contribute to and apply the low-carbon green growth report for the developing countries "
    "of East Asia, building on the East Asia Climate Forum and the Seoul Initiative."
)
GREEN_ECONOMY = [
    (_green("BHR", "national workshop on priority sectors", WORKSHOP, "T12 T08",
            "training advisory", outputs="Green economy workshop (62 participants); priority "
            "sectors identified: energy efficiency, waste, sustainable fisheries."),
     "closed_2025"),
    (_green("ARE", "Dubai workshop and scoping study", WORKSHOP, "T12 T04",
            "training advisory", outputs="Dubai green economy workshop; scoping study of "
            "green building and clean energy."),
     "closed_2025"),
    (_green("JOR", "scoping study of water and energy", WORKSHOP, "T04 T12",
            "assessment advisory", outputs="Green economy scoping study; national dialogue "
            "on water and energy; policy brief for the cabinet."),
     "completed"),
    (_green("KWT", "workshop on the green economy of the Gulf", WORKSHOP, "T12 T06",
            "training", outputs="National workshop; a roadmap for energy subsidy reform "
            "options."),
     "completed"),
    (_green("LBN", "green jobs in waste and energy", WORKSHOP, "T08 T12", "assessment",
            ), "in_progress"),
    (_green("SAU", "priority sectors workshop", WORKSHOP, "T12 T04", "training advisory"),
     "routed"),
    (_green("GEO", "organic agriculture and exchange partnership", ORGANIC, "T19 T03",
            "assessment exchange", scope="subregional", others="ARM AZE",
            south_south="south_south"),
     "in_progress"),
    (_green("ARM", "organic agriculture market study", ORGANIC, "T19 T11", "assessment",
            scope="subregional", others="GEO MDA",
            outputs="Organic market study; exchange visit to Georgia."),
     "completed"),
    (_green("MDA", "feasibility of a subregional organic standard", ORGANIC, "T19 T11",
            "advisory legal", scope="subregional", others="GEO ARM UKR", south_south="south_south",
            outputs="Feasibility study of a subregional organic standard; stakeholder "
            "consultation in 3 countries."),
     "closed"),
    (_green("KAZ", "organic agriculture in the steppe regions", ORGANIC, "T19 T03",
            "assessment"), "review"),
    (_green("KGZ", "organic agriculture and mountain livelihoods", ORGANIC, "T19 T13",
            "assessment exchange", south_south="south_south"), "info_requested"),
    (_green("CHN", "low-carbon green growth in East Asia", LOW_CARBON, "T02 T12",
            "assessment exchange", supporting="DEWA", scope="regional",
            south_south="south_south", outputs="Country chapter of the East Asia low-carbon "
            "green growth report; policy dialogue in Beijing."), "closed_2025"),
    (_green("MNG", "low-carbon growth of the energy sector", LOW_CARBON, "T02 T12",
            "assessment advisory", outputs="Low-carbon options for power and heating; "
            "training of 30 planners."), "completed"),
    (_green("VNM", "green growth strategy support", LOW_CARBON, "T02 T12",
            "advisory training"), "in_progress"),
    (_green("KHM", "green growth roadmap", LOW_CARBON, "T02 T16", "advisory"),
     "routed_twice_overdue"),
    (_green("IDN", "low-carbon development planning", LOW_CARBON, "T02 T16",
            "advisory assessment"), "submitted_overdue"),
    (_green("KEN", "green economy scoping study", WORKSHOP, "T12 T16 T19",
            "assessment advisory", outputs="Green economy scoping study; national "
            "stakeholder workshop; sector briefs on energy, agriculture and tourism."),
     "closed"),
    (_green("EGY", "green economy in agriculture and water", WORKSHOP, "T19 T04",
            "assessment", outputs="Sector assessment of green agriculture; 2 national "
            "consultations."), "completed"),
    (_green("GHA", "green economy assessment", WORKSHOP, "T12 T16", "assessment advisory"),
     "in_progress"),
    (_green("SEN", "green economy and sustainable fisheries", WORKSHOP, "T06 T19",
            "advisory", refer_to="UNDP"), "referred"),
    (_green("RWA", "green economy fiscal reform options", WORKSHOP, "T12 T09",
            "advisory training", outputs="Fiscal reform options paper; training of 24 "
            "finance ministry staff."), "completed"),
]

# Focal points of the green-economy countries that have none among the demonstration users.
GREEN_ECONOMY_FOCAL_POINTS = [
    ("focal.point@bahrain.example.org", "BHR", "Fatima Al-Khalifa"),
    ("focal.point@uae.example.org", "ARE", "Mariam Al-Mansoori"),
    ("focal.point@kuwait.example.org", "KWT", "Yousef Al-Sabah"),
    ("focal.point@lebanon.example.org", "LBN", "Rania Khoury"),
    ("focal.point@saudiarabia.example.org", "SAU", "Abdullah Al-Harbi"),
    ("focal.point@armenia.example.org", "ARM", "Anahit Petrosyan"),
    ("focal.point@moldova.example.org", "MDA", "Elena Rusu"),
    ("focal.point@kazakhstan.example.org", "KAZ", "Aigerim Nurlanovna"),
    ("focal.point@kyrgyzstan.example.org", "KGZ", "Bakyt Asanov"),
    ("focal.point@mongolia.example.org", "MNG", "Oyunbileg Batbayar"),
    ("focal.point@vietnam.example.org", "VNM", "Nguyen Thi Lan"),
    ("focal.point@cambodia.example.org", "KHM", "Sokha Chan"),
    ("focal.point@indonesia.example.org", "IDN", "Dewi Lestari"),
    ("focal.point@ghana.example.org", "GHA", "Akosua Mensah"),
    ("focal.point@senegal.example.org", "SEN", "Awa Diop"),
    ("focal.point@rwanda.example.org", "RWA", "Claudine Uwase"),
]

# A duplicate filed twice, merged into the first (issue 4): (office, duplicate, into title).
MERGED = [
    ("ROA", N("KEN", "Mercury in artisanal gold mining: training (sent again)",
              "The same training request, sent again by the second focal point.",
              "T07", "training", "DTIE", meas="MINAMATA"),
     "Mercury-free gold processing for artisanal miners in Migori"),
    ("ROAP", N("NPL", "Early warning for glacial lakes (duplicate)",
               "The same early-warning request, filed again.", "T02 T14", "technology",
               "DEWA"), "Glacial lake outburst flood early warning in the Koshi basin"),
]
# fmt: on


# --- Running the stories -----------------------------------------------------------------------


class People:
    """The demonstration users who act on requests, looked up once."""

    def __init__(self):
        self.focal_points = {}
        self.officers = {}
        self.divisions = {}
        for user in User.objects.filter(is_active=True).order_by("pk"):
            if user.role == Role.FOCAL_POINT:
                self.focal_points.setdefault(user.country_id, user)
            elif user.role == Role.REGIONAL_STAFF:
                self.officers.setdefault(user.regional_office_id, []).append(user)
            elif user.role == Role.DIVISION_STAFF:
                self.divisions.setdefault(user.division_id, user)

    def actor(self, action: str, request: Request) -> User:
        if action in ("create", "submit", "provide_info", "withdraw", "evaluate"):
            return self.focal_points[request.country_id]
        if action in ("accept", "progress", "complete", "return") or (
            action == "request_info" and request.state == State.ROUTED
        ):
            return self.divisions[request.lead_division_id]
        return self.officers[request.regional_office_id][0]


def _values(need: Need) -> dict:
    return {
        "title": need.title,
        "description": need.description,
        "national_priorities": need.priorities
        or "The national environmental action plan and the country's MEA obligations.",
        "thematic_areas": need.themes.split(),
        "cross_cutting_issues": need.cross.split(),
        "meas": need.meas.split(),
        "support_types": need.support.split(),
        "scope": need.scope,
        "covered_countries": need.others.split(),
        "desired_start": None,
        "duration_months": 12 if need.budget < 100_000 else 24,
        "gender_considerations": need.women
        or "Women and men take part equally; results are reported by gender.",
        "south_south_interest": need.south_south,
        "estimated_budget_usd": Decimal(need.budget),
    }


def _tell(story: str, need: Need, number: int, people: People, now: datetime, shift: int,
          context: dict) -> Request:  # fmt: skip
    steps = _not_in_the_future(_steps(story, now, shift), now)
    created_at = steps[0][1]
    values = _values(need)
    # The country wants to start about three months after asking.
    values["desired_start"] = (created_at + timedelta(days=90)).date()
    request = services.create_draft(
        actor=people.focal_points[need.country], values=values, now=created_at
    )
    officers = people.officers[request.regional_office_id]
    context = {**context, "assignee": officers[number % len(officers)]}
    for action, when in steps[1:]:
        data = _data(action, need, number, context)
        action = "route" if action == "route_first" else action
        services.perform_action(
            request=request,
            actor=people.actor(action, request),
            action=action,
            data=data,
            now=when,
        )  # refreshes ``request`` from the database
    return request


def _ensure_focal_points() -> int:
    missing = [
        person
        for person in GREEN_ECONOMY_FOCAL_POINTS
        if not User.objects.filter(email=person[0]).exists()
    ]
    # The demonstration password, hashed once: the hasher is slow on purpose.
    password = make_password(DEMO_PASSWORD) if missing else None
    for email, country, full_name in missing:
        user = create_portal_user(
            email=email, role=Role.FOCAL_POINT, password=None, full_name=full_name, country=country
        )
        user.password = password
        user.save(update_fields=["password"])
    return len(missing)


def planned() -> list[tuple[str, Need]]:
    """Every demonstration request as ``(story, need)``, in the order they are created."""
    stories = []
    for needs in REGIONAL_NEEDS.values():
        stories += list(zip(STORIES, needs, strict=True))
    stories += [(story, need) for need, story in GREEN_ECONOMY]
    stories += [("merged", need) for _office, need, _into in MERGED]
    return stories


def seed(log) -> None:
    users = _ensure_focal_points()
    people = People()
    now = timezone.now()
    into = {need.title: title for _office, need, title in MERGED}
    created, existing = [], 0
    for number, (story, need) in enumerate(planned()):
        if Request.objects.filter(country_id=need.country, title=need.title).exists():
            existing += 1
            continue
        context = {}
        if story == "merged":
            target = Request.objects.get(country_id=need.country, title=into[need.title])
            context["into"] = target.reference
        shift = (number * 3) % 17  # spread the dates of the regions' stories a little
        created.append(_tell(story, need, number, people, now, shift, context).pk)
    # Events of the past are history, not news: nobody is e-mailed about them.
    Notification.objects.filter(event__request_id__in=created, sent_at__isnull=True).delete()
    Mail.objects.filter(referral__request_id__in=created, sent_at__isnull=True).delete()
    log(
        f"Requests: {len(created)} created, {existing} already there"
        + (f"; {users} green-economy focal points added." if users else ".")
    )
