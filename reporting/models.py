"""Runs of the Executive Director's annual report (plan §24(b), §29(c), §31(a, h), §32).

A run is the record of one report: which year, in which language, who asked, how far the work
has come, the figures (``snapshot``) and the three files. The figures are computed once and
kept, so a run always shows the same numbers however the data change afterwards; the files are
written under a temporary name and renamed when complete, so a half-written file is never
offered.
"""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Mod
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from bali_portal import bounds

FIRST_YEAR = 2005  # the plan was adopted in 2005 (UNEP/GC.23/6/Add.1)
LAST_YEAR = 2100


class ReportRunQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=[ReportRun.Status.QUEUED, ReportRun.Status.RUNNING])


class ReportRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Origin(models.TextChoices):
        PERSON = "person", _("Started by a person")
        SCHEDULE = "schedule", _("Started by the January schedule")
        COMMAND = "command", _("Started from the command line")

    # The year the period starts in (a year's run: that year). Kept for the file names and the
    # January schedule's one run per year.
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    # The period reported on, both days included: a calendar year, or any period (a half-year
    # for a briefing of the Committee of Permanent Representatives, plan §31(a)). Null only on
    # runs made before periods existed, which cover their ``year``.
    period_start = models.DateField(_("first day"), null=True, blank=True)
    period_end = models.DateField(_("last day"), null=True, blank=True)
    # One regional office's report (for a regional forum, plan §14, §30, §31(c)); empty: the world.
    regional_office = models.ForeignKey(
        "registry.RegionalOffice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_runs",
        verbose_name=_("regional office"),
    )
    # A code of settings.LANGUAGES, checked by the service (no choices here: the list of the
    # portal's languages grows without a migration of this table).
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    origin = models.CharField(
        _("started by"), max_length=20, choices=Origin.choices, default=Origin.PERSON
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_runs",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    # How many times a worker has started on it: 1 normally, more after a crash or a retry.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Until when the run may go without news of its producer: renewed at each step of the work
    # (and set when the run is queued, as the time a worker must have picked it up by). A run
    # whose lease has expired is retried by ``services.retry_abandoned_runs`` (Celery beat).
    lease_expires_at = models.DateTimeField(_("lease expires"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    snapshot = models.JSONField(_("figures"), null=True, blank=True, editable=False)
    pdf = models.FileField(_("PDF report"), max_length=300, blank=True, editable=False)
    xlsx = models.FileField(_("XLSX annex"), max_length=300, blank=True, editable=False)
    csv = models.FileField(_("CSV of headline figures"), max_length=300, blank=True, editable=False)

    objects = ReportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("annual report run")
        verbose_name_plural = _("annual report runs")
        indexes = [models.Index(fields=["status", "created_at"], name="report_run_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]),
                name="report_run_status_is_known",
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100),
                name="report_run_progress_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="report_run_year_in_range",
            ),
            # A finished run always has its figures and its three files: nothing is offered
            # before all of them exist.
            models.CheckConstraint(
                condition=~Q(status="done")
                | (Q(snapshot__isnull=False, progress=100) & ~Q(pdf="") & ~Q(xlsx="") & ~Q(csv="")),
                name="report_run_done_has_files",
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True, period_end__isnull=True)
                | Q(period_start__isnull=False, period_end__gte=F("period_start")),
                name="report_run_period_in_order",
            ),
            # Beat may fire twice in January (two beat processes, a restart): one run each year.
            models.UniqueConstraint(
                fields=["year", "language"],
                condition=Q(origin="schedule"),
                name="one_scheduled_report_per_year_language",
            ),
        ]

    def __str__(self):
        return f"{self.period_label} ({self.language}) {self.status}"

    @property
    def first_day(self) -> date:
        return self.period_start or date(self.year, 1, 1)

    @property
    def last_day(self) -> date:
        return self.period_end or date(self.year, 12, 31)

    @property
    def is_calendar_year(self) -> bool:
        return self.first_day == date(self.year, 1, 1) and self.last_day == date(self.year, 12, 31)

    @property
    def period_label(self) -> str:
        """``2026`` for a calendar year, ``2026-01-01–2026-06-30`` for another period."""
        if self.is_calendar_year:
            return str(self.year)
        return f"{self.first_day.isoformat()}–{self.last_day.isoformat()}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    def file_for(self, kind: str):
        """The stored file of one format (``pdf``, ``xlsx`` or ``csv``)."""
        if kind not in FILE_KINDS:
            raise KeyError(kind)
        return getattr(self, kind)


FILE_KINDS = ("pdf", "xlsx", "csv")


class PublicFigures(models.Model):
    """The public figures (``reporting.statistics``) as last computed by the refresh task: the
    durable copy readers fall back on when the cache has nothing (Redis down or restarted, a
    cold start), so that no reader ever computes them while a copy exists. One row."""

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON, editable=False)
    figures = models.JSONField(_("figures"), editable=False)
    computed_at = models.DateTimeField(_("computed"), editable=False)
    # How long the computation took, for the operators (and the bench's statistics_refresh).
    compute_seconds = models.FloatField(_("seconds to compute"), default=0, editable=False)

    class Meta:
        verbose_name = _("public figures")
        verbose_name_plural = _("public figures")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="public_figures_single_row"),
        ]

    def __str__(self):
        return f"public figures as of {self.computed_at:%Y-%m-%d %H:%M}"


class DivisionAllocation(models.Model):
    """What a division's biennial programme of work allocates to the BSP (plan §31(h)).

    UNEP's programme of work runs over two years starting in an even year (2026-2027); the
    report sets each division's costs against its allocation. Edited by the coordinator and the
    admin through ``services.set_division_allocation``.
    """

    division = models.ForeignKey(
        "registry.Division",
        on_delete=models.PROTECT,
        related_name="bsp_allocations",
        verbose_name=_("division"),
    )
    first_year = models.PositiveSmallIntegerField(
        _("first year of the biennium"), validators=bounds.YEAR.validators()
    )
    amount_usd = models.DecimalField(
        _("allocation to the BSP (USD)"),
        max_digits=14,
        decimal_places=2,
        validators=bounds.USD.validators(),
    )
    note = models.CharField(_("source"), max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-first_year", "division__sort_order", "division_id"]
        verbose_name = _("division's BSP allocation")
        verbose_name_plural = _("divisions' BSP allocations")
        constraints = [
            models.UniqueConstraint(
                fields=["division", "first_year"], name="one_allocation_per_division_biennium"
            ),
            bounds.YEAR.constraint("division_allocation", "first_year"),
            models.CheckConstraint(
                condition=Exact(Mod("first_year", 2), 0), name="allocation_biennium_starts_even"
            ),
            bounds.USD.constraint("division_allocation", "amount_usd"),
        ]

    def __str__(self):
        return f"{self.division_id} {self.biennium}"

    @property
    def biennium(self) -> str:
        return f"{self.first_year}-{self.first_year + 1}"


def biennium_of(year: int) -> int:
    """The first year of the biennium holding ``year`` (bienniums start in even years)."""
    return year - year % 2


class FollowUpInvitation(models.Model):
    """The invitation of a request's focal points to assess it again, 6 or 12 months after
    completion (plan §3(a)(v), §25): one row per request and window, written once by the beat
    task (``services.invite_follow_ups``); ``sent_at`` is set in the transaction that sends it."""

    request = models.ForeignKey(
        "requests_app.Request", on_delete=models.CASCADE, related_name="follow_up_invitations"
    )
    months_after = models.PositiveSmallIntegerField(_("months after completion"))
    created_at = models.DateTimeField(_("due"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    recipients = models.PositiveSmallIntegerField(_("focal points written to"), default=0)

    class Meta:
        verbose_name = _("follow-up invitation")
        verbose_name_plural = _("follow-up invitations")
        indexes = [models.Index(fields=["sent_at"], name="follow_up_unsent")]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "months_after"], name="one_follow_up_per_window"
            ),
            models.CheckConstraint(
                condition=Q(months_after__in=(6, 12)), name="follow_up_window_6_or_12"
            ),
        ]

    def __str__(self):
        return f"{self.request_id} +{self.months_after}m"
