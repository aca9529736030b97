"""Demonstration history: four earlier years (2021-2024) of requests, funding and allocations,
so that the report of any year or half-year compares with the period before it, and the
follow-up assessments 6 and 12 months after completion have something to count.

Every request goes through the services step by step with ``now=`` set in the past, as the
demonstration requests of 2025-2026 do (``requests_app.demo``): its clocks, events and figures
are what they would have been. The needs are those of the demonstration countries, asked again
in an earlier cycle; more each year, as the programme grew.

Idempotent: a request is looked up by its country and title, an activity by its identifier, an
allocation by its division and biennium; only what is missing is created.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from exchange.models import Mail
from registry.models import (
    Activity,
    ActivityCountry,
    ActivityScope,
    ActivityStatus,
    Country,
    Division,
    FundingLine,
    Modality,
    Organization,
    Subprogramme,
)
from requests_app import services as request_services
from requests_app.demo import People, planned
from requests_app.models import Notification, Request

from .models import DivisionAllocation, FollowUpInvitation

YEARS = (2021, 2022, 2023, 2024)
# Requests per year: the programme grew.
REQUESTS_IN = {2021: 8, 2022: 11, 2023: 14, 2024: 17}
# What became of each request, in turn: most were completed, some closed after completion,
# some declined or withdrawn.
OUTCOMES = ("completed", "closed", "completed", "declined", "closed", "completed", "withdrawn")
SUCCESSES = [
    "The ministry adopted the national plan the training prepared.",
    "Trained staff now train their colleagues; the course runs without UNEP.",
    "The draft regulation went to parliament within the year.",
]
SHORTCOMINGS = [
    "Delivery started four months late; two trained officers have since left.",
    "The guidance exists only in English; a translation is needed.",
    "",
]
# Each division's allocation to the BSP in its biennial programme of work (US$), growing.
ALLOCATIONS = {"DEWA": 420_000, "DELC": 380_000, "DTIE": 640_000, "DEPI": 720_000,
               "DRC": 300_000, "DCPI": 120_000}  # fmt: skip
BIENNIUMS = (2020, 2022, 2024, 2026)
FUNDERS = (
    ("GEF", "Global Environment Facility", "financial_institution", "gef"),
    ("Norway", "Government of Norway", "government", "bilateral"),
    ("UNEP", "United Nations Environment Programme", "un_body", "environment_fund"),
)


# The search-quality tests (tests/test_search_quality.py) pin what these words and Kenya's
# references find among the 2025-2026 demonstration requests: the history asks for other needs,
# so those recorded results stay what they measure.
PINNED_SEARCHES = ("mercury", "kailash", "biosafety", "water", "climate adaptation")
PINNED_COUNTRIES = ("KEN",)


def _history_needs(people: People):
    """The demonstration needs whose country and lead division have someone to act."""
    offices = dict(Country.objects.values_list("code", "regional_office_id"))
    return [
        need
        for _story, need in planned()
        if need.country in people.focal_points
        and need.country not in PINNED_COUNTRIES
        and need.lead in people.divisions
        and people.officers.get(offices.get(need.country))
        and not any(word in f"{need.title} {need.description}".lower() for word in PINNED_SEARCHES)
    ]


def _values(need, year: int) -> dict:
    return {
        # Named by its cycle first: the demonstration's own requests are found by their titles.
        "title": f"Cycle {year}: {need.title}",
        "description": need.description,
        "national_priorities": need.priorities or "The national environmental action plan.",
        "thematic_areas": need.themes.split(),
        "cross_cutting_issues": need.cross.split(),
        "meas": need.meas.split(),
        "support_types": need.support.split(),
        "scope": need.scope,
        "covered_countries": need.others.split(),
        "desired_start": date(year, 6, 1),
        "duration_months": 12,
        "gender_considerations": need.women or "Women and men take part equally.",
        "south_south_interest": need.south_south,
        "estimated_budget_usd": (
            Decimal(need.budget) * (Decimal("0.8") + Decimal(year % 4) / 10)
        ).quantize(Decimal("0.01")),
    }


def _completion(need, number: int) -> dict:
    return {
        "people_trained_female": 12 + (number * 7) % 25,
        "people_trained_male": 10 + (number * 5) % 21,
        "people_trained_other": number % 2,
        "institutions_supported": 1 + number % 4,
        "outputs": need.outputs or f"National workshop and guidance: {need.title.lower()}.",
        "cost_usd": str(Decimal(15_000 + (number * 4_100) % 58_000)),
        "lessons": "Working through national institutions kept the capacity in use.",
        "laws_drafted": int(number % 3 == 0),
        "policies_adopted": int((number + 1) % 3 == 0),
        "tools_developed": 1 + number % 2,
        "institutions_strengthened": 1 + number % 3,
        "successes": SUCCESSES[number % len(SUCCESSES)],
        "shortcomings": SHORTCOMINGS[number % len(SHORTCOMINGS)],
    }


def _assessment(number: int, kind: str) -> dict:
    return {
        "kind": kind,
        "rating": 3 + number % 3,
        "comments": "The skills are still in use." if number % 4 else "Part of the team left.",
        "capacity_retained": number % 4 != 0,
        "capacity_used": number % 5 != 0,
        "programme_rating": 3 + (number + 1) % 3,
        "staff_rating": 3 + (number + 2) % 3,
    }


def _steps(outcome: str, submitted: datetime, need, number: int, answers: list[int]) -> list:
    """``[(action, when, data)]`` of one request's history."""
    day = timedelta(days=1)
    steps = [("acknowledge", submitted + 3 * day, {"assignee": None})]
    if outcome == "declined":
        declined = {"reason": "no_resources", "explanation": "No resources this biennium."}
        return [*steps, ("decline", submitted + 14 * day, declined)]
    steps.append(("route", submitted + 12 * day, {"lead_division": need.lead}))
    if outcome == "withdrawn":  # before the division took it up
        return [*steps, ("withdraw", submitted + 20 * day, {"reason": "Funded nationally."})]
    plan = {"response_plan": "Scoping mission, then training.", "activities": answers}
    steps.append(("accept", submitted + 30 * day, plan))
    completed = submitted + (150 + number % 90) * day
    steps += [
        ("complete", completed, _completion(need, number)),
        ("evaluate", completed + 20 * day, _assessment(number, "on_completion")),
    ]
    if outcome == "closed":
        steps.append(("close", completed + 30 * day, {}))
    if number % 3 != 2:  # most answer the 6-month follow-up, fewer the 12-month one
        steps.append(("evaluate", completed + 190 * day, _assessment(number + 1, "follow_up")))
    if number % 2 == 0:
        steps.append(("evaluate", completed + 372 * day, _assessment(number + 2, "follow_up")))
    return steps


def _tell(people: People, need, year: int, number: int, now: datetime) -> Request | None:
    values = _values(need, year)
    submitted = datetime(year, 1, 15, 9, tzinfo=UTC) + timedelta(days=(number * 29) % 330)
    outcome = OUTCOMES[number % len(OUTCOMES)]
    request = request_services.create_draft(
        actor=people.focal_points[need.country], values=values, now=submitted - timedelta(hours=2)
    )
    request_services.perform_action(
        request=request, actor=people.focal_points[need.country], action="submit", now=submitted
    )
    # The office's regional programme of the year answers it (requests by subprogramme).
    answers = list(
        Activity.objects.filter(identifier=f"BSP-{year}-{request.regional_office_id}").values_list(
            "pk", flat=True
        )
    )
    for action, when, data in _steps(outcome, submitted, need, number, answers):
        if when >= now:
            break  # the history stops at today
        if action == "acknowledge":
            data = {"assignee": people.officers[request.regional_office_id][0].pk}
        request_services.perform_action(
            request=request, actor=people.actor(action, request), action=action, data=data,
            now=when,
        )  # fmt: skip
    return request


def _past_invitations(created: list[int], now: datetime) -> None:
    """The follow-up windows of the history were invited at their time (so that the daily
    task does not invite them now)."""
    rows = []
    for request in Request.objects.filter(pk__in=created, completed_at__isnull=False):
        for months in (6, 12):
            due = request.completed_at + timedelta(days=183 if months == 6 else 365)
            if due < now:
                rows.append(
                    FollowUpInvitation(
                        request=request, months_after=months, sent_at=due, recipients=1
                    )
                )
    FollowUpInvitation.objects.bulk_create(rows, ignore_conflicts=True)


def _funding_history() -> int:
    """One completed activity per regional office and year, with its funding of that year."""
    funders = {
        acronym: Organization.objects.get_or_create(
            name=name, defaults={"acronym": acronym, "kind": kind}
        )[0]
        for acronym, name, kind, _source in FUNDERS
    }
    subprogrammes = list(Subprogramme.objects.order_by("sort_order", "code"))
    created = 0
    offices = Country.objects.filter(
        pk__in=[need.country for _story, need in planned()]
    ).values_list("regional_office_id", "code")
    first_country = {}
    for office, country in offices:
        first_country.setdefault(office, country)
    for year in YEARS:
        for index, (office, country) in enumerate(sorted(first_country.items())):
            identifier = f"BSP-{year}-{office}"
            if Activity.objects.filter(identifier=identifier).exists():
                continue
            activity = Activity.objects.create(
                identifier=identifier,
                title=f"Regional capacity-building programme {year}, {office}",
                status=ActivityStatus.COMPLETED,
                modality=(Modality.SOUTH_SOUTH, Modality.NORTH_SOUTH)[index % 2],
                scope=ActivityScope.REGIONAL,
                lead_division=Division.objects.order_by("sort_order", "code")[index % 4],
                subprogramme=subprogrammes[index % len(subprogrammes)] if subprogrammes else None,
                actual_start=date(year, 2, 1),
                actual_end=date(year, 11, 30),
                people_trained_female=20 + index * 3,
                people_trained_male=18 + index * 2,
                people_trained_other=0,
                institutions_supported=3 + index,
                outputs="Regional training and a guidance document.",
                is_published=True,
            )
            activity.regional_offices.set([office])
            ActivityCountry.objects.create(activity=activity, country_id=country)
            activity.thematic_areas.set(["T02", "T07"][index % 2 : index % 2 + 1])
            for position, (acronym, _name, _kind, source) in enumerate(FUNDERS):
                FundingLine.objects.create(
                    activity=activity,
                    funder=funders[acronym],
                    source_kind_id=source,
                    amount=Decimal(
                        40_000 + 15_000 * position + 5_000 * (year - 2020) + 1_000 * index
                    ),
                    currency="USD",
                    year=year,
                )
            created += 1
    return created


def _allocations() -> int:
    created = 0
    for first_year in BIENNIUMS:
        for code, amount in ALLOCATIONS.items():
            if not Division.objects.filter(pk=code).exists():
                continue
            _allocation, made = DivisionAllocation.objects.get_or_create(
                division_id=code,
                first_year=first_year,
                defaults={
                    "amount_usd": Decimal(amount) * (1 + Decimal(first_year - 2020) / 20),
                    "note": f"Programme of work {first_year}-{first_year + 1} (demonstration)",
                },
            )
            created += made
    return created


def seed(log) -> None:
    now = timezone.now()
    activities = _funding_history()  # first: the history's requests are answered by them
    people = People()
    needs = _history_needs(people)
    created, existing = [], 0
    if needs:
        number = 0
        for year in YEARS:
            for index in range(REQUESTS_IN[year]):
                need = needs[(index * 7 + year) % len(needs)]
                title = _values(need, year)["title"]
                if Request.objects.filter(country_id=need.country, title=title).exists():
                    existing += 1
                    number += 1
                    continue
                created.append(_tell(people, need, year, number, now).pk)
                number += 1
    _past_invitations(created, now)
    # History is not news: nobody is e-mailed about it.
    Notification.objects.filter(event__request_id__in=created, sent_at__isnull=True).delete()
    Mail.objects.filter(referral__request_id__in=created, sent_at__isnull=True).delete()
    allocations = _allocations()
    log(
        f"Report history 2021-2024: {len(created)} requests created ({existing} already there), "
        f"{activities} funded activities, {allocations} division allocations."
    )
