"""The figures are computed by grouped queries: as many queries, whatever the year holds."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import cycle

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import (
    Activity,
    ActivityCountry,
    Division,
    FundingLine,
    Organization,
)
from reporting import aggregation, document
from requests_app.models import Evaluation, Request
from tests import factories

pytestmark = pytest.mark.django_db

COUNTRIES = ("KEN", "NGA", "NPL", "BRA", "JOR", "IND", "PER")
STATES = (
    "submitted",
    "under_review",
    "routed",
    "in_progress",
    "completed",
    "closed",
    "declined",
    "referred",
    "withdrawn",
    "info_requested",
)
THEMES = ("T01", "T02", "T04", "T07", "T16", "T19")


def add_year(size: int, offset: int) -> None:
    """``size`` requests, activities and funding lines of 2025, in every state, written straight
    to the tables (the figures do not matter here, only how many rows there are)."""
    author = factories.focal_point("KEN")
    funder = Organization.objects.get_or_create(name="Funder", defaults={"kind": "government"})[0]
    countries = cycle(COUNTRIES)
    states = cycle(STATES)
    themes = cycle(THEMES)
    start = datetime(2025, 1, 5, tzinfo=UTC)
    for index in range(size):
        code = next(countries)
        state = next(states)
        moment = start + timedelta(days=index % 300, hours=index)
        done = state in ("completed", "closed")
        request = factories.make_request(
            country=code,
            state=state,
            created_by=author,
            lead_division="DEPI"
            if state in ("routed", "in_progress", "completed", "closed")
            else None,
            acknowledged_at=moment + timedelta(days=index % 9),
            acknowledge_due_at=moment + timedelta(days=5),
            decided_at=moment + timedelta(days=12) if state != "under_review" else None,
            decision_due_at=moment + timedelta(days=20),
            accepted_at=moment + timedelta(days=20) if done or state == "in_progress" else None,
            acceptance_due_at=moment + timedelta(days=25),
            due_at=moment + timedelta(days=5),
            completed_at=moment + timedelta(days=60) if done else None,
            people_trained_female=index % 7 if done else None,
            people_trained_male=index % 5 if done else None,
            cost_usd=Decimal(1000 + index) if done else None,
            lessons=f"Lesson {index}" if done else "",
            outputs=f"Output {index}" if done else "",
            decline_reason="no_resources" if state == "declined" else "",
        )
        Request.objects.filter(pk=request.pk).update(submitted_at=moment)
        request.thematic_areas.set([next(themes), next(themes)])
        request.cross_cutting_issues.set(["X13"])
        request.support_types.set(["training"])
        request.meas.set(["CBD"])
        if done:
            Evaluation.objects.create(
                request=request,
                rating=1 + index % 5,
                capacity_retained=index % 2 == 0,
                comments=f"Comment {index}",
                evaluated_by=author,
                evaluated_at=moment + timedelta(days=70),
            )
        activity = Activity.objects.create(
            identifier=f"ACT-{offset}-{index}",
            title=f"Activity {index}",
            status="completed",
            modality=("south_south", "triangular", "north_south")[index % 3],
            lead_division=Division.objects.get(code="DTIE"),
            actual_start=date(2025, 1, 1),
            actual_end=date(2025, 6, 1) + timedelta(days=index % 100),
            people_trained_female=index % 4,
            results_narrative=f"Result {index}",
        )
        ActivityCountry.objects.create(activity=activity, country_id=code)
        activity.thematic_areas.set([next(themes)])
        activity.requests.add(request)
        FundingLine.objects.create(
            activity=activity,
            funder=funder,
            source_kind_id=("gef", "bilateral")[index % 2],
            amount=Decimal(5000 + index),
            currency=("USD", "EUR")[index % 2],
            year=2025,
        )


def count_queries(function) -> int:
    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


def test_the_figures_take_the_same_number_of_queries_for_a_small_and_a_large_year(
    django_assert_max_num_queries,
):
    as_of = datetime.now(UTC)
    add_year(6, offset=1)
    small = count_queries(lambda: aggregation.compute_snapshot(2025, as_of))
    # pinned: a new query per section is a conscious change (9: five; 11-15 of issue 18: 19)
    assert small <= 84
    add_year(60, offset=2)
    with django_assert_max_num_queries(small):
        snapshot = aggregation.compute_snapshot(2025, as_of)
    assert snapshot["received"]["total"]["current"] == 66
    # The document (and so every file) is built from the snapshot alone.
    assert count_queries(lambda: document.build(snapshot, "en")) == 0
