"""``seed_demo``: requests in every state of every region, overdue ones, the green-economy
requests of the governance report (reform 21); and running it twice changes nothing."""

from collections import Counter
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from bali_portal.accounts.models import Role, User
from designations.models import Designation, Status
from designations.selectors import acts_as_focal_point
from registry.models import Country, Forum
from requests_app import demo, sla
from requests_app.models import Evaluation, Notification, Request, RequestEvent
from requests_app.workflow import State

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "requests": list(
            Request.objects.order_by("pk").values_list("pk", "reference", "state", "due_at")
        ),
        "events": RequestEvent.objects.count(),
        "evaluations": Evaluation.objects.count(),
    }


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demonstration data, seeded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", verbosity=0)
        yield snapshot()
        transaction.set_rollback(True)


def test_seeding_twice_changes_nothing(seeded):
    call_command("seed_demo", verbosity=0)
    assert snapshot() == seeded


def test_seeding_leaves_the_public_figures_computed(seeded):
    from reporting.models import PublicFigures
    from reporting.statistics import published_requests

    stored = PublicFigures.objects.get().figures
    assert stored["totals"]["requests"] == published_requests().count() > 0


def offices_of_eligible_countries() -> set[str]:
    """The regional offices of the countries the plan serves: not North America's, whose two
    countries are developed economies."""
    offices = set(Country.objects.eligible().values_list("regional_office_id", flat=True))
    assert offices == {"ROA", "ROAP", "ROE", "ROLAC", "ROWA"}
    return offices


def test_every_state_in_every_region(seeded):
    found = set(Request.objects.values_list("regional_office_id", "state"))
    offices = offices_of_eligible_countries()
    assert {(office, state) for office in offices for state in State.values} <= found


def test_the_demonstration_asks_only_for_countries_the_plan_serves(seeded):
    countries = Country.objects.filter(requests__isnull=False).distinct()
    assert countries.exists() and all(country.eligible for country in countries)
    covered = Country.objects.filter(
        pk__in=Request.covered_countries.through.objects.values("country_id")
    )
    assert all(country.eligible for country in covered)
    assert not User.objects.filter(role=Role.FOCAL_POINT, country__economy="developed").exists()


def test_overdue_and_twice_overdue_requests_in_every_region(seeded):
    now = timezone.now()
    overdue = Counter(
        Request.objects.filter(sla.overdue_q(now)).values_list("regional_office_id", flat=True)
    )
    twice = Counter(
        Request.objects.filter(sla.twice_overdue_q(now)).values_list(
            "regional_office_id", flat=True
        )
    )
    for office in offices_of_eligible_countries():
        assert overdue[office] >= 3, office
        assert twice[office] >= 1, office
    # And on time ones in each clocked state, so the queues show the difference.
    on_time = Request.objects.filter(state__in=sla.CLOCKED_STATES).exclude(sla.overdue_q(now))
    assert set(on_time.values_list("state", flat=True)) == set(sla.CLOCKED_STATES)


def test_the_history_is_real_and_dated_over_2025_and_2026(seeded):
    now = timezone.now()
    for request in Request.objects.exclude(state=State.DRAFT).prefetch_related("events"):
        events = list(request.events.all())
        assert events[0].action == "create"
        assert request.submitted_at == next(e.created_at for e in events if e.action == "submit")
        # Each step follows the one before, from the state the one before left.
        for before, after in pairwise(events):
            assert before.created_at <= after.created_at <= now
            if after.from_state:
                assert after.from_state == before.to_state or before.action == "comment"
        assert events[-1].to_state == request.state or events[-1].action == "comment"
    years = set(RequestEvent.objects.values_list("created_at__year", flat=True))
    assert {2025, 2026} <= years


def test_results_costs_and_evaluations_for_the_annual_report(seeded):
    for year, minimum in ((2026, 15), (2025, 6)):
        done = Request.objects.filter(completed_at__year=year)
        totals = done.aggregate(
            n=Count("pk"),
            women=Sum("people_trained_female"),
            men=Sum("people_trained_male"),
            cost=Sum("cost_usd"),
        )
        assert totals["n"] >= minimum, year
        assert totals["women"] > 0 and totals["men"] > 0 and totals["cost"] > 0
        assert not done.filter(outputs="").exists() and not done.filter(lessons="").exists()
    assert Evaluation.objects.filter(evaluated_at__year=2026).count() >= 10
    assert RequestEvent.objects.filter(action="refer").count() >= 6
    assert RequestEvent.objects.filter(action="merge").count() == 2
    assert RequestEvent.objects.filter(action="return").count() >= 6
    # Nobody is e-mailed about the past.
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_the_green_economy_requests_of_reform_21(seeded):
    green = Request.objects.filter(title__startswith=demo.GE)
    assert green.count() == len(demo.GREEN_ECONOMY) >= 20
    countries = set(green.values_list("country_id", flat=True))
    # The West Asian governments named in the report (Dubai is in the United Arab Emirates).
    assert {"BHR", "ARE", "JOR", "KWT", "LBN", "SAU"} <= countries
    offices = set(green.values_list("regional_office_id", flat=True))
    assert {"ROA", "ROAP", "ROE", "ROWA"} <= offices
    assert green.filter(state__in=[State.COMPLETED, State.CLOSED]).count() >= 8


def test_each_story_ends_in_its_state(seeded):
    for story, need in demo.planned():
        request = Request.objects.get(country_id=need.country, title=need.title)
        assert request.state == demo.STATE_OF_STORY[story], (story, need.title)


def test_designations_in_every_status_and_two_forums_with_a_request_each(seeded):
    assert set(Designation.objects.values_list("status", flat=True)) == set(Status.values)
    # Every demonstration focal point acts under a designation in force.
    for user in User.objects.filter(role=Role.FOCAL_POINT, is_active=True):
        if user.email.startswith("former."):
            continue
        assert acts_as_focal_point(user), user.email
    forums = Request.objects.filter(requester="forum")
    assert sorted(forums.values_list("forum_id", flat=True)) == ["AMCEN", "LACFORUM"]
    assert all(request.regional_office_id == request.forum.regional_office_id for request in forums)
    assert Forum.objects.filter(priorities__isnull=False).distinct().count() == 2


def test_the_exchange_of_issue_19(seeded):
    """A referral in each status, offers from three countries, one regional centre with its
    roster; the offices heard of the offers' matches, and nothing of it is e-mailed."""
    from exchange.models import Expert, Mail, MatchNotice, Offer, Referral, RegionalCentre

    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == {"sent", "accepted", "declined", "completed"}
    assert Referral.objects.filter(status="completed").exclude(outcome="").exists()
    countries = set(
        Offer.objects.filter(provider_country__isnull=False).values_list(
            "provider_country", flat=True
        )
    )
    assert len(countries) >= 3
    centre = RegionalCentre.objects.get(organization__acronym="ICIMOD")
    assert "NPL" in set(centre.countries.values_list("code", flat=True))
    assert Expert.objects.filter(centre=centre.organization).count() >= 3
    assert MatchNotice.objects.filter(direction="to_office").exists()
    assert not Mail.objects.filter(sent_at__isnull=True).exists()
