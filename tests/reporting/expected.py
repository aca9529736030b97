"""The report's figures worked out again, in plain Python, from the records themselves.

Deliberately naive and independent of ``reporting.aggregation``: read every record of the (small)
test year into memory and count, add and sort by hand, following the definitions printed in the
report.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from registry.models import (
    MEA,
    Activity,
    CrossCuttingIssue,
    Division,
    FundingLine,
    FundingSourceKind,
    RegionalOffice,
    SupportType,
    ThematicArea,
)
from requests_app.models import Evaluation, Request

WAITING = {"submitted", "under_review", "routed"}  # the states whose clock runs
RESPONDING = {"ongoing", "completed"}


@dataclass
class Facts:
    as_of: datetime
    requests: list
    activities: list
    lines: list
    evaluations: list
    offices: list
    divisions: list
    themes: list
    issues: list
    support_types: list
    meas: list
    source_kinds: list
    levels: dict

    @classmethod
    def read(cls, as_of: datetime) -> "Facts":
        def codes(model):
            return list(model.objects.order_by("sort_order", "code").values_list("code", "name"))

        from requests_app.models import ServiceLevel

        level = ServiceLevel.current()
        return cls(
            as_of=as_of,
            requests=list(
                Request.objects.select_related("country", "regional_office", "lead_division")
                .prefetch_related("thematic_areas", "cross_cutting_issues", "meas", "support_types")
                .order_by("pk")
            ),
            activities=list(
                Activity.objects.prefetch_related(
                    "activity_countries", "thematic_areas", "requests"
                ).order_by("pk")
            ),
            lines=list(FundingLine.objects.select_related("activity", "funder").order_by("pk")),
            evaluations=list(Evaluation.objects.select_related("request").order_by("pk")),
            offices=codes(RegionalOffice),
            divisions=codes(Division),
            themes=codes(ThematicArea),
            issues=codes(CrossCuttingIssue),
            support_types=codes(SupportType),
            meas=codes(MEA),
            source_kinds=codes(FundingSourceKind),
            levels={
                "acknowledge": level.acknowledge_days,
                "decision": level.decision_days,
                "acceptance": level.acceptance_days,
            },
        )


def in_year(moment, year: int) -> bool:
    return moment is not None and moment.year == year


def received(facts: Facts, year: int) -> list:
    return [r for r in facts.requests if r.state != "draft" and in_year(r.submitted_at, year)]


def completed(facts: Facts, year: int) -> list:
    return [r for r in facts.requests if in_year(r.completed_at, year)]


def codes_of(manager) -> set[str]:
    return {item.pk for item in manager.all()}


def activity_end(activity):
    return activity.actual_end or activity.planned_end


def activity_start(activity):
    return activity.actual_start or activity.planned_start


def activity_countries(activity) -> set[str]:
    return {row.country_id for row in activity.activity_countries.all()}


def activities_completed(facts: Facts, year: int) -> list:
    return [
        a
        for a in facts.activities
        if a.status == "completed" and activity_end(a) and activity_end(a).year == year
    ]


def answers_completed_request(activity, year: int) -> bool:
    return any(in_year(r.completed_at, year) for r in activity.requests.all())


def counted_activities(facts: Facts, year: int) -> list:
    """Completed activities whose results are not already counted through a request."""
    return [a for a in activities_completed(facts, year) if not answers_completed_request(a, year)]


def overdue(request, as_of) -> bool:
    return request.state in WAITING and request.due_at is not None and request.due_at < as_of


def matched(facts: Facts, request, themes: set[str]) -> bool:
    return any(
        a.status in RESPONDING
        and request.country_id in activity_countries(a)
        and themes & codes_of(a.thematic_areas)
        for a in facts.activities
    )


def without_response(request, is_matched: bool, as_of) -> bool:
    if request.state == "withdrawn":
        return False
    # A request referred to a partner is no gap: the partner follows it up (issue 19).
    return (
        request.state == "declined"
        or overdue(request, as_of)
        or (request.accepted_at is None and request.state != "referred" and not is_matched)
    )


def days(delta) -> float:
    return delta.total_seconds() / 86400


def percentile(values: list[float], fraction: float) -> float | None:
    """Linear interpolation between the closest ranks (as PostgreSQL's percentile_cont)."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def clock(requests, done, due, waiting_state, as_of) -> tuple[int, int]:
    """(on time, due) of one service-level clock over some requests."""
    met = late = late_waiting = 0
    for r in requests:
        done_at, due_at = getattr(r, done), getattr(r, due)
        if done_at is not None and due_at is not None:
            if done_at <= due_at:
                met += 1
            else:
                late += 1
        elif r.state == waiting_state and due_at is not None and due_at < as_of:
            late_waiting += 1
    return met, met + late + late_waiting


def usd(line) -> Decimal | None:
    if line.amount_usd is not None:
        return line.amount_usd
    return line.amount if line.currency == "USD" else None


def funding_year(line) -> int | None:
    if line.year is not None:
        return line.year
    start = activity_start(line.activity)
    return start.year if start else None


def funding_lines(facts: Facts, year: int) -> list:
    return [line for line in facts.lines if funding_year(line) == year]


def active_activities(facts: Facts, year: int) -> list:
    result = []
    for a in facts.activities:
        start, end = activity_start(a), activity_end(a)
        if a.status not in RESPONDING or start is None or start.year > year:
            continue
        if end is None or end.year >= year:
            result.append(a)
    return result
