"""Every figure of the annual report, computed in the database with grouped queries.

One function per section of the report (issue 6; plan §24(b), §29(c), §31(a, h), §32). Each
returns plain JSON data (numbers, codes, and labels in the active language), which the run keeps
as its snapshot. Nothing here loops over requests, events or activities in Python: every figure
is a ``COUNT``/``SUM``/``AVG`` or a percentile over a grouped query, so the number of queries
and the memory used stay the same however many records the year holds (pinned by
``tests/reporting/test_query_counts.py``). Lists of quotations are sliced in the database.

Definitions (printed in the report as well):

- *received in a year*: submitted in that calendar year (UTC); drafts never count.
- handling figures follow the requests received in the year to where they stand at
  ``as_of`` (the moment the figures were computed).
- *on time*: a step done by its due date (``done_at <= due_at``, the service-level clocks of
  ``requests_app.sla``); *overdue*: still waiting past its due date, as ``sla.overdue_q``.
- results count the requests *completed* in the year and the registry activities completed in
  it; an activity that answers a request completed the same year is counted once, through the
  request.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from math import ceil, floor

from django.db import DatabaseError, connection
from django.db.models import (
    Aggregate,
    Avg,
    Case,
    Count,
    DecimalField,
    DurationField,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext_lazy

from exchange.models import Referral, ReferralOutcome, ReferralStatus
from registry.models import (
    MEA,
    Activity,
    ActivityCountry,
    ActivityStatus,
    Country,
    CrossCuttingIssue,
    Division,
    Forum,
    FundingLine,
    FundingSourceKind,
    Modality,
    RegionalOffice,
    Subprogramme,
    SupportType,
    ThematicArea,
    localized,
    localized_value,
    name_columns,
)
from requests_app.models import (
    OUTPUT_KINDS,
    DeclineReason,
    Evaluation,
    EvaluationKind,
    Request,
    Requester,
    Scope,
    ServiceLevel,
    SouthSouthInterest,
)
from requests_app.sla import CLOCKED_STATES
from requests_app.workflow import OPEN_STATES, State

from .models import DivisionAllocation, FollowUpInvitation, biennium_of

# Registry activities that answer a need: under way or done (not in the pipeline, not cancelled).
RESPONDING_STATUSES = (ActivityStatus.ONGOING, ActivityStatus.COMPLETED)
GENDER_ISSUE = "X13"  # §20(a)(13): gender mainstreaming in environmental policy
QUOTES = 8
LESSONS = 12
NARRATIVES = 8
OUTPUTS = 10
TOP_THEMES = 3
FORUMS_ROW = gettext_lazy("Forums and UN bodies")
# The names of the country or the forum a request came from, for lists of records.
ASKER_NAMES = (*name_columns("country__name"), *name_columns("forum__name"))


@dataclass(frozen=True)
class Period:
    """What the report covers: a calendar year (``year``) or any period (``first_day`` to
    ``last_day``, both included), optionally one regional office's requests and activities;
    and the moment its figures are taken (``as_of``).

    Figures are compared with the period of the same length just before: the previous year
    for a year, the previous six months for a half-year (whole months are counted in months,
    other periods in days).
    """

    year: int | None = None
    as_of: datetime | None = None
    first_day: date | None = None
    last_day: date | None = None
    regional_office: str | None = None

    def __post_init__(self):
        if self.first_day is None:
            object.__setattr__(self, "first_day", date(self.year, 1, 1))
            object.__setattr__(self, "last_day", date(self.year, 12, 31))
        if self.year is None:
            object.__setattr__(self, "year", self.first_day.year)

    @property
    def start(self) -> datetime:
        return _midnight(self.first_day)

    @property
    def end(self) -> datetime:
        return _midnight(self.last_day + timedelta(days=1))

    @property
    def is_calendar_year(self) -> bool:
        return self.first_day == date(self.year, 1, 1) and self.last_day == date(self.year, 12, 31)

    @property
    def previous_first_day(self) -> date:
        months = _whole_months(self.first_day, self.last_day)
        if months:
            return _months_before(self.first_day, months)
        return self.first_day - (self.last_day - self.first_day) - timedelta(days=1)

    @property
    def previous_last_day(self) -> date:
        return self.first_day - timedelta(days=1)

    @property
    def previous_start(self) -> datetime:
        return _midnight(self.previous_first_day)

    @property
    def funding_years(self) -> tuple[int, ...]:
        """Funding lines are recorded by year: those of the years the period touches."""
        return tuple(range(self.first_day.year, self.last_day.year + 1))

    @property
    def previous_funding_years(self) -> tuple[int, ...]:
        years = range(self.previous_first_day.year, self.previous_last_day.year + 1)
        return tuple(year for year in years if year not in self.funding_years)

    @property
    def label(self) -> str:
        if self.is_calendar_year:
            return str(self.year)
        return f"{self.first_day.isoformat()}–{self.last_day.isoformat()}"

    @property
    def previous_label(self) -> str:
        if self.is_calendar_year:
            return str(self.year - 1)
        return f"{self.previous_first_day.isoformat()}–{self.previous_last_day.isoformat()}"

    def requests(self, queryset: QuerySet, prefix: str = "") -> QuerySet:
        """``queryset`` (of requests, or of rows reaching them through ``prefix``) limited to
        the period's regional office, if it has one."""
        if self.regional_office is None:
            return queryset
        return queryset.filter(**{f"{prefix}regional_office_id": self.regional_office})

    def activities(self, queryset: QuerySet, prefix: str = "") -> QuerySet:
        """``queryset`` (of activities, or of rows reaching them) limited to the activities of
        the period's regional office (an activity may belong to several offices)."""
        if self.regional_office is None:
            return queryset
        return queryset.filter(**{f"{prefix}regional_offices": self.regional_office})


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _whole_months(first_day: date, last_day: date) -> int:
    """How many whole months from ``first_day`` to ``last_day``; 0 if not whole months."""
    after = last_day + timedelta(days=1)
    if first_day.day != 1 or after.day != 1:
        return 0
    return (after.year - first_day.year) * 12 + after.month - first_day.month


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


# --- Helpers --------------------------------------------------------------------------------


class PercentileCont(Aggregate):
    """PostgreSQL's ``percentile_cont(f) WITHIN GROUP (ORDER BY x)``: linear interpolation."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("a percentile is a fraction from 0 to 1")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def money(value) -> str:
    """A sum of money as JSON: a string with two decimals, exact."""
    return str((value or Decimal(0)).quantize(Decimal("0.01")))


def days(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 86400, 6)


def _label(row: dict, prefix: str = "") -> str:
    if row[f"{prefix}name"] is None:
        # Requests of forums and UN bodies have no country: grouped by country, they are one
        # row (section 9 counts them by forum).
        return str(FORUMS_ROW)
    return localized_value(row, f"{prefix}name")


def _asker_label(row: dict, prefix: str = "") -> str:
    """The country a request came from, or the forum (``prefix``: the request's, with its
    ``country__`` and ``forum__`` names read)."""
    if row[f"{prefix}country__name"] is None:
        return localized_value(row, f"{prefix}forum__name")
    return _label(row, f"{prefix}country__")


class References:
    """The coded reference lists, each read once, with labels in the active language."""

    def __init__(self, office: str | None = None):
        def load(model):
            return {
                row["code"]: {"code": row["code"], "label": _label(row)}
                for row in model.objects.order_by("sort_order", "code").values(
                    "code", *name_columns()
                )
            }

        self.offices = load(RegionalOffice)
        if office is not None:  # one office's report: its row only
            self.offices = {code: item for code, item in self.offices.items() if code == office}
        self.divisions = load(Division)
        self.themes = load(ThematicArea)
        self.issues = load(CrossCuttingIssue)
        self.meas = load(MEA)
        self.support_types = load(SupportType)
        self.source_kinds = load(FundingSourceKind)
        self.subprogrammes = load(Subprogramme)

    @staticmethod
    def choices(choices) -> dict:
        return {value: {"code": value, "label": str(label)} for value, label in choices}


def _by(rows, key: str) -> dict:
    return {row[key]: row for row in rows}


def _cohort(period: Period, start: datetime, end: datetime) -> QuerySet[Request]:
    """Requests received (submitted) in ``[start, end)``, of the period's office if it has one;
    drafts have no submission date."""
    return period.requests(Request.objects.filter(submitted_at__gte=start, submitted_at__lt=end))


def _received_rows(period: Period, queryset: QuerySet, start: datetime) -> QuerySet:
    """Rows of a table reaching requests (``request__``) received from ``start`` to the end of
    the period, of the period's office."""
    return period.requests(
        queryset.filter(request__submitted_at__gte=start, request__submitted_at__lt=period.end),
        "request__",
    )


def _completed_requests(period: Period) -> QuerySet[Request]:
    return period.requests(
        Request.objects.filter(completed_at__gte=period.start, completed_at__lt=period.end)
    )


def _activities_completed(period: Period) -> QuerySet[Activity]:
    return period.activities(
        Activity.objects.annotate(ended=Coalesce("actual_end", "planned_end")).filter(
            status=ActivityStatus.COMPLETED,
            ended__gte=period.first_day,
            ended__lte=period.last_day,
        )
    )


def _answers_a_completed_request(period: Period) -> Exists:
    """The activity answers a request completed in the year (its results are the request's)."""
    return Exists(
        period.requests(
            Request.activities.through.objects.filter(
                activity_id=OuterRef("pk"),
                request__completed_at__gte=period.start,
                request__completed_at__lt=period.end,
            ),
            "request__",
        )
    )


def _funding_lines(years: tuple[int, ...], period: Period | None = None) -> QuerySet[FundingLine]:
    """Funding lines of these years, each with its value in US dollars (``value_usd``) when known.

    A line without a year counts in the year its activity started. Its dollar value is the
    recorded equivalent, or the amount itself for a line in dollars; otherwise unknown (the
    report shows those lines apart, in their currency, rather than guess a rate).
    """
    lines = FundingLine.objects.annotate(
        funding_year=Coalesce(
            "year",
            ExtractYear(Coalesce("activity__actual_start", "activity__planned_start")),
            output_field=IntegerField(),
        ),
        value_usd=Coalesce(
            "amount_usd",
            Case(When(currency="USD", then=F("amount"))),
            output_field=DecimalField(max_digits=16, decimal_places=2),
        ),
    ).filter(funding_year__in=years)
    return lines if period is None else period.activities(lines, "activity__")


def _through(relation) -> tuple[type, str]:
    """The through model of a many-to-many field of Request, and its column to the target."""
    through = relation.through
    column = next(
        field.attname
        for field in through._meta.get_fields()
        if getattr(field, "related_model", None) is relation.field.related_model
    )
    return through, column


def _overdue(period: Period, prefix: str = "") -> Q:
    """Past the due date of the step the request waits for (as ``requests_app.sla.overdue_q``)."""
    return Q(**{f"{prefix}state__in": CLOCKED_STATES, f"{prefix}due_at__lt": period.as_of})


def _gap_counts(period: Period, prefix: str = "") -> dict:
    """The counts of the gaps tables that need no look-up in the registry.

    Demand without a response is: declined or overdue (``answered_no``); or never taken up by a
    division nor referred to a partner (``untaken``), with no registry activity answering it. A
    request the country withdrew is no gap, nor one referred to a better-placed partner, who
    follows it up (issue 19; ``referrals`` counts what came of them). Whether an activity
    answers a request is counted by ``_answered_counts``, and the two are combined by
    ``_gap_row``.
    """
    withdrawn = Q(**{f"{prefix}state": State.WITHDRAWN})
    referred = Q(**{f"{prefix}state": State.REFERRED})
    answered_no = ~withdrawn & (Q(**{f"{prefix}state": State.DECLINED}) | _overdue(period, prefix))
    untaken = ~withdrawn & ~referred & ~answered_no & Q(**{f"{prefix}accepted_at__isnull": True})
    return {
        "count": Count("pk"),
        "withdrawn": Count("pk", filter=withdrawn),
        "declined": Count("pk", filter=Q(**{f"{prefix}state": State.DECLINED})),
        "referred": Count("pk", filter=referred),
        "overdue": Count("pk", filter=_overdue(period, prefix)),
        "answered_no": Count("pk", filter=answered_no),
        "untaken": Count("pk", filter=untaken),
    }


def _answered_counts(gap_counts: dict) -> dict:
    """Counted over the rows a registry activity answers: how many, and how many of those were
    never taken up by a division (which the activity's answer takes out of the gaps)."""
    return {"answered": Count("pk"), "untaken_answered": gap_counts["untaken"]}


def _gap_row(counts: dict, answered: dict | None) -> dict:
    """One row of a gaps table from the two grouped queries: the rows no activity answers are
    the others, and an untaken request an activity answers has had a response."""
    answered = answered or {"answered": 0, "untaken_answered": 0}
    return {
        "count": counts["count"],
        "withdrawn": counts["withdrawn"],
        "declined": counts["declined"],
        "referred": counts["referred"],
        "overdue": counts["overdue"],
        "unmatched": counts["count"] - answered["answered"],
        "without_response": (
            counts["answered_no"] + counts["untaken"] - answered["untaken_answered"]
        ),
    }


# --- 1. Requests received -------------------------------------------------------------------


def received(period: Period, refs: References) -> dict:
    both_years = _cohort(period, period.previous_start, period.end)
    current = Q(submitted_at__gte=period.start)
    previous = Q(submitted_at__lt=period.start)
    counts = {
        "current": Count("pk", filter=current),
        "previous": Count("pk", filter=previous),
    }
    total = both_years.aggregate(**counts)
    offices = _by(
        both_years.values("regional_office_id").annotate(**counts).order_by(), "regional_office_id"
    )
    countries = (
        both_years.values("country_id", *name_columns("country__name"))
        .annotate(**counts)
        .order_by("-current", "-previous", "country__name")
    )

    def through_counts(relation, reference: dict) -> list[dict]:
        through, column = _through(relation)
        rows = _by(
            _received_rows(period, through.objects.all(), period.previous_start)
            .values(column)
            .annotate(
                current=Count("pk", filter=Q(request__submitted_at__gte=period.start)),
                previous=Count("pk", filter=Q(request__submitted_at__lt=period.start)),
            )
            .order_by(),
            column,
        )
        return [
            {
                **item,
                "current": rows.get(code, {}).get("current", 0),
                "previous": rows.get(code, {}).get("previous", 0),
            }
            for code, item in reference.items()
        ]

    return {
        "total": {"current": total["current"], "previous": total["previous"]},
        "by_office": [
            {
                **office,
                "current": offices.get(code, {}).get("current", 0),
                "previous": offices.get(code, {}).get("previous", 0),
            }
            for code, office in refs.offices.items()
        ],
        "by_country": [
            {
                "code": row["country_id"],
                "label": _label(row, "country__"),
                "current": row["current"],
                "previous": row["previous"],
            }
            for row in countries
        ],
        "by_theme": through_counts(Request.thematic_areas, refs.themes),
        "by_issue": through_counts(Request.cross_cutting_issues, refs.issues),
        "by_support_type": through_counts(Request.support_types, refs.support_types),
        "by_mea": through_counts(Request.meas, refs.meas),
    }


# --- 2. How requests were handled -----------------------------------------------------------

# (clock, when the step was done) — elapsed time is counted from submission.
ELAPSED = (
    ("acknowledge", "acknowledged_at"),
    ("decision", "decided_at"),
    ("completion", "completed_at"),
)
FRACTIONS = {"median": 0.5, "p90": 0.9}


def _percentile_by_slicing(queryset, expression, count: int, fraction: float):
    """``percentile_cont`` without the database's help: read only the one or two values around
    the position in the ordered list (an ``OFFSET``/``LIMIT`` slice), never every row."""
    position = fraction * (count - 1)
    low, high = floor(position), ceil(position)
    values = list(
        queryset.annotate(elapsed=expression)
        .order_by("elapsed", "pk")
        .values_list("elapsed", flat=True)[low : high + 1]
    )
    if not values:
        return None
    return values[0] + (values[-1] - values[0]) * (position - low)


def _elapsed_percentiles(cohort: QuerySet[Request]) -> list[dict]:
    def elapsed(field):
        return F(field) - F("submitted_at")

    def done(field):
        return Q(**{f"{field}__isnull": False})

    counts = {f"{key}_n": Count("pk", filter=done(field)) for key, field in ELAPSED}
    if connection.vendor == "postgresql":
        percentiles = {
            f"{key}_{name}": PercentileCont(
                elapsed(field), fraction, filter=done(field), output_field=DurationField()
            )
            for key, field in ELAPSED
            for name, fraction in FRACTIONS.items()
        }
        figures = cohort.aggregate(**counts, **percentiles)
    else:
        figures = cohort.aggregate(**counts)
        for key, field in ELAPSED:
            count = figures[f"{key}_n"]
            for name, fraction in FRACTIONS.items():
                figures[f"{key}_{name}"] = (
                    _percentile_by_slicing(
                        cohort.filter(done(field)), elapsed(field), count, fraction
                    )
                    if count
                    else None
                )
    return [
        {
            "code": key,
            "count": figures[f"{key}_n"],
            "median_days": days(figures[f"{key}_median"]),
            "p90_days": days(figures[f"{key}_p90"]),
        }
        for key, _field in ELAPSED
    ]


def _clock(prefix: str, done_field: str, due_field: str, waiting_state: str, period: Period):
    """Steps of one service-level clock: done on time, done late, and overdue (still waiting
    past the due date at ``as_of``)."""
    return {
        f"{prefix}_met": Count(
            "pk", filter=Q(**{f"{done_field}__isnull": False, f"{done_field}__lte": F(due_field)})
        ),
        f"{prefix}_late": Count("pk", filter=Q(**{f"{done_field}__gt": F(due_field)})),
        f"{prefix}_overdue": Count(
            "pk",
            filter=Q(
                state=waiting_state,
                **{f"{done_field}__isnull": True, f"{due_field}__lt": period.as_of},
            ),
        ),
    }


def handling(period: Period, refs: References) -> dict:
    cohort = _cohort(period, period.start, period.end)
    outcomes = cohort.aggregate(
        received=Count("pk"),
        routed=Count("pk", filter=Q(routed_at__isnull=False)),
        declined=Count("pk", filter=Q(state=State.DECLINED)),
        referred=Count("pk", filter=Q(state=State.REFERRED)),
        withdrawn=Count("pk", filter=Q(state=State.WITHDRAWN)),
        completed=Count("pk", filter=Q(state__in=(State.COMPLETED, State.CLOSED))),
        open=Count("pk", filter=Q(state__in=OPEN_STATES)),
    )
    reasons = _by(
        cohort.filter(state=State.DECLINED)
        .values("decline_reason")
        .annotate(count=Count("pk"))
        .order_by(),
        "decline_reason",
    )
    office_clocks = {
        **_clock("ack", "acknowledged_at", "acknowledge_due_at", State.SUBMITTED, period),
        **_clock("decision", "decided_at", "decision_due_at", State.UNDER_REVIEW, period),
    }
    offices = _by(
        cohort.values("regional_office_id").annotate(**office_clocks).order_by(),
        "regional_office_id",
    )
    division_clock = _clock("accept", "accepted_at", "acceptance_due_at", State.ROUTED, period)
    divisions = _by(
        cohort.filter(lead_division__isnull=False)
        .values("lead_division_id")
        .annotate(**division_clock)
        .order_by(),
        "lead_division_id",
    )
    reason_labels = refs.choices(DeclineReason.choices)
    levels = ServiceLevel.current()
    return {
        "service_levels": {
            "acknowledge_days": levels.acknowledge_days,
            "decision_days": levels.decision_days,
            "acceptance_days": levels.acceptance_days,
        },
        "outcomes": outcomes,
        "declined_by_reason": [
            {**label, "count": reasons.get(code, {}).get("count", 0)}
            for code, label in reason_labels.items()
        ],
        "elapsed": _elapsed_percentiles(cohort),
        "sla_by_office": [
            {**office, **{key: offices.get(code, {}).get(key, 0) for key in office_clocks}}
            for code, office in refs.offices.items()
        ],
        "sla_by_division": [
            {**division, **{key: divisions.get(code, {}).get(key, 0) for key in division_clock}}
            for code, division in refs.divisions.items()
        ],
    }


# --- 3. Measurable results ------------------------------------------------------------------

GENDERS = ("female", "male", "other")


def _trained(prefix: str = "", **extra) -> dict:
    sums = {
        gender: Sum(f"{prefix}people_trained_{gender}", default=0, **extra) for gender in GENDERS
    }
    sums["institutions"] = Sum(f"{prefix}institutions_supported", default=0, **extra)
    return sums


def results(period: Period, refs: References) -> dict:
    completed = _completed_requests(period)
    requests = completed.aggregate(
        count=Count("pk"),
        outputs=Count("pk", filter=~Q(outputs="")),
        **_trained(),
    )
    done = _activities_completed(period)
    separate = ~_answers_a_completed_request(period)
    activities = done.aggregate(
        completed=Count("pk"),
        count=Count("pk", filter=separate),
        outputs=Count("pk", filter=Q(separate) & ~Q(outputs="")),
        **_trained(filter=separate),
    )
    # Uncorrelated ``IN`` lists, which PostgreSQL reads once into a hash, rather than an
    # ``EXISTS`` per country (an index probe per country until its first completed request).
    countries = Country.objects.filter(
        Q(pk__in=completed.values("country_id"))
        | Q(
            pk__in=ActivityCountry.objects.filter(activity_id__in=done.values("pk")).values(
                "country_id"
            )
        )
    ).count()
    offices = _by(
        completed.values("regional_office_id").annotate(count=Count("pk"), **_trained()).order_by(),
        "regional_office_id",
    )
    outputs = (
        completed.exclude(outputs="")
        .order_by("-completed_at", "-pk")
        .values("reference", "outputs", *ASKER_NAMES)[:OUTPUTS]
    )
    empty = {"count": 0, **dict.fromkeys((*GENDERS, "institutions"), 0)}
    return {
        "requests": requests,
        "activities": activities,
        "countries_reached": countries,
        "by_office": [
            {**office, **{key: offices.get(code, empty)[key] for key in empty}}
            for code, office in refs.offices.items()
        ],
        "outputs": [
            {
                "reference": row["reference"],
                "country": _asker_label(row),
                "text": row["outputs"],
            }
            for row in outputs
        ],
    }


# --- 4. Resources mobilized and costs -------------------------------------------------------


def resources(period: Period, refs: References) -> dict:
    current = Q(funding_year__in=period.funding_years)
    previous = Q(funding_year__in=period.previous_funding_years)
    both_years = _funding_lines(period.funding_years + period.previous_funding_years, period)
    totals = both_years.aggregate(
        current=Sum("value_usd", filter=current, default=Decimal(0)),
        previous=Sum("value_usd", filter=previous, default=Decimal(0)),
        lines=Count("pk", filter=current),
    )
    lines = _funding_lines(period.funding_years, period)
    sums = {
        "lines": Count("pk"),
        "usd": Sum("value_usd", default=Decimal(0)),
        "unconverted": Count("pk", filter=Q(value_usd__isnull=True)),
    }
    kinds = _by(lines.values("source_kind_id").annotate(**sums).order_by(), "source_kind_id")
    funders = (
        lines.values("funder_id", "funder__name", "funder__name_zh", "funder__acronym")
        .annotate(**sums)
        .order_by("-usd", "funder__name")
    )
    divisions = _by(
        lines.values("activity__lead_division_id").annotate(**sums).order_by(),
        "activity__lead_division_id",
    )
    unconverted = (
        lines.filter(value_usd__isnull=True)
        .values("currency")
        .annotate(lines=Count("pk"), amount=Sum("amount"))
        .order_by("currency")
    )
    costs = _by(
        _completed_requests(period)
        .filter(lead_division__isnull=False)
        .values("lead_division_id")
        .annotate(
            count=Count("pk"),
            reported=Count("pk", filter=Q(cost_usd__isnull=False)),
            cost=Sum("cost_usd", default=Decimal(0)),
        )
        .order_by(),
        "lead_division_id",
    )

    def funding_row(item, row):
        row = row or {"lines": 0, "usd": Decimal(0), "unconverted": 0}
        return {
            **item,
            "lines": row["lines"],
            "usd": money(row["usd"]),
            "unconverted": row["unconverted"],
        }

    return {
        "total": {
            "current": money(totals["current"]),
            "previous": money(totals["previous"]),
            "lines": totals["lines"],
        },
        "by_source_kind": [
            funding_row(kind, kinds.get(code)) for code, kind in refs.source_kinds.items()
        ],
        "by_funder": [
            funding_row(
                {
                    "code": row["funder__acronym"] or "",
                    "label": localized(row["funder__name"], row["funder__name_zh"]),
                },
                row,
            )
            for row in funders
        ],
        "by_division": [
            funding_row(division, divisions.get(code)) for code, division in refs.divisions.items()
        ],
        "unconverted": [
            {"currency": row["currency"], "lines": row["lines"], "amount": money(row["amount"])}
            for row in unconverted
        ],
        "division_costs": [
            {
                **division,
                "count": costs.get(code, {}).get("count", 0),
                "reported": costs.get(code, {}).get("reported", 0),
                "cost": money(costs.get(code, {}).get("cost")),
            }
            for code, division in refs.divisions.items()
        ],
    }


# --- 5. Needs, priorities and gaps ----------------------------------------------------------


def _top(pairs: list[tuple[int, int, str]], reference: dict) -> list[str]:
    """The most requested themes: by count, then in the plan's order."""
    return [reference[code]["label"] for _n, _order, code in sorted(pairs)[:TOP_THEMES]]


def needs(period: Period, refs: References) -> dict:
    cohort = _cohort(period, period.start, period.end)
    through, column = _through(Request.thematic_areas)
    theme_rows = _received_rows(period, through.objects.all(), period.start)
    order = {code: index for index, code in enumerate(refs.themes)}

    def theme_pairs(group: str) -> dict:
        pairs: dict = {}
        for row in (
            theme_rows.values(group, column).annotate(count=Count("pk")).order_by()
        ):  # one row per (group, theme): bounded by the reference lists, not by the requests
            pairs.setdefault(row[group], []).append(
                (-row["count"], order[row[column]], row[column])
            )
        return pairs

    office_themes = theme_pairs("request__regional_office_id")
    country_themes = theme_pairs("request__country_id")
    office_counts = _by(
        cohort.values("regional_office_id").annotate(count=Count("pk")).order_by(),
        "regional_office_id",
    )

    # A registry activity under way or done, in the request's country, on one of its themes.
    # Counted with the activity as a filter (a semi-join the database runs once for all rows),
    # not as a condition inside each count (a look-up per request).
    matched_request = Exists(
        ActivityCountry.objects.filter(
            country_id=OuterRef("country_id"),
            activity__status__in=RESPONDING_STATUSES,
            activity__thematic_areas__requests=OuterRef("pk"),
        )
    )
    gap_counts = _gap_counts(period)
    countries = (
        cohort.values("country_id", *name_columns("country__name"))
        .annotate(**gap_counts)
        .order_by("-count", "country__name")
    )
    answered_countries = _by(
        cohort.filter(matched_request)
        .values("country_id")
        .annotate(**_answered_counts(gap_counts))
        .order_by(),
        "country_id",
    )
    # The same, per theme: an activity on *that* theme in the request's country.
    matched_theme = Exists(
        ActivityCountry.objects.filter(
            country_id=OuterRef("request__country_id"),
            activity__status__in=RESPONDING_STATUSES,
            activity__thematic_areas=OuterRef(column),
        )
    )
    theme_counts = _gap_counts(period, "request__")
    themes = _by(theme_rows.values(column).annotate(**theme_counts).order_by(), column)
    answered_themes = _by(
        theme_rows.filter(matched_theme)
        .values(column)
        .annotate(**_answered_counts(theme_counts))
        .order_by(),
        column,
    )
    return {
        "by_office": [
            {
                **office,
                "count": office_counts.get(code, {}).get("count", 0),
                "top_themes": _top(office_themes.get(code, []), refs.themes),
            }
            for code, office in refs.offices.items()
        ],
        "by_country": [
            {
                "code": row["country_id"],
                "label": _label(row, "country__"),
                "top_themes": _top(country_themes.get(row["country_id"], []), refs.themes),
                **_gap_row(row, answered_countries.get(row["country_id"])),
            }
            for row in countries
        ],
        "gaps_by_theme": [
            {**theme, **_gap_row(themes[code], answered_themes.get(code))}
            for code, theme in refs.themes.items()
            if code in themes
        ],
    }


# --- 6. Recipient governments' assessments --------------------------------------------------


def assessments(period: Period, refs: References) -> dict:
    # The assessments made on completion (follow-ups months later: ``follow_ups``).
    evaluations = period.requests(
        Evaluation.objects.filter(
            kind=EvaluationKind.ON_COMPLETION,
            evaluated_at__gte=period.start,
            evaluated_at__lt=period.end,
        ),
        "request__",
    )
    figures = {
        "count": Count("pk"),
        "rating_sum": Sum("rating", default=0),
        "average": Avg("rating", output_field=FloatField()),
        "retained": Count("pk", filter=Q(capacity_retained=True)),
        "not_retained": Count("pk", filter=Q(capacity_retained=False)),
    }
    overall = evaluations.aggregate(**figures)
    ratings = _by(evaluations.values("rating").annotate(count=Count("pk")).order_by(), "rating")
    scopes = _by(
        evaluations.values("request__scope").annotate(**figures).order_by(), "request__scope"
    )
    offices = _by(
        evaluations.values("request__regional_office_id").annotate(**figures).order_by(),
        "request__regional_office_id",
    )
    quotes = (
        evaluations.exclude(comments="")
        .order_by("-evaluated_at", "-pk")
        .values(
            "comments",
            "rating",
            "request__reference",
            *(f"request__{name}" for name in ASKER_NAMES),
        )[:QUOTES]
    )
    empty = {"count": 0, "rating_sum": 0, "average": None, "retained": 0, "not_retained": 0}

    def row(item, values):
        values = values or empty
        return {**item, **{key: values[key] for key in empty}}

    return {
        "overall": row({}, overall),
        "by_rating": [
            {"code": rating, "count": ratings.get(rating, {}).get("count", 0)}
            for rating in range(1, 6)
        ],
        "by_scope": [
            row(scope, scopes.get(code)) for code, scope in refs.choices(Scope.choices).items()
        ],
        "by_office": [row(office, offices.get(code)) for code, office in refs.offices.items()],
        "quotes": [
            {
                "text": quote["comments"],
                "rating": quote["rating"],
                "reference": quote["request__reference"],
                "country": _asker_label(quote, "request__"),
            }
            for quote in quotes
        ],
    }


# --- 7. South-South and triangular cooperation, and gender ----------------------------------


def cooperation(period: Period, refs: References) -> dict:
    cohort = _cohort(period, period.start, period.end)
    interest = _by(
        cohort.values("south_south_interest").annotate(count=Count("pk")).order_by(),
        "south_south_interest",
    )
    through, column = _through(Request.cross_cutting_issues)
    gender = cohort.aggregate(
        received=Count("pk"),
        considerations=Count("pk", filter=~Q(gender_considerations="")),
        gender_issue=Count(
            "pk",
            filter=Exists(
                through.objects.filter(request_id=OuterRef("pk"), **{column: GENDER_ISSUE})
            ),
        ),
    )
    active = period.activities(
        Activity.objects.annotate(
            began=Coalesce("actual_start", "planned_start"),
            ended=Coalesce("actual_end", "planned_end"),
        )
        .filter(status__in=RESPONDING_STATUSES, began__lte=period.last_day)
        .filter(Q(ended__isnull=True) | Q(ended__gte=period.first_day))
    )
    active_by_modality = _by(
        active.values("modality").annotate(count=Count("pk")).order_by(), "modality"
    )
    trained = _by(
        _activities_completed(period)
        .values("modality")
        .annotate(completed=Count("pk"), **_trained())
        .order_by(),
        "modality",
    )
    funding = _by(
        _funding_lines(period.funding_years, period)
        .values("activity__modality")
        .annotate(usd=Sum("value_usd", default=Decimal(0)), lines=Count("pk"))
        .order_by(),
        "activity__modality",
    )
    empty = {"completed": 0, "institutions": 0, **dict.fromkeys(GENDERS, 0)}
    return {
        "interest": [
            {**item, "count": interest.get(code, {}).get("count", 0)}
            for code, item in refs.choices(SouthSouthInterest.choices).items()
        ],
        "by_modality": [
            {
                **item,
                "active": active_by_modality.get(code, {}).get("count", 0),
                **{key: trained.get(code, empty)[key] for key in empty},
                "usd": money(funding.get(code, {}).get("usd")),
                "lines": funding.get(code, {}).get("lines", 0),
            }
            for code, item in refs.choices(Modality.choices).items()
        ],
        "gender": gender,
    }


# --- 8. Lessons learned ---------------------------------------------------------------------


def lessons(period: Period, refs: References) -> dict:
    completed = _completed_requests(period).exclude(lessons="")
    narratives = _activities_completed(period).exclude(results_narrative="")
    counts = {
        "requests": completed.count(),
        "activities": narratives.count(),
    }
    from_requests = completed.order_by("-completed_at", "-pk").values(
        "reference", "lessons", "lead_division_id", *ASKER_NAMES
    )[:LESSONS]
    from_activities = narratives.order_by("-ended", "-pk").values(
        "identifier", "title", "title_zh", "results_narrative"
    )[:NARRATIVES]
    return {
        "counts": counts,
        "from_requests": [
            {
                "reference": row["reference"],
                "country": _asker_label(row),
                "division": row["lead_division_id"] or "",
                "text": row["lessons"],
            }
            for row in from_requests
        ],
        "from_activities": [
            {
                "identifier": row["identifier"],
                "title": localized(row["title"], row["title_zh"]),
                "text": row["results_narrative"],
            }
            for row in from_activities
        ],
    }


# --- 9. Who asked: countries, forums and UN bodies (issue 16) --------------------------------


def requesters(period: Period, refs: References) -> dict:
    """Requests by who asked (a country's focal point, or a forum, UN body or MEA secretariat:
    plan §8, §14-15, §30), forums' requests by regional office and by forum, and the themes the
    forums state as their region's priorities beside the year's requests on each."""
    both_years = _cohort(period, period.previous_start, period.end)
    counts = {
        "current": Count("pk", filter=Q(submitted_at__gte=period.start)),
        "previous": Count("pk", filter=Q(submitted_at__lt=period.start)),
    }
    kinds = _by(both_years.values("requester").annotate(**counts).order_by(), "requester")
    of_forums = both_years.filter(requester=Requester.FORUM)
    offices = _by(
        of_forums.values("regional_office_id").annotate(**counts).order_by(), "regional_office_id"
    )
    forums = (
        of_forums.values("forum_id", *name_columns("forum__name"))
        .annotate(**counts)
        .order_by("-current", "-previous", "forum__name")
    )
    # The priorities as the forums state them at ``as_of`` (a forum restates them at will).
    stated = _by(
        period.requests(Forum.priorities.through.objects.filter(forum__is_active=True), "forum__")
        .values("thematicarea_id")
        .annotate(forums=Count("forum_id"))
        .order_by(),
        "thematicarea_id",
    )
    through, column = _through(Request.thematic_areas)
    asked = _by(
        _received_rows(period, through.objects.all(), period.start)
        .values(column)
        .annotate(count=Count("pk"))
        .order_by(),
        column,
    )

    def row(item, figures):
        figures = figures or {}
        return {
            **item,
            "current": figures.get("current", 0),
            "previous": figures.get("previous", 0),
        }

    return {
        "by_kind": [
            row(kind, kinds.get(code)) for code, kind in refs.choices(Requester.choices).items()
        ],
        "forums_by_office": [
            row(office, offices.get(code)) for code, office in refs.offices.items()
        ],
        "by_forum": [
            {
                "code": figures["forum_id"],
                "label": localized_value(figures, "forum__name"),
                "current": figures["current"],
                "previous": figures["previous"],
            }
            for figures in forums
        ],
        "priorities": [
            {
                **theme,
                "forums": stated[code]["forums"],
                "requests": asked.get(code, {}).get("count", 0),
            }
            for code, theme in refs.themes.items()
            if code in stated
        ],
    }


# --- 10. Referrals to partners --------------------------------------------------------------

# A referral's figures by where it stands: awaiting an answer, declined, accepted (under way),
# and completed with each outcome.
REFERRAL_FIGURES = {
    "awaiting": Q(status=ReferralStatus.SENT),
    "declined": Q(status=ReferralStatus.DECLINED),
    "accepted": Q(status=ReferralStatus.ACCEPTED),
    **{
        outcome: Q(status=ReferralStatus.COMPLETED, outcome=outcome)
        for outcome in ReferralOutcome.values
    },
}


def referrals(period: Period, refs: References) -> dict:
    """The referrals made in the year (plan §16-17, §26), by organization and by where each
    stands at ``as_of``: awaiting the partner's answer, declined, accepted, or completed with
    its outcome. One grouped query."""
    made = period.requests(
        Referral.objects.filter(sent_at__gte=period.start, sent_at__lt=period.end), "request__"
    )
    figures = {
        "count": Count("pk"),
        **{key: Count("pk", filter=condition) for key, condition in REFERRAL_FIGURES.items()},
    }
    rows = (
        made.values(
            "organization_id",
            "organization__name",
            "organization__name_zh",
            "organization__acronym",
        )
        .annotate(**figures)
        .order_by("-count", "organization__name")
    )
    by_organization = [
        {
            "id": row["organization_id"],
            "acronym": row["organization__acronym"],
            "label": _label(row, "organization__"),
            **{key: row[key] for key in figures},
        }
        for row in rows
    ]
    return {
        "by_organization": by_organization,
        "total": {key: sum(row[key] for row in by_organization) for key in figures},
        "outcomes": [
            {"code": code, "label": str(label)} for code, label in ReferralOutcome.choices
        ],
    }


# --- 11. Resources needed and available (plan §32; issue 18) ---------------------------------


def _needed_and_available(needed: dict, funded: dict, item: dict, key) -> dict:
    asked = needed.get(key, {})
    found = funded.get(key, {})
    return {
        **item,
        "requests": asked.get("requests", 0),
        "budgeted": asked.get("budgeted", 0),
        "needed": money(asked.get("needed")),
        "lines": found.get("lines", 0),
        "available": money(found.get("usd")),
    }


def needed_vs_available(period: Period, refs: References) -> dict:
    """The estimated budgets of the requests received in the period (what is needed) against
    the funding recorded in the registry for the period's years (what is available), by
    regional office and by theme; and the funding by regional office against the previous
    period. A request on several themes counts under each, as a line of an activity of several
    offices or themes does."""
    cohort = _cohort(period, period.start, period.end)
    asked = {
        "requests": Count("pk"),
        "budgeted": Count("pk", filter=Q(estimated_budget_usd__isnull=False)),
        "needed": Sum("estimated_budget_usd", default=Decimal(0)),
    }
    total_needed = cohort.aggregate(**asked)
    offices_needed = _by(
        cohort.values("regional_office_id").annotate(**asked).order_by(), "regional_office_id"
    )
    through, column = _through(Request.thematic_areas)
    asked_rows = {
        "requests": Count("pk"),
        "budgeted": Count("pk", filter=Q(request__estimated_budget_usd__isnull=False)),
        "needed": Sum("request__estimated_budget_usd", default=Decimal(0)),
    }
    themes_needed = _by(
        _received_rows(period, through.objects.all(), period.start)
        .values(column)
        .annotate(**asked_rows)
        .order_by(),
        column,
    )
    lines = _funding_lines(period.funding_years, period)
    funded = {"lines": Count("pk"), "usd": Sum("value_usd", default=Decimal(0))}
    total_funded = lines.aggregate(**funded)
    offices_funded = _by(
        lines.values("activity__regional_offices").annotate(**funded).order_by(),
        "activity__regional_offices",
    )
    themes_funded = _by(
        lines.values("activity__thematic_areas").annotate(**funded).order_by(),
        "activity__thematic_areas",
    )
    both = _funding_lines(period.funding_years + period.previous_funding_years, period)
    by_office_years = _by(
        both.values("activity__regional_offices")
        .annotate(
            current=Sum(
                "value_usd",
                filter=Q(funding_year__in=period.funding_years),
                default=Decimal(0),
            ),
            previous=Sum(
                "value_usd",
                filter=Q(funding_year__in=period.previous_funding_years),
                default=Decimal(0),
            ),
        )
        .order_by(),
        "activity__regional_offices",
    )
    return {
        "total": _needed_and_available(
            {None: total_needed}, {None: total_funded}, {"code": "", "label": ""}, None
        ),
        "by_office": [
            _needed_and_available(offices_needed, offices_funded, office, code)
            for code, office in refs.offices.items()
        ],
        "by_theme": [
            _needed_and_available(themes_needed, themes_funded, theme, code)
            for code, theme in refs.themes.items()
        ],
        "funding_by_office": [
            {
                **office,
                "current": money(by_office_years.get(code, {}).get("current")),
                "previous": money(by_office_years.get(code, {}).get("previous")),
            }
            for code, office in refs.offices.items()
        ],
    }


# --- 12. Division costs against the BSP allocations (plan §31(h)) ---------------------------


def division_allocations(period: Period, refs: References) -> dict:
    """Each division's costs of the requests it completed, in the period and in the biennium
    to the end of the period, against what its biennial programme of work allocates to the BSP
    (``DivisionAllocation``, the biennium holding the period's first day)."""
    first_year = biennium_of(period.first_day.year)
    allocations = _by(
        DivisionAllocation.objects.filter(first_year=first_year).values(
            "division_id", "amount_usd"
        ),
        "division_id",
    )
    biennium_start = datetime(first_year, 1, 1, tzinfo=UTC)
    completed = period.requests(
        Request.objects.filter(
            completed_at__gte=min(biennium_start, period.start),
            completed_at__lt=period.end,
            lead_division__isnull=False,
        )
    )
    in_period = Q(completed_at__gte=period.start)
    in_biennium = Q(completed_at__gte=biennium_start)
    costs = _by(
        completed.values("lead_division_id")
        .annotate(
            count=Count("pk", filter=in_period),
            cost=Sum("cost_usd", filter=in_period, default=Decimal(0)),
            biennium_cost=Sum("cost_usd", filter=in_biennium, default=Decimal(0)),
        )
        .order_by(),
        "lead_division_id",
    )
    rows = []
    for code, division in refs.divisions.items():
        figures = costs.get(code, {})
        allocation = allocations.get(code, {}).get("amount_usd")
        biennium_cost = figures.get("biennium_cost") or Decimal(0)
        rows.append(
            {
                **division,
                "count": figures.get("count", 0),
                "cost": money(figures.get("cost")),
                "biennium_cost": money(biennium_cost),
                "allocation": None if allocation is None else money(allocation),
                "used": float(biennium_cost / allocation) if allocation else None,
            }
        )
    return {"biennium": f"{first_year}-{first_year + 1}", "by_division": rows}


# --- 13. Outputs by kind, successes and shortcomings (plan §24(b), §31(h)) ------------------

SUCCESSES = 10


def outputs_by_kind(period: Period, refs: References) -> dict:
    """The outputs counted at completion by kind, for the requests completed in the period,
    by regional office; and what the divisions recorded as successes and shortcomings."""
    completed = _completed_requests(period)
    sums = {kind: Sum(kind, default=0) for kind in OUTPUT_KINDS}
    figures = {
        "count": Count("pk"),
        "reporting": Count("pk", filter=Q(laws_drafted__isnull=False)),
        **sums,
    }
    total = completed.aggregate(**figures)
    offices = _by(
        completed.values("regional_office_id").annotate(**figures).order_by(),
        "regional_office_id",
    )
    texts = completed.aggregate(
        successes=Count("pk", filter=~Q(successes="")),
        shortcomings=Count("pk", filter=~Q(shortcomings="")),
    )

    def recorded(field):
        return [
            {"reference": row["reference"], "country": _asker_label(row), "text": row[field]}
            for row in completed.exclude(**{field: ""})
            .order_by("-completed_at", "-pk")
            .values("reference", field, *ASKER_NAMES)[:SUCCESSES]
        ]

    empty = dict.fromkeys(figures, 0)
    return {
        "kinds": [
            {"code": kind, "label": str(Request._meta.get_field(kind).verbose_name)}
            for kind in OUTPUT_KINDS
        ],
        "total": total,
        "by_office": [
            {**office, **{key: offices.get(code, empty)[key] for key in figures}}
            for code, office in refs.offices.items()
        ],
        "counts": texts,
        "successes": recorded("successes"),
        "shortcomings": recorded("shortcomings"),
    }


# --- 14. Requests by requester and subprogramme ---------------------------------------------

NO_SUBPROGRAMME = ""


def requests_by_subprogramme(period: Period, refs: References) -> dict:
    """The requests received in the period by who asked (a country or a forum) and by the
    subprogramme of UNEP's programme of work of the registry activities answering them; a
    request answered by activities of two subprogrammes counts under each, one not (yet)
    answered by an activity under "no activity recorded"."""
    answers = Request.activities.through.objects
    rows = (
        _received_rows(period, answers.all(), period.start)
        .values("activity__subprogramme_id", "request__requester")
        .annotate(count=Count("request_id", distinct=True))
        .order_by()
    )
    cohort = _cohort(period, period.start, period.end)
    unanswered = _by(
        cohort.filter(~Exists(answers.filter(request_id=OuterRef("pk"))))
        .values("requester")
        .annotate(count=Count("pk"))
        .order_by(),
        "requester",
    )
    received_by_kind = _by(
        cohort.values("requester").annotate(count=Count("pk")).order_by(), "requester"
    )
    table: dict = {}
    for row in rows:
        code = row["activity__subprogramme_id"] or NO_SUBPROGRAMME
        table.setdefault(code, {})[row["request__requester"]] = row["count"]
    kinds = list(refs.choices(Requester.choices).values())

    def counts(found):
        return {kind["code"]: found.get(kind["code"], 0) for kind in kinds}

    return {
        "kinds": kinds,
        "received": counts({code: row["count"] for code, row in received_by_kind.items()}),
        "by_subprogramme": [
            {**item, **counts(table.get(code, {}))}
            for code, item in refs.subprogrammes.items()
            if code in table
        ]
        + (
            [{"code": "", "label": str(NO_SUBPROGRAMME_ROW), **counts(table[NO_SUBPROGRAMME])}]
            if NO_SUBPROGRAMME in table
            else []
        ),
        "unanswered": counts({code: row["count"] for code, row in unanswered.items()}),
    }


NO_SUBPROGRAMME_ROW = gettext_lazy("Activity without a subprogramme")


# --- 15. Follow-up assessments and the rating of the programme (plan §3(a)(v), §25) ---------

ASSESSMENT_ROWS = (
    ("on_completion", Q(kind=EvaluationKind.ON_COMPLETION)),
    ("follow_up_6", Q(kind=EvaluationKind.FOLLOW_UP, months_after=6)),
    ("follow_up_12", Q(kind=EvaluationKind.FOLLOW_UP, months_after=12)),
)


def follow_ups(period: Period, refs: References) -> dict:
    """Every assessment made in the period, on completion and 6 and 12 months after it: whether
    the capacity built was kept and is used, and the recipients' rating of UNEP's programme
    and of the staff trained (§25); and the invitations to follow up sent in the period."""
    evaluations = period.requests(
        Evaluation.objects.filter(evaluated_at__gte=period.start, evaluated_at__lt=period.end),
        "request__",
    )
    figures = {}
    for key, condition in ASSESSMENT_ROWS:
        figures.update(
            {
                f"{key}__count": Count("pk", filter=condition),
                f"{key}__retained": Count("pk", filter=condition & Q(capacity_retained=True)),
                f"{key}__not_retained": Count("pk", filter=condition & Q(capacity_retained=False)),
                f"{key}__used": Count("pk", filter=condition & Q(capacity_used=True)),
                f"{key}__not_used": Count("pk", filter=condition & Q(capacity_used=False)),
                f"{key}__rating": Avg("rating", filter=condition, output_field=FloatField()),
                f"{key}__programme": Avg(
                    "programme_rating", filter=condition, output_field=FloatField()
                ),
                f"{key}__staff": Avg("staff_rating", filter=condition, output_field=FloatField()),
            }
        )
    for score in range(1, 6):
        figures[f"programme_{score}"] = Count("pk", filter=Q(programme_rating=score))
        figures[f"staff_{score}"] = Count("pk", filter=Q(staff_rating=score))
    found = evaluations.aggregate(**figures)
    invitations = _by(
        period.requests(
            FollowUpInvitation.objects.filter(sent_at__gte=period.start, sent_at__lt=period.end),
            "request__",
        )
        .values("months_after")
        .annotate(count=Count("pk"))
        .order_by(),
        "months_after",
    )
    labels = {
        "on_completion": gettext_lazy("On completion"),
        "follow_up_6": gettext_lazy("6 months after completion"),
        "follow_up_12": gettext_lazy("12 months after completion"),
    }
    return {
        "by_kind": [
            {
                "code": key,
                "label": str(labels[key]),
                **{
                    name: found[f"{key}__{name}"]
                    for name in (
                        "count",
                        "retained",
                        "not_retained",
                        "used",
                        "not_used",
                        "rating",
                        "programme",
                        "staff",
                    )
                },
            }
            for key, _condition in ASSESSMENT_ROWS
        ],
        "ratings": [
            {
                "code": score,
                "programme": found[f"programme_{score}"],
                "staff": found[f"staff_{score}"],
            }
            for score in range(1, 6)
        ],
        "invitations": {
            str(months): invitations.get(months, {}).get("count", 0) for months in (6, 12)
        },
    }


# The sections, in the report's order: (key, function).
SECTIONS = (
    ("received", received),
    ("handling", handling),
    ("results", results),
    ("resources", resources),
    ("needs", needs),
    ("assessments", assessments),
    ("cooperation", cooperation),
    ("lessons", lessons),
    ("requesters", requesters),
    ("referrals", referrals),
    ("needed_vs_available", needed_vs_available),
    ("division_allocations", division_allocations),
    ("outputs_by_kind", outputs_by_kind),
    ("requests_by_subprogramme", requests_by_subprogramme),
    ("follow_ups", follow_ups),
)


@contextmanager
def _without_jit():
    """Run the figures' queries with PostgreSQL's JIT compilation off, then restore the setting.

    The grouped queries over a year scan a large table or count with correlated subqueries, so
    their cost estimates pass ``jit_above_cost`` by far and PostgreSQL compiles them to machine
    code first: 1 to 2 s per query at scale ``large`` (EXPLAIN ANALYZE: "JIT ... Total 2130 ms"
    for a query that runs in 0.9 s), which is half of the whole aggregation. Nothing here runs
    long enough to repay compiling. A session setting (not ``SET LOCAL``) so that the progress
    of a run stays visible while the figures are taken; a failed transaction reverts it itself.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit')")
        previous = cursor.fetchone()[0]
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('jit', %s, false)", [previous])
        except DatabaseError:  # the transaction failed: its rollback reverts the SET anyway
            pass


def compute_snapshot(
    year: int | None,
    as_of: datetime,
    on_section=None,
    *,
    first_day: date | None = None,
    last_day: date | None = None,
    regional_office: str | None = None,
) -> dict:
    """Every figure of the report for ``year`` (or the period ``first_day`` to ``last_day``),
    of one regional office or of all, as JSON data, in the active language.

    ``on_section(index, key)`` is called after each section (progress reporting).
    """
    period = Period(
        year=None if first_day else year,
        as_of=as_of,
        first_day=first_day,
        last_day=last_day,
        regional_office=regional_office or None,
    )
    snapshot = {
        "year": period.year,
        "previous_year": period.year - 1,
        "period_start": period.first_day.isoformat(),
        "period_end": period.last_day.isoformat(),
        "period_label": period.label,
        "previous_label": period.previous_label,
        "as_of": as_of.isoformat(),
    }
    with _without_jit():
        refs = References(period.regional_office)
        snapshot["regional_office"] = (
            refs.offices.get(period.regional_office) if period.regional_office else None
        )
        for index, (key, section) in enumerate(SECTIONS):
            snapshot[key] = section(period, refs)
            if on_section:
                on_section(index, key)
    return snapshot


def period_of(snapshot: dict) -> Period:
    """The period a snapshot covers (a snapshot taken before periods existed: its year)."""
    office = (snapshot.get("regional_office") or {}).get("code")
    as_of = datetime.fromisoformat(snapshot["as_of"])
    if "period_start" not in snapshot:
        return Period(year=snapshot["year"], as_of=as_of)
    return Period(
        as_of=as_of,
        first_day=date.fromisoformat(snapshot["period_start"]),
        last_day=date.fromisoformat(snapshot["period_end"]),
        regional_office=office,
    )
