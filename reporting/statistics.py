"""The public figures of the programme: ``/dashboard/`` and ``GET /api/v1/statistics/``.

Plan §31(b) asks for transparency, and CTCN and the GEF portal publish counts by stage, region
and theme; these are the Bali portal's. What is published, and only that:

- aggregates of requests that have been submitted (a draft is the country's own business and
  is never counted), by stage, regional office, thematic area, year and asking country;
- the results recorded when requests were completed (people trained, institutions supported)
  and the registry's published activities (delivered, under way);
- money as the records give it: the estimated budgets countries put in their requests, the
  costs recorded at completion, and the funding lines of published registry activities that
  have a US-dollar equivalent.

Every figure is a ``COUNT``/``SUM`` over a grouped query (a fixed number, whatever the number of
requests: pinned by ``tests/reporting/test_statistics.py``). At a million requests they take
seconds, so readers never compute them: ``refresh_figures`` (the Celery beat task
``reporting.tasks.refresh_public_statistics``, every ``REFRESH_SECONDS``) computes them and
stores them twice, in the portal's cache (kept far longer than the interval) and in the one row
of ``PublicFigures``, the durable copy a reader falls back on when the cache has nothing (Redis
down or restarted, a cold start). A reader reads; only if the figures were never computed does
one reader compute them, under ``computing_lock``, while the others wait a little and are then
told they are being prepared (``FiguresNotReady``). Figures older than ``STALE_SECONDS`` (no
beat: the embedded default, or beat stopped) make one reader queue a refresh, which runs in a
thread of its own without a broker (``EAGER_TASKS_IN_THREAD``), never in the reader's request.

Small numbers: a country's count below ``THRESHOLD`` (1 or 2 requests) is not shown, nor the
count of a region below it, so that a single request cannot be traced back to the country that
made it. Within a region, if only one country's count is hidden (or the hidden counts add up
to less than ``THRESHOLD``), the next smallest is hidden as well, so that no hidden count can be
worked out by subtracting the shown ones from the region's total; a region where that cannot
be done (one country asked) has its own count hidden, and the regions are protected the same
way among themselves against the total. Figures for the whole programme (by stage, theme and
year) are not broken down by country and are shown whole.

The figures are kept language-neutral (codes and numbers); names are attached in the reader's
language by ``labelled``, from reference data cached per language.
"""

import json
import logging
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import get_language

from bali_portal.broker import publish
from registry.models import (
    Activity,
    ActivityStatus,
    Country,
    FundingLine,
    FundingSourceKind,
    RegionalOffice,
    ThematicArea,
)
from requests_app.models import Request
from requests_app.workflow import OPEN_STATES, State

from .models import PublicFigures

logger = logging.getLogger(__name__)

THRESHOLD = 3  # counts below this are not shown for a country or a region
REFRESH_SECONDS = 300  # the beat task's interval (settings.CELERY_BEAT_SCHEDULE)
# Figures older than this were not refreshed on time (no beat): a reader queues a refresh.
STALE_SECONDS = 2 * REFRESH_SECONDS
# The cached copy outlives many refreshes: each refresh replaces it, and it only expires if
# refreshes stop (the durable row is read then, as after a Redis restart).
CACHE_SECONDS = 24 * 3600
LABELS_SECONDS = REFRESH_SECONDS  # names of reference data, per language
# The first-ever computation: how long other readers wait for it before being told it is being
# prepared, and how long its lock is kept if the process holding it dies (cache lock only).
FIRST_WAIT_SECONDS = 3.0
WAIT_STEP_SECONDS = 0.25
LOCK_SECONDS = 15 * 60
LOCK_ID = 0x42A11_F16  # PostgreSQL advisory lock of the computation (any number of our own)
CACHE_VERSION = 2
FIGURES_KEY = f"statistics:v{CACHE_VERSION}:figures"
LABELS_KEY = f"statistics:v{CACHE_VERSION}:labels:{{language}}"
LOCK_KEY = f"statistics:v{CACHE_VERSION}:computing"
STALE_CLAIM_KEY = f"statistics:v{CACHE_VERSION}:refresh-queued"


class FiguresNotReady(Exception):
    """The figures were never computed and another process is computing them now."""


# The stages in the order of the lifecycle (docs/design.md), drafts left out.
STAGES = (
    State.SUBMITTED,
    State.UNDER_REVIEW,
    State.INFO_REQUESTED,
    State.ROUTED,
    State.IN_PROGRESS,
    State.COMPLETED,
    State.CLOSED,
    State.DECLINED,
    State.REFERRED,
    State.WITHDRAWN,
)
COMPLETED_STATES = (State.COMPLETED, State.CLOSED)


def money(value) -> str:
    """A sum of money as JSON: a string with two decimals, exact (as the annual report's)."""
    return str((value or Decimal(0)).quantize(Decimal("0.01")))


def published_requests():
    """The requests the public figures count: submitted once, whatever happened after."""
    return Request.objects.exclude(state=State.DRAFT).filter(submitted_at__isnull=False)


# --- Suppression of small numbers -----------------------------------------------------------


@dataclass
class Cell:
    code: str
    count: int
    group: str = ""
    suppressed: bool = False


def suppress_small_counts(
    cells: list[Cell], threshold: int = THRESHOLD, forced: frozenset[str] = frozenset()
) -> set[str]:
    """Hide every count from 1 to ``threshold - 1`` (and those of the ``forced`` codes);
    then, in each group (a region's countries), hide the next smallest shown counts until at
    least two are hidden and they add up to ``threshold`` or more, so that none can be worked
    out from the group's total.

    Returns the groups where that could not be reached (too few counts to hide among): their
    totals must be hidden too."""
    for cell in cells:
        cell.suppressed = 0 < cell.count < threshold or (cell.code in forced and cell.count > 0)
    groups = defaultdict(list)
    for cell in cells:
        groups[cell.group].append(cell)
    exposed = set()
    for group, members in groups.items():
        hidden = [cell for cell in members if cell.suppressed]
        shown = sorted((cell for cell in members if not cell.suppressed and cell.count), key=_size)
        while hidden and not _protected(hidden, threshold) and shown:
            extra = shown.pop(0)
            extra.suppressed = True
            hidden.append(extra)
        if hidden and not _protected(hidden, threshold):
            exposed.add(group)
    return exposed


def _protected(hidden: list[Cell], threshold: int) -> bool:
    return len(hidden) >= 2 and sum(cell.count for cell in hidden) >= threshold


def _size(cell: Cell):
    return (cell.count, cell.code)


# --- The figures (language-neutral, cached) -------------------------------------------------


def figures() -> dict:
    """The stored public figures: from the cache, else from the durable row (and cached again);
    computed here only if they never were (``FiguresNotReady`` while another process does)."""
    stored = cache.get(FIGURES_KEY)
    if stored is None:
        stored = stored_figures()
        if stored is None:
            return _first_figures()
        cache.set(FIGURES_KEY, stored, CACHE_SECONDS)
    _refresh_if_stale(stored)
    return stored


def stored_figures() -> dict | None:
    """The durable copy (one indexed read of one row), or ``None`` if never computed."""
    return (
        PublicFigures.objects.filter(pk=PublicFigures.SINGLETON)
        .values_list("figures", flat=True)
        .first()
    )


def refresh_figures(*, keep_if_unchanged: bool = False) -> dict | None:
    """Compute every figure and store it (the beat task). ``None``, computing nothing, when
    another process is computing them at this moment: two at once would only load the
    database twice for the same result.

    ``keep_if_unchanged``: figures equal to the stored ones (but for ``as_of``) are not
    written again (``seed_demo``, which must change nothing when run twice)."""
    with computing_lock() as holding:
        if not holding:
            logger.info("Public figures already being computed elsewhere; skipped")
            return None
        return _compute_and_store(keep_if_unchanged=keep_if_unchanged)


def _compute_and_store(*, keep_if_unchanged: bool = False) -> dict:
    started = time.monotonic()
    computed = compute_figures()
    seconds = time.monotonic() - started
    if keep_if_unchanged:
        stored = stored_figures()
        if stored is not None and _without_time(stored) == _without_time(computed):
            return stored
    PublicFigures.objects.update_or_create(
        pk=PublicFigures.SINGLETON,
        defaults={
            "figures": computed,
            "computed_at": datetime.fromisoformat(computed["as_of"]),
            "compute_seconds": seconds,
        },
    )
    cache.set(FIGURES_KEY, computed, CACHE_SECONDS)
    logger.info("Public figures computed in %.1f s", seconds)
    return computed


def _without_time(figures: dict) -> dict:
    """The figures as JSON gives them back, without when they were computed."""
    return {key: value for key, value in json.loads(json.dumps(figures)).items() if key != "as_of"}


def _first_figures() -> dict:
    """Nothing was ever stored: one reader computes, the others wait for it a little."""
    with computing_lock() as holding:
        if holding:
            # Another process may have finished between our read and the lock.
            return stored_figures() or _compute_and_store()
    deadline = time.monotonic() + FIRST_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(WAIT_STEP_SECONDS)
        stored = cache.get(FIGURES_KEY) or stored_figures()
        if stored is not None:
            return stored
    raise FiguresNotReady


@contextmanager
def computing_lock():
    """Held by the one process computing the figures; yields whether we hold it (never waits).

    On PostgreSQL an advisory lock, released by the server if the process dies and shared by
    every process whatever the cache; elsewhere (SQLite, the embedded default) a cache key."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_ID])
            holding = cursor.fetchone()[0]
        try:
            yield holding
        finally:
            if holding:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_ID])
        return
    holding = cache.add(LOCK_KEY, True, LOCK_SECONDS)
    try:
        yield holding
    finally:
        if holding:
            cache.delete(LOCK_KEY)


def _refresh_if_stale(stored: dict) -> None:
    """Figures not refreshed on time (no beat, as in the embedded default, or beat stopped):
    queue one refresh, at most once per interval whoever reads. Without a broker it runs in a
    thread beside the request (``EAGER_TASKS_IN_THREAD``); this reader gets the stored ones."""
    age = timezone.now() - datetime.fromisoformat(stored["as_of"])
    if age < timedelta(seconds=STALE_SECONDS):
        return
    if cache.add(STALE_CLAIM_KEY, True, REFRESH_SECONDS):
        publish("reporting.tasks.refresh_public_statistics")


def compute_figures(now=None) -> dict:
    """Every figure, in a fixed number of grouped queries (pinned by the tests)."""
    now = now or timezone.now()
    received = _received_by_region_stage_year()
    completed = _completed_by_region_year()
    by_country = _requests_by_country()
    activities = _registry_activities_by_status()
    funding = _registry_funding_by_source_year()
    countries, regions = _countries_and_regions(by_country, received, completed)
    years = _years(received, completed, now.year)
    return {
        "as_of": now.isoformat(timespec="seconds"),
        "threshold": THRESHOLD,
        "refresh_seconds": REFRESH_SECONDS,
        "totals": _totals(received, completed, by_country),
        "by_stage": _by_stage(received),
        "by_region": regions,
        "by_theme": _by_theme(),
        "by_year": _by_year(years, received, completed, funding),
        "by_country": countries,
        "results": _results(completed, activities),
        "funding": _funding(received, completed, funding),
    }


def _received_by_region_stage_year() -> list[dict]:
    """Query 1: requests by (office, state, year submitted), with their estimated budgets."""
    return list(
        published_requests()
        .values("regional_office_id", "state", year=ExtractYear("submitted_at"))
        .annotate(
            count=Count("id"),
            budget=Sum("estimated_budget_usd"),
            with_budget=Count("estimated_budget_usd"),
        )
        .order_by()
    )


def _completed_by_region_year() -> list[dict]:
    """Query 2: requests completed (and closed since) by (office, year completed), with their
    recorded results and costs.

    Requests without a completion date are left out here rather than in SQL: a ``completed_at
    IS NOT NULL`` condition led PostgreSQL to walk the completion-date index over 70 % of the
    table (6 s at a million requests, against 1.5-2.5 s for the sequential scan it does
    without; EXPLAIN ANALYZE on the bench's data). They form at most one group, year None."""
    rows = (
        published_requests()
        .filter(state__in=COMPLETED_STATES)
        .values("regional_office_id", year=ExtractYear("completed_at"))
        .annotate(
            count=Count("id"),
            female=Sum("people_trained_female"),
            male=Sum("people_trained_male"),
            other=Sum("people_trained_other"),
            institutions=Sum("institutions_supported"),
            cost=Sum("cost_usd"),
        )
        .order_by()
    )
    return [row for row in rows if row["year"] is not None]


def _by_theme() -> list[dict]:
    """Query 3: requests by thematic area (a request may name several), every area listed."""
    through = Request.thematic_areas.through
    counted = dict(
        through.objects.filter(
            request__submitted_at__isnull=False,
        )
        .exclude(request__state=State.DRAFT)
        .values_list("thematicarea_id")
        # Not DISTINCT: a request names an area once (the through table's unique pair), and
        # a plain count is hashed where a distinct one is sorted (1 s against 2.9 s at large).
        .annotate(count=Count("request_id"))
        .order_by()
    )
    return [
        {"code": code, "count": counted.get(code, 0)}
        for code in ThematicArea.objects.order_by("sort_order", "code").values_list(
            "code", flat=True
        )
    ]


def _requests_by_country() -> list[dict]:
    """Query 4: requests by asking country (forums' requests have none), with its region."""
    return list(
        published_requests()
        .filter(country__isnull=False)
        .values("country_id", "country__regional_office_id")
        .annotate(count=Count("id"))
        .order_by()
    )


def _registry_activities_by_status() -> dict:
    """Query 5: published registry activities by status, with their people trained."""
    rows = (
        Activity.objects.filter(is_published=True)
        .values("status")
        .annotate(
            count=Count("id"),
            female=Sum("people_trained_female"),
            male=Sum("people_trained_male"),
            other=Sum("people_trained_other"),
        )
        .order_by()
    )
    return {row["status"]: row for row in rows}


def _registry_funding_by_source_year() -> list[dict]:
    """Query 6: funding lines of published activities by (kind of source, year)."""
    return list(
        FundingLine.objects.filter(activity__is_published=True)
        .values("source_kind_id", "year")
        .annotate(
            lines=Count("id"),
            in_usd=Count("amount_usd"),
            amount_usd=Sum("amount_usd"),
        )
        .order_by()
    )


def _years(received, completed, this_year: int) -> list[int]:
    """Every year from the first with a request to this one, none skipped (a chart's axis)."""
    known = [row["year"] for row in received + completed if row["year"]]
    if not known:
        return []
    return list(range(min(known), max(max(known), this_year) + 1))


def _totals(received, completed, by_country) -> dict:
    return {
        "requests": sum(row["count"] for row in received),
        "open": sum(row["count"] for row in received if row["state"] in OPEN_STATES),
        "completed": sum(row["count"] for row in completed),
        "countries": len(by_country),
    }


def _by_stage(received) -> list[dict]:
    counts = defaultdict(int)
    for row in received:
        counts[row["state"]] += row["count"]
    return [{"code": str(stage), "count": counts[stage]} for stage in STAGES]


def _countries_and_regions(by_country, received, completed) -> tuple[list[dict], list[dict]]:
    """The asking countries and the regional offices, small counts hidden (module docstring).

    A region whose countries' hidden counts cannot be protected among themselves (one country
    of the region asked, once or twice) has its own count hidden, and the regions are then
    protected among themselves against the total of all requests."""
    country_cells = [
        Cell(code=row["country_id"], count=row["count"], group=row["country__regional_office_id"])
        for row in by_country
    ]
    exposed = suppress_small_counts(country_cells)
    count, budget, cost = defaultdict(int), defaultdict(Decimal), defaultdict(Decimal)
    for row in received:
        count[row["regional_office_id"]] += row["count"]
        budget[row["regional_office_id"]] += row["budget"] or 0
    for row in completed:
        cost[row["regional_office_id"]] += row["cost"] or 0
    offices = RegionalOffice.objects.order_by("sort_order", "code").values_list("code", flat=True)
    region_cells = [Cell(code=code, count=count[code]) for code in offices]
    suppress_small_counts(region_cells, forced=frozenset(exposed))
    countries = [
        {
            "code": cell.code,
            "regional_office": cell.group,
            "count": None if cell.suppressed else cell.count,
            "suppressed": cell.suppressed,
        }
        for cell in sorted(country_cells, key=lambda cell: cell.code)
    ]
    regions = [
        {
            "code": cell.code,
            "count": None if cell.suppressed else cell.count,
            "suppressed": cell.suppressed,
            # A hidden count's money would tell its size: hidden with it.
            "estimated_budget_usd": None if cell.suppressed else money(budget[cell.code]),
            "cost_usd": None if cell.suppressed else money(cost[cell.code]),
        }
        for cell in region_cells
    ]
    return countries, regions


def _by_year(years, received, completed, funding) -> list[dict]:
    rows = {
        year: {
            "year": year,
            "received": 0,
            "completed": 0,
            "people_trained": 0,
            "estimated_budget_usd": Decimal(0),
            "cost_usd": Decimal(0),
            "registry_funding_usd": Decimal(0),
        }
        for year in years
    }
    for row in received:
        if row["year"] in rows:
            rows[row["year"]]["received"] += row["count"]
            rows[row["year"]]["estimated_budget_usd"] += row["budget"] or 0
    for row in completed:
        if row["year"] in rows:
            rows[row["year"]]["completed"] += row["count"]
            rows[row["year"]]["people_trained"] += _trained(row)
            rows[row["year"]]["cost_usd"] += row["cost"] or 0
    for row in funding:
        if row["year"] in rows:
            rows[row["year"]]["registry_funding_usd"] += row["amount_usd"] or 0
    return [
        {
            **row,
            "estimated_budget_usd": money(row["estimated_budget_usd"]),
            "cost_usd": money(row["cost_usd"]),
            "registry_funding_usd": money(row["registry_funding_usd"]),
        }
        for row in rows.values()
    ]


def _trained(row) -> int:
    return (row["female"] or 0) + (row["male"] or 0) + (row["other"] or 0)


def _results(completed, activities) -> dict:
    delivered = activities.get(ActivityStatus.COMPLETED, {})
    under_way = activities.get(ActivityStatus.ONGOING, {})
    return {
        "requests_completed": sum(row["count"] for row in completed),
        "people_trained": sum(_trained(row) for row in completed),
        "women_trained": sum(row["female"] or 0 for row in completed),
        "men_trained": sum(row["male"] or 0 for row in completed),
        "others_trained": sum(row["other"] or 0 for row in completed),
        "institutions_supported": sum(row["institutions"] or 0 for row in completed),
        "activities_delivered": delivered.get("count", 0),
        "activities_under_way": under_way.get("count", 0),
        "people_trained_in_activities": _trained(delivered) if delivered else 0,
    }


def _funding(received, completed, funding) -> dict:
    by_source = defaultdict(lambda: {"lines": 0, "in_usd": 0, "amount_usd": Decimal(0)})
    for row in funding:
        source = by_source[row["source_kind_id"]]
        source["lines"] += row["lines"]
        source["in_usd"] += row["in_usd"]
        source["amount_usd"] += row["amount_usd"] or 0
    return {
        "estimated_budget_usd": money(sum((row["budget"] or 0 for row in received), Decimal(0))),
        "requests_with_budget": sum(row["with_budget"] for row in received),
        "cost_usd": money(sum((row["cost"] or 0 for row in completed), Decimal(0))),
        "registry_funding_usd": money(
            sum((source["amount_usd"] for source in by_source.values()), Decimal(0))
        ),
        "by_source": [
            {
                "code": code,
                "lines": source["lines"],
                "lines_in_usd": source["in_usd"],
                "amount_usd": money(source["amount_usd"]),
            }
            for code, source in sorted(by_source.items())
        ],
    }


# --- Names in the reader's language ---------------------------------------------------------


def labels(language: str | None = None) -> dict[str, dict[str, str]]:
    """Names of the coded items the figures use, in the active language (cached with it)."""
    language = language or get_language() or "en"
    key = LABELS_KEY.format(language=language)
    cached = cache.get(key)
    if cached is not None:
        return cached
    names = {
        "stage": {str(stage): str(stage.label) for stage in STAGES},
        "region": {office.code: office.label for office in RegionalOffice.objects.all()},
        "theme": {theme.code: theme.label for theme in ThematicArea.objects.all()},
        "country": {country.code: country.label for country in Country.objects.all()},
        "source": {kind.code: kind.label for kind in FundingSourceKind.objects.all()},
    }
    cache.set(key, names, LABELS_SECONDS)
    return names


def labelled(data: dict, names: dict[str, dict[str, str]]) -> dict:
    """The figures with each coded item's ``name`` beside its ``code``."""

    def named(rows, kind):
        return [{**row, "name": names[kind].get(row["code"], row["code"])} for row in rows]

    return {
        **data,
        "by_stage": named(data["by_stage"], "stage"),
        "by_region": named(data["by_region"], "region"),
        "by_theme": named(data["by_theme"], "theme"),
        "by_country": named(data["by_country"], "country"),
        "funding": {**data["funding"], "by_source": named(data["funding"]["by_source"], "source")},
    }


def public_statistics() -> dict:
    """The figures as the page and the API give them, in the active language."""
    return labelled(figures(), labels())
