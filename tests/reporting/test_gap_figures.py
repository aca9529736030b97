"""The gaps of section 5 (``aggregation.needs``) against a naive count, request by request.

The figures come from two grouped queries per table (the counts that need no registry look-up,
then the same rows restricted to those a registry activity answers, as a semi-join) combined in
``aggregation._gap_row``. Here every combination that decides whether a request is a gap (each
state, accepted or not, due date past, future or unset, answered by an activity on its theme,
on another theme only, or by one in the pipeline only) is counted one request at a time with
``expected.py``'s definitions, and the two must agree.
"""

from datetime import UTC, date, datetime, timedelta
from itertools import product

import pytest

from registry.models import Activity, ActivityCountry, Division
from reporting import aggregation
from requests_app.models import Request
from tests import factories
from tests.reporting import expected

pytestmark = pytest.mark.django_db

YEAR = 2025
AS_OF = datetime(2026, 3, 1, tzinfo=UTC)
STATES = (
    "submitted",
    "under_review",
    "info_requested",
    "routed",
    "in_progress",
    "completed",
    "declined",
    "referred",
    "withdrawn",
)
DUE = (AS_OF - timedelta(days=3), AS_OF + timedelta(days=3), None)
# Country -> the themes of its requests. KEN has an activity on T01 under way; NGA one on T04
# only in the pipeline (no answer) and one on T07 completed; NPL none.
REQUEST_THEMES = {"KEN": (["T01"], ["T01", "T02"], ["T02"]), "NGA": (["T04"], ["T04", "T07"])}
REQUEST_THEMES["NPL"] = (["T01"],)


def activity(identifier, country, theme, status):
    record = Activity.objects.create(
        identifier=identifier,
        title=identifier,
        status=status,
        modality="south_south",
        lead_division=Division.objects.get(code="DTIE"),
        actual_start=date(2024, 1, 1),
    )
    ActivityCountry.objects.create(activity=record, country_id=country)
    record.thematic_areas.set([theme])


def build():
    author = factories.focal_point("KEN")
    activity("KEN-T01", "KEN", "T01", "ongoing")
    activity("NGA-T04", "NGA", "T04", "pipeline")
    activity("NGA-T07", "NGA", "T07", "completed")
    moment = datetime(YEAR, 2, 1, tzinfo=UTC)
    for country, theme_sets in REQUEST_THEMES.items():
        for themes, state, accepted, due in product(theme_sets, STATES, (False, True), DUE):
            request = factories.make_request(
                country=country,
                state=state,
                created_by=author,
                lead_division="DEPI" if state in ("routed", "in_progress", "completed") else None,
                accepted_at=moment + timedelta(days=20) if accepted else None,
                due_at=due,
            )
            Request.objects.filter(pk=request.pk).update(submitted_at=moment)
            request.thematic_areas.set(themes)
            moment += timedelta(hours=7)


def naive(requests, facts, themes_of) -> list[int]:
    """count, declined, referred, overdue, unmatched, without response: one request at a time."""
    matched = [expected.matched(facts, r, themes_of(r)) for r in requests]
    return [
        len(requests),
        sum(1 for r in requests if r.state == "declined"),
        sum(1 for r in requests if r.state == "referred"),
        sum(1 for r in requests if expected.overdue(r, AS_OF)),
        sum(1 for is_matched in matched if not is_matched),
        sum(
            1
            for r, is_matched in zip(requests, matched, strict=True)
            if expected.without_response(r, is_matched, AS_OF)
        ),
    ]


def figures(row) -> list[int]:
    keys = ("count", "declined", "referred", "overdue", "unmatched", "without_response")
    return [row[key] for key in keys]


def test_the_gaps_equal_a_count_request_by_request():
    build()
    facts = expected.Facts.read(AS_OF)
    period = aggregation.Period(year=YEAR, as_of=AS_OF)
    needs = aggregation.needs(period, aggregation.References())
    cohort = expected.received(facts, YEAR)
    assert len(cohort) == 6 * len(STATES) * 2 * len(DUE)

    by_country = {row["code"]: row for row in needs["by_country"]}
    assert set(by_country) == set(REQUEST_THEMES)
    for country in REQUEST_THEMES:
        mine = [r for r in cohort if r.country_id == country]
        themes_of = lambda r: expected.codes_of(r.thematic_areas)  # noqa: E731
        assert figures(by_country[country]) == naive(mine, facts, themes_of), country
        withdrawn = sum(1 for r in mine if r.state == "withdrawn")
        assert by_country[country]["withdrawn"] == withdrawn

    by_theme = {row["code"]: row for row in needs["gaps_by_theme"]}
    assert set(by_theme) == {"T01", "T02", "T04", "T07"}
    for theme, row in by_theme.items():
        mine = [r for r in cohort if theme in expected.codes_of(r.thematic_areas)]
        assert figures(row) == naive(mine, facts, lambda r, theme=theme: {theme}), theme
    # The cases the combination covers: an answered request can still be a gap (declined,
    # overdue), and an accepted one is never one for want of an activity.
    assert 0 < by_country["KEN"]["without_response"] < by_country["KEN"]["count"]
    assert by_country["NPL"]["unmatched"] == by_country["NPL"]["count"]
