"""A year of the portal, recorded through the services as people would have done it.

Requests of 2025 (the report's year) and 2024 (the previous year) in every state, from five
countries of four regions, with their clocks met, missed and overdue; results, costs and
assessments; registry activities (one answering a request, one not, one ongoing, one from an
older year, one in the pipeline) and their funding in several currencies. Every figure of the
report can be worked out by hand from this module, and the tests do so in plain Python.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from exchange import services as exchange
from registry.models import (
    Activity,
    ActivityCountry,
    ActivityStatus,
    Country,
    Division,
    FundingLine,
    FundingSourceKind,
    Modality,
    Organization,
)
from requests_app import services
from requests_app.models import Request
from tests import factories

YEAR = 2025
PREVIOUS = YEAR - 1


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class People:
    focal_points: dict = field(default_factory=dict)
    offices: dict = field(default_factory=dict)
    divisions: dict = field(default_factory=dict)

    def focal_point(self, country: str):
        if country not in self.focal_points:
            self.focal_points[country] = factories.focal_point(country)
        return self.focal_points[country]

    def office(self, code: str):
        if code not in self.offices:
            self.offices[code] = factories.regional_staff(code)
        return self.offices[code]

    def division(self, code: str):
        if code not in self.divisions:
            self.divisions[code] = factories.division_staff(code)
        return self.divisions[code]

    def actor(self, action: str, request: Request):
        if action in ("submit", "provide_info", "withdraw", "evaluate"):
            return self.focal_point(request.country_id)
        if action in ("accept", "complete", "progress"):
            return self.division(request.lead_division_id)
        return self.office(request.regional_office_id)


def organization(name: str, acronym: str, kind: str) -> Organization:
    return Organization.objects.get_or_create(
        name=name, defaults={"acronym": acronym, "kind": kind}
    )[0]


def values(title: str, themes: list[str], **extra) -> dict:
    return {
        "title": title,
        "description": f"The need: {title.lower()}.",
        "national_priorities": "National sustainable development plan 2021-2030.",
        "thematic_areas": themes,
        "support_types": extra.pop("support_types", ["training"]),
        "scope": extra.pop("scope", "national"),
        "desired_start": date(YEAR, 9, 1),
        "duration_months": 12,
        **extra,
    }


def file_request(
    people: People, country: str, submitted: str, request_values: dict, steps=()
) -> Request:
    """A draft started an hour before ``submitted``, submitted, then each (action, when, data)."""
    when = at(submitted)
    focal_point = people.focal_point(country)
    request = services.create_draft(
        actor=focal_point, values=request_values, now=when - timedelta(hours=1)
    )
    services.perform_action(request=request, actor=focal_point, action="submit", now=when)
    for action, moment, data in steps:
        request.refresh_from_db()
        services.perform_action(
            request=request,
            actor=people.actor(action, request),
            action=action,
            data=data,
            now=at(moment),
        )
    request.refresh_from_db()
    return request


def complete(female, male, cost, lessons, other=0, institutions=0, outputs="Training manual"):
    return {
        "people_trained_female": female,
        "people_trained_male": male,
        "people_trained_other": other,
        "institutions_supported": institutions,
        "outputs": outputs,
        "cost_usd": cost,
        "lessons": lessons,
    }


def evaluation(rating, retained, comments):
    return {"rating": rating, "capacity_retained": retained, "comments": comments}


def activity(
    identifier,
    *,
    status,
    modality,
    division,
    countries,
    themes,
    start=None,
    end=None,
    planned_end=None,
    results=None,
    outputs="",
    narrative="",
) -> Activity:
    record = Activity.objects.create(
        identifier=identifier,
        title=f"Activity {identifier}",
        title_zh=f"活动 {identifier}",
        status=status,
        modality=modality,
        lead_division=Division.objects.get(code=division),
        actual_start=start,
        actual_end=end,
        planned_end=planned_end,
        outputs=outputs,
        results_narrative=narrative,
        is_published=True,
        **{
            ("institutions_supported" if key == "institutions" else f"people_trained_{key}"): value
            for key, value in (results or {}).items()
        },
    )
    for code in countries:
        ActivityCountry.objects.create(activity=record, country=Country.objects.get(code=code))
    record.thematic_areas.set(themes)
    return record


def funding(record, funder, kind, amount, currency, year=None, amount_usd=None) -> FundingLine:
    return FundingLine.objects.create(
        activity=record,
        funder=funder,
        source_kind=FundingSourceKind.objects.get(code=kind),
        amount=Decimal(amount),
        currency=currency,
        year=year,
        amount_usd=Decimal(amount_usd) if amount_usd is not None else None,
    )


@dataclass
class Story:
    people: People
    requests: dict
    activities: dict


def build() -> Story:
    people = People()
    undp = organization("United Nations Development Programme", "UNDP", Organization.Kind.UN_BODY)
    gef = organization(
        "Global Environment Facility", "GEF", Organization.Kind.FINANCIAL_INSTITUTION
    )
    norway = organization(
        "Norwegian Agency for Development Cooperation", "Norad", Organization.Kind.GOVERNMENT
    )
    unep = organization("United Nations Environment Programme", "UNEP", Organization.Kind.UN_BODY)
    japan = organization(
        "Japan International Cooperation Agency", "JICA", Organization.Kind.GOVERNMENT
    )

    # --- The registry --------------------------------------------------------------------
    mercury = activity(
        "KEN-MERCURY",
        status=ActivityStatus.COMPLETED,
        modality=Modality.SOUTH_SOUTH,
        division="DEPI",
        countries=["KEN"],
        themes=["T07"],
        start=date(YEAR, 2, 1),
        end=date(YEAR, 6, 30),
        results={"female": 20, "male": 15, "other": 0, "institutions": 2},
        outputs="A pilot mercury-free processing plant",
        narrative="Cooperatives adopted the method faster than ministries.",
    )
    climate = activity(
        "ASIA-CLIMATE",
        status=ActivityStatus.COMPLETED,
        modality=Modality.TRIANGULAR,
        division="DTIE",
        countries=["NPL", "BRA"],
        themes=["T02"],
        start=date(YEAR, 1, 15),
        planned_end=date(YEAR, 11, 30),
        results={"female": 7, "male": 3, "other": 1, "institutions": 1},
        outputs="A regional climate toolkit",
        narrative="Peer exchange between Nepal and Brazil kept the network alive.",
    )
    water = activity(
        "NGA-WATER",
        status=ActivityStatus.ONGOING,
        modality=Modality.MULTILATERAL,
        division="DEWA",
        countries=["NGA"],
        themes=["T04"],
        start=date(PREVIOUS, 3, 1),
    )
    older = activity(
        "KEN-OLD",
        status=ActivityStatus.COMPLETED,
        modality=Modality.NORTH_SOUTH,
        division="DTIE",
        countries=["KEN"],
        themes=["T02"],
        start=date(2022, 1, 1),
        end=date(2023, 6, 30),
        results={"female": 100, "male": 100},
        narrative="An older project, outside the year.",
    )
    pipeline = activity(
        "JOR-WATER",
        status=ActivityStatus.PIPELINE,
        modality=Modality.SOUTH_SOUTH,
        division="DEWA",
        countries=["JOR"],
        themes=["T04"],
    )
    funding(mercury, gef, "gef", "100000", "USD", year=YEAR)
    funding(climate, norway, "bilateral", "50000", "EUR", year=YEAR, amount_usd="54000.00")
    funding(climate, unep, "environment_fund", "20000.40", "USD")  # no year: the start year
    funding(water, undp, "extrabudgetary", "30000", "USD", year=PREVIOUS)
    funding(water, japan, "bilateral", "1000000", "JPY", year=YEAR)  # no US$ value
    funding(older, gef, "gef", "9999", "USD", year=2023)

    # --- The requests --------------------------------------------------------------------
    r = {}
    r["ken_mercury"] = file_request(
        people,
        "KEN",
        "2025-01-10T10:00",
        values(
            "Mercury-free artisanal gold mining",
            ["T07", "T10"],
            cross_cutting_issues=["X13", "X04"],
            meas=["MINAMATA"],
            support_types=["training", "technology"],
            south_south_interest="south_south",
            gender_considerations="Women process most of the ore.",
        ),
        [
            ("acknowledge", "2025-01-13T10:00", {}),
            ("route", "2025-01-20T10:00", {"lead_division": "DEPI"}),
            (
                "accept",
                "2025-01-27T10:00",
                {"response_plan": "Train cooperatives.", "activities": [mercury.pk]},
            ),
            (
                "complete",
                "2025-06-30T10:00",
                complete(
                    12,
                    8,
                    "15000.00",
                    "Involve the ministry of mines from the start.",
                    other=1,
                    institutions=3,
                    outputs="Training manual; national guideline",
                ),
            ),
            ("close", "2025-07-05T10:00", {}),
            (
                "evaluate",
                "2025-07-20T10:00",
                evaluation(5, True, "The training changed how our inspectors work."),
            ),
        ],
    )
    r["ken_climate"] = file_request(
        people,
        "KEN",
        "2025-02-03T08:00",
        values(
            "Climate adaptation planning",
            ["T02"],
            meas=["UNFCCC"],
            support_types=["advisory"],
            south_south_interest="triangular",
        ),
        [
            ("acknowledge", "2025-02-10T14:00", {}),  # late: 7 days and 6 hours
            ("route", "2025-03-05T08:00", {"lead_division": "DTIE"}),  # late: 30 days
            ("accept", "2025-03-10T08:00", {"response_plan": "Advisory missions."}),
            (
                "complete",
                "2025-09-15T12:00",
                complete(
                    5,
                    10,
                    "8000.50",
                    "Pair each trainee with a mentor.",
                    outputs="National adaptation plan chapter",
                ),
            ),
            ("evaluate", "2025-10-01T09:00", evaluation(3, False, "Useful, but too short.")),
        ],
    )
    r["nga_water"] = file_request(
        people,
        "NGA",
        "2025-03-01T09:00",
        values(
            "Freshwater quality monitoring",
            ["T04"],
            support_types=["assessment"],
            gender_considerations="Women collect the water.",
        ),
        [
            ("acknowledge", "2025-03-03T09:00", {}),
            (
                "decline",
                "2025-03-10T09:00",
                {"reason": "no_resources", "explanation": "No budget this biennium."},
            ),
        ],
    )
    r["npl_referred"] = file_request(
        people,
        "NPL",
        "2025-04-01T06:00",
        values("Glacier lake early warning", ["T02"], support_types=["technology"]),
        [
            ("acknowledge", "2025-04-04T06:00", {}),
            refer(undp, "2025-04-15T06:00", "partners@undp.example.org"),
        ],
    )
    r["npl_withdrawn"] = file_request(
        people,
        "NPL",
        "2025-05-02T06:00",
        values("Food security and soils", ["T19"]),
        [
            ("acknowledge", "2025-05-05T06:00", {}),
            ("route", "2025-05-12T06:00", {"lead_division": "DEWA"}),
            ("withdraw", "2025-05-20T06:00", {"reason": "National funding was found."}),
        ],
    )
    r["bra_forests"] = file_request(
        people,
        "BRA",
        "2025-06-01T12:00",
        values(
            "Forest law enforcement",
            ["T16"],
            cross_cutting_issues=["X02"],
            meas=["CBD"],
            scope="regional",
            south_south_interest="south_south",
        ),
        [
            ("acknowledge", "2025-06-02T12:00", {}),
            ("route", "2025-06-10T12:00", {"lead_division": "DELC"}),
            ("accept", "2025-07-15T12:00", {"response_plan": "Judges' training."}),  # late
        ],
    )
    r["bra_waiting"] = file_request(
        people,
        "BRA",
        "2025-11-20T12:00",
        values("Food security and environment", ["T19"]),
    )  # never acknowledged: overdue
    r["jor_review"] = file_request(
        people,
        "JOR",
        "2025-09-01T08:00",
        values("Water reuse in agriculture", ["T04"], support_types=["advisory"]),
        [("acknowledge", "2025-09-09T08:00", {})],  # late, then no decision: overdue
    )
    r["jor_routed"] = file_request(
        people,
        "JOR",
        "2025-10-01T08:00",
        values("Industrial pollution of aquifers", ["T04", "T09"]),
        [
            ("acknowledge", "2025-10-02T08:00", {}),
            ("route", "2025-10-10T08:00", {"lead_division": "DEPI"}),
        ],  # never accepted: overdue
    )
    r["nga_question"] = file_request(
        people,
        "NGA",
        "2025-12-01T08:00",
        values("Invasive species inventory", ["T01"]),
        [
            ("acknowledge", "2025-12-02T08:00", {}),
            ("request_info", "2025-12-05T08:00", {"message": "Which states?"}),
        ],  # waiting for the country: never overdue
    )
    # Received the year before; completed and assessed in the report's year.
    r["ken_2024"] = file_request(
        people,
        "KEN",
        "2024-05-01T08:00",
        values("Chemicals inventory", ["T07"], support_types=["assessment"]),
        [
            ("acknowledge", "2024-05-02T08:00", {}),
            ("route", "2024-05-06T08:00", {"lead_division": "DEPI"}),
            ("accept", "2024-05-10T08:00", {"response_plan": "Inventory support."}),
            (
                "complete",
                "2025-01-15T08:00",
                complete(
                    3,
                    3,
                    "2000.00",
                    "Start with the customs data.",
                    outputs="National chemicals inventory",
                ),
            ),
            ("evaluate", "2025-02-01T08:00", evaluation(4, True, "A solid first inventory.")),
        ],
    )
    r["bra_2024"] = file_request(
        people,
        "BRA",
        "2024-08-01T08:00",
        values("Forest carbon accounting", ["T16"]),
        [
            ("acknowledge", "2024-08-02T08:00", {}),
            (
                "decline",
                "2024-08-10T08:00",
                {"reason": "outside_mandate", "explanation": "Outside UNEP's mandate."},
            ),
        ],
    )
    add_referrals(people, r, undp)
    # A draft is never counted.
    r["ken_draft"] = services.create_draft(
        actor=people.focal_point("KEN"),
        values=values("Unfinished idea", ["T02"]),
        now=at("2025-03-01T08:00"),
    )
    return Story(
        people=people,
        requests=r,
        activities={
            "mercury": mercury,
            "climate": climate,
            "water": water,
            "older": older,
            "pipeline": pipeline,
        },
    )


def refer(organization: Organization, moment: str, contact: str) -> tuple:
    data = {
        "organization": organization.pk,
        "contact_email": contact,
        "explanation": f"{organization.acronym} runs a programme for this need.",
    }
    return ("refer", moment, data)


def partner_answers(request: Request, moment: str, accept: bool, outcome=None, completed=None):
    """The partner's answer through its link, and later what came of it."""
    exchange.answer_referral(
        referral_id=request.referral.pk, accept=accept, note="Noted.", now=at(moment)
    )
    if outcome:
        exchange.report_referral_outcome(
            referral_id=request.referral.pk,
            outcome=outcome,
            note="Support delivered with the ministry.",
            now=at(completed),
        )


def add_referrals(people: People, r: dict, undp: Organization) -> None:
    """Referrals in every status, to two partners, and one of the previous year (section 9)."""
    acmad = organization(
        "African Centre of Meteorological Applications for Development",
        "ACMAD",
        Organization.Kind.REGIONAL_CENTRE,
    )
    undp_contact, acmad_contact = "partners@undp.example.org", "projects@acmad.example.org"
    partner_answers(
        r["npl_referred"], "2025-04-25T06:00", True, "supported", completed="2025-10-01T06:00"
    )
    r["bra_referred"] = file_request(
        people,
        "BRA",
        "2025-07-01T12:00",
        values("Climate finance readiness", ["T02"]),
        [
            ("acknowledge", "2025-07-02T12:00", {}),
            refer(undp, "2025-07-10T12:00", undp_contact),
        ],
    )
    partner_answers(r["bra_referred"], "2025-07-20T12:00", False)
    for key, submitted, title, accept in (
        ("ken_referred", "2025-08-01T09:00", "Seasonal forecasts for farmers", True),
        ("ken_referred_partly", "2025-08-05T09:00", "Flood bulletins for the Tana basin", True),
        ("ken_referred_waiting", "2025-11-03T09:00", "Drought early warning bulletins", None),
    ):
        moment = at(submitted)
        r[key] = file_request(
            people,
            "KEN",
            submitted,
            values(title, ["T02"]),
            [
                ("acknowledge", (moment + timedelta(days=1)).isoformat(), {}),
                refer(acmad, (moment + timedelta(days=8)).isoformat(), acmad_contact),
            ],
        )
        if accept is not None:
            partner_answers(r[key], (moment + timedelta(days=15)).isoformat(), accept)
    exchange.report_referral_outcome(
        referral_id=r["ken_referred_partly"].referral.pk,
        outcome="partly_supported",
        note="Bulletins for the upper basin only.",
        now=at("2025-12-01T09:00"),
    )
    r["ken_referred_2024"] = file_request(
        people,
        "KEN",
        "2024-10-01T09:00",
        values("Climate services for pastoralists", ["T02"]),
        [
            ("acknowledge", "2024-10-02T09:00", {}),
            refer(acmad, "2024-10-20T09:00", acmad_contact),
        ],
    )


def a_few_requests() -> People:
    """Two requests of 2025, for tests about runs rather than figures."""
    people = People()
    file_request(
        people,
        "KEN",
        "2025-03-01T08:00",
        values("Mercury-free mining", ["T07"]),
        [("acknowledge", "2025-03-02T08:00", {})],
    )
    file_request(people, "NPL", "2025-04-01T08:00", values("Glacier lakes", ["T02"]))
    return people
