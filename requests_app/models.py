"""Technical-support and capacity-building requests and their immutable history."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, TextField, Value
from django.db.models.functions import Concat, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bali_portal import bounds
from bali_portal.db import first_row

from .states import CREATE, OPEN_STATES, ActionName, State


class Scope(models.TextChoices):
    NATIONAL = "national", _("National")
    SUBREGIONAL = "subregional", _("Subregional")
    REGIONAL = "regional", _("Regional")


class Requester(models.TextChoices):
    """Who asks (plan §8, §14-15, §30): a country, through its designated focal point, or a
    regional or subregional forum, a UN body or an MEA secretariat."""

    COUNTRY = "country", _("a country")
    FORUM = "forum", _("a forum or UN body")


class SouthSouthInterest(models.TextChoices):
    NONE = "none", _("No")
    SOUTH_SOUTH = "south_south", _("South-South cooperation")
    TRIANGULAR = "triangular", _("Triangular cooperation")


class DeclineReason(models.TextChoices):
    OUTSIDE_MANDATE = "outside_mandate", _("Outside UNEP's mandate")
    INSUFFICIENT_INFORMATION = "insufficient_information", _("Insufficient information")
    DUPLICATE = "duplicate", _("Duplicate of another request")
    SUPPORTED_ELSEWHERE = "supported_elsewhere", _("Already supported by another organization")
    NO_RESOURCES = "no_resources", _("No resources available")


# Every number and date a focal point or a division enters, and its bounds (bali_portal.bounds).
BOUNDED_FIELDS = {
    "desired_start": bounds.DATE,
    "duration_months": bounds.MONTHS,
    "estimated_budget_usd": bounds.USD,
    "people_trained_female": bounds.PEOPLE,
    "people_trained_male": bounds.PEOPLE,
    "people_trained_other": bounds.PEOPLE,
    "institutions_supported": bounds.INSTITUTIONS,
    "cost_usd": bounds.USD,
    "laws_drafted": bounds.OUTPUTS,
    "policies_adopted": bounds.OUTPUTS,
    "tools_developed": bounds.OUTPUTS,
    "institutions_strengthened": bounds.OUTPUTS,
}
# The outputs counted by kind at completion (plan §24(b)), in the report's order.
OUTPUT_KINDS = ("laws_drafted", "policies_adopted", "tools_developed", "institutions_strengthened")


def searched_text():
    """What the coordinator's search looks into: reference, title and description, one
    upper-cased text (a space between, which no searched word contains). Indexed with
    trigrams on PostgreSQL (``request_text_trigrams``), so that a word found in few requests
    is found without reading all of them."""
    text = Concat(
        "reference", Value(" "), "title", Value(" "), "description", output_field=TextField()
    )
    return Upper(text)


class Request(models.Model):
    # Unique by a constraint of the table (Meta): a unique field would also get a second,
    # pattern index that no lookup uses, written by every filing.
    reference = models.CharField(_("reference"), max_length=20, editable=False)
    requester = models.CharField(
        _("requester"), max_length=10, choices=Requester.choices, default=Requester.COUNTRY
    )
    # The composite indexes of Meta start with these keys and serve their lookups: indexes
    # of their own would only be more to write for every filing.
    # The country that asks; none when a forum asks (``forum``, and ``covered_countries``).
    country = models.ForeignKey(
        "registry.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("country"),
        db_index=False,
    )
    forum = models.ForeignKey(
        "registry.Forum",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("forum"),
        db_index=False,
    )
    # Copied from the country (or the forum) at submission, so that a later change of the
    # mapping does not move requests an office is already working on.
    regional_office = models.ForeignKey(
        "registry.RegionalOffice",
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("regional office"),
        db_index=False,
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="requests_created",
        verbose_name=_("created by"),
    )
    # Not auto_now_add: a request filed and submitted in one call, and one recorded after the
    # fact (demonstration data), are stamped by the service with the time of their first event.
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # --- The need, in the country's words --------------------------------------------------
    title = models.CharField(_("title"), max_length=300, blank=True)
    description = models.TextField(_("the need"), blank=True)
    national_priorities = models.TextField(
        _("link to national priorities"),
        blank=True,
        help_text=_(
            "National sustainable development plans, MEA obligations, national "
            "capacity self-assessments this need comes from."
        ),
    )
    thematic_areas = models.ManyToManyField(
        "registry.ThematicArea",
        blank=True,
        related_name="requests",
        verbose_name=_("thematic areas"),
    )
    cross_cutting_issues = models.ManyToManyField(
        "registry.CrossCuttingIssue",
        blank=True,
        related_name="requests",
        verbose_name=_("cross-cutting issues"),
    )
    meas = models.ManyToManyField(
        "registry.MEA",
        blank=True,
        related_name="requests",
        verbose_name=_("multilateral environmental agreements"),
    )
    support_types = models.ManyToManyField(
        "registry.SupportType",
        blank=True,
        related_name="requests",
        verbose_name=_("types of support"),
    )
    scope = models.CharField(
        _("scope"), max_length=20, choices=Scope.choices, default=Scope.NATIONAL
    )
    # The other countries a subregional or regional request covers; their focal points see it.
    covered_countries = models.ManyToManyField(
        "registry.Country",
        blank=True,
        related_name="+",
        verbose_name=_("countries covered"),
    )
    desired_start = models.DateField(
        _("desired start"), null=True, blank=True, validators=bounds.DATE.validators()
    )
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"), null=True, blank=True, validators=bounds.MONTHS.validators()
    )
    beneficiaries = models.TextField(_("beneficiaries"), blank=True)
    gender_considerations = models.TextField(_("gender considerations"), blank=True)
    south_south_interest = models.CharField(
        _("interest in South-South or triangular cooperation"),
        max_length=20,
        choices=SouthSouthInterest.choices,
        default=SouthSouthInterest.NONE,
    )
    # Off by default: partners (regional centres, South-South providers) see a request's
    # details only when the country has said they may (issue 19).
    share_with_partners = models.BooleanField(
        _("share with partners"),
        default=False,
        help_text=_(
            "Let regional centres and the countries and centres offering South-South support "
            "read this request, so that they can propose help."
        ),
    )
    other_support = models.TextField(
        _("support already received from others"),
        blank=True,
        help_text=_("So that the work is not duplicated (plan §17)."),
    )
    estimated_budget_usd = models.DecimalField(
        _("estimated budget (USD)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=bounds.USD.validators(),
    )
    co_financing = models.TextField(_("co-financing"), blank=True)

    # --- Who holds it ------------------------------------------------------------------------
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests_assigned",
        verbose_name=_("assignee"),
    )
    lead_division = models.ForeignKey(
        "registry.Division",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests_led",
        verbose_name=_("lead division"),
        db_index=False,
    )
    supporting_divisions = models.ManyToManyField(
        "registry.Division",
        blank=True,
        related_name="requests_supported",
        verbose_name=_("supporting divisions"),
    )
    state_before_info = models.CharField(
        max_length=20, choices=State.choices, blank=True, editable=False
    )

    # --- Outcomes -----------------------------------------------------------------------------
    decline_reason = models.CharField(
        _("reason declined"), max_length=30, blank=True, choices=DeclineReason.choices
    )
    referred_to = models.ForeignKey(
        "registry.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referred_requests",
        verbose_name=_("referred to"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_requests",
        verbose_name=_("merged into"),
    )
    response_plan = models.TextField(_("response plan"), blank=True)
    people_trained_female = models.PositiveIntegerField(
        _("women trained"), null=True, blank=True, validators=bounds.PEOPLE.validators()
    )
    people_trained_male = models.PositiveIntegerField(
        _("men trained"), null=True, blank=True, validators=bounds.PEOPLE.validators()
    )
    people_trained_other = models.PositiveIntegerField(
        _("others trained"), null=True, blank=True, validators=bounds.PEOPLE.validators()
    )
    institutions_supported = models.PositiveIntegerField(
        _("institutions supported"),
        null=True,
        blank=True,
        validators=bounds.INSTITUTIONS.validators(),
    )
    outputs = models.TextField(_("outputs"), blank=True)
    cost_usd = models.DecimalField(
        _("cost (USD)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=bounds.USD.validators(),
    )
    lessons = models.TextField(_("lessons learned"), blank=True)
    # Measurable results by kind (plan §24(b)) and what went well or not (§31(h)), recorded at
    # completion; null on requests completed before they were asked.
    laws_drafted = models.PositiveIntegerField(
        _("laws and regulations drafted"),
        null=True,
        blank=True,
        validators=bounds.OUTPUTS.validators(),
    )
    policies_adopted = models.PositiveIntegerField(
        _("policies and plans adopted"),
        null=True,
        blank=True,
        validators=bounds.OUTPUTS.validators(),
    )
    tools_developed = models.PositiveIntegerField(
        _("tools developed"), null=True, blank=True, validators=bounds.OUTPUTS.validators()
    )
    institutions_strengthened = models.PositiveIntegerField(
        _("institutions strengthened"),
        null=True,
        blank=True,
        validators=bounds.OUTPUTS.validators(),
    )
    successes = models.TextField(_("successes"), blank=True)
    shortcomings = models.TextField(_("shortcomings"), blank=True)

    # --- Clocks, kept by the services from the events, indexed for the queues ---------------
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    routed_at = models.DateTimeField(null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    info_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Time spent waiting for the focal point's answer, which does not count against the office.
    paused_seconds = models.PositiveBigIntegerField(default=0, editable=False)
    acknowledge_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    decision_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    acceptance_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The due date of the step the request waits for now (see sla.py), and twice past it.
    due_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalate_at = models.DateTimeField(null=True, blank=True, editable=False)

    # What a focal point typed into a draft that could not be stored in its field yet
    # (e.g. "next spring" as a date): kept so that a draft never loses what was typed.
    draft_input = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-created_at"]
        indexes = [
            # The queue's order reads only these columns: with the key included, a page's
            # keys are sorted from the index alone (bali_portal.pagination).
            models.Index(
                fields=["regional_office", "state", "due_at", "submitted_at"],
                include=["id"],
                name="request_office_queue",
            ),
            # Lists and the API, newest first: walk the newest rows instead of sorting all.
            models.Index(
                fields=["regional_office", "-created_at", "-id"], name="request_office_newest"
            ),
            # With the columns that decide who sees a request: a request's possible
            # duplicates are scored from this index alone (requests_app.matching).
            models.Index(
                fields=["country", "-created_at", "-id"],
                include=["forum", "state", "regional_office", "lead_division"],
                name="request_country_newest",
            ),
            # A forum focal point's list; only forums' requests are written to it.
            models.Index(
                fields=["forum", "-created_at", "-id"],
                condition=Q(forum__isnull=False),
                name="request_forum_newest",
            ),
            models.Index(
                fields=["lead_division", "state", "due_at"], name="request_division_queue"
            ),
            # The open requests alone (a few percent of all), with what a queue filters and
            # orders by: a division's queue, lead or supporting, is an index-only scan of them
            # instead of a scan of every request in an open state (issue 14).
            models.Index(
                fields=["id"],
                include=["state", "lead_division", "due_at", "submitted_at"],
                condition=Q(state__in=sorted(OPEN_STATES)),
                name="request_open_queue",
            ),
            models.Index(fields=["country", "state"], name="request_country_state"),
            models.Index(fields=["submitted_at"], name="request_submitted_at"),
            # Every non-draft request newest first (the coordinator's list and search): walked
            # until a page is full, instead of sorting every match (issue 14).
            models.Index(fields=["-created_at", "-id"], name="request_newest"),
            # The trigram index of ``searched_text()`` (``request_text_trigrams``) exists on
            # PostgreSQL only, made by migration 0011 outside the model state: SQLite rebuilds a
            # table from the state whenever a column is added, and cannot build that index.
            # The annual report's figures of a year's completed requests.
            models.Index(fields=["completed_at"], name="request_completed_at"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="request_reference_unique"),
            models.CheckConstraint(
                condition=Q(state__in=State.values), name="request_state_is_known"
            ),
            models.CheckConstraint(
                condition=Q(reference__regex=r"^[A-Z]{3,8}-[0-9]{4}-[0-9]{4,}$"),
                name="request_reference_format_country_or_forum",
            ),
            models.CheckConstraint(
                condition=Q(requester=Requester.COUNTRY, country__isnull=False, forum__isnull=True)
                | Q(requester=Requester.FORUM, forum__isnull=False, country__isnull=True),
                name="request_asked_by_a_country_or_a_forum",
            ),
            # A routed request always has its one lead division.
            models.CheckConstraint(
                condition=~Q(state__in=[State.ROUTED, State.IN_PROGRESS, State.COMPLETED])
                | Q(lead_division__isnull=False),
                name="request_routed_has_lead_division",
            ),
            models.CheckConstraint(
                condition=Q(state=State.DRAFT) | Q(submitted_at__isnull=False),
                name="request_submitted_has_date",
            ),
            *(bound.constraint("request", field) for field, bound in BOUNDED_FIELDS.items()),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}".strip()

    @property
    def is_draft(self) -> bool:
        return self.state == State.DRAFT

    @property
    def asked_by(self):
        """The country or the forum that asks (each prints as its name)."""
        return self.forum if self.requester == Requester.FORUM else self.country

    @property
    def evaluation(self):
        """The latest assessment (every one is kept in ``evaluations``), or None."""
        kept = list(self.evaluations.all())  # prefetched on pages (selectors.with_page_details)
        return max(kept, key=lambda item: (item.evaluated_at, item.pk)) if kept else None

    @property
    def people_trained_total(self) -> int:
        return sum(
            value or 0
            for value in (
                self.people_trained_female,
                self.people_trained_male,
                self.people_trained_other,
            )
        )


class ReferenceCounter(models.Model):
    """The last reference number given per country and year (``KEN-2026-0007``).

    Incremented under a row lock, so two focal points creating requests at the same moment
    never get the same number.
    """

    country = models.ForeignKey("registry.Country", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["country", "year"], name="one_counter_per_country_year")
        ]

    def __str__(self):
        return f"{self.country_id}-{self.year}: {self.last_number}"


class ForumReferenceCounter(models.Model):
    """The last reference number given per forum and year (``AMCEN-2026-0002``), as
    ``ReferenceCounter`` for countries."""

    forum = models.ForeignKey("registry.Forum", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["forum", "year"], name="one_counter_per_forum_year")
        ]

    def __str__(self):
        return f"{self.forum_id}-{self.year}: {self.last_number}"


class RequestEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableEventError

    def delete(self):
        raise ImmutableEventError


class ImmutableEventError(Exception):
    def __init__(self):
        super().__init__("Request events are immutable: they can never be edited or deleted.")


class RequestEvent(models.Model):
    """One step of a request's history. Written once by a service; never edited or deleted.

    PostgreSQL enforces this with a trigger (see the migration), this model everywhere else.
    """

    # Looked up through event_request_time (Meta), which starts with it.
    request = models.ForeignKey(
        Request, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="request_events", null=True
    )
    action = models.CharField(
        _("action"),
        max_length=20,
        choices=[*ActionName.choices, (CREATE, _("Created"))],
    )
    from_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    note = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), db_index=True)

    objects = RequestEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["request", "created_at"], name="event_request_time"),
            models.Index(fields=["action", "created_at"], name="event_action_time"),
        ]

    def __str__(self):
        return f"{self.request_id} {self.action} {self.created_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableEventError
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableEventError


def attachment_path(instance, filename):
    # Server-generated names: nothing the uploader typed reaches the file system.
    return f"attachments/{instance.request_id}/{instance.stored_name}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        CONCEPT_NOTE = "concept_note", _("Concept note")
        ENDORSEMENT_LETTER = "endorsement_letter", _("Endorsement letter")
        OTHER = "other", _("Other document")

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    file = models.FileField(upload_to=attachment_path, max_length=300)
    stored_name = models.CharField(max_length=80, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class EvaluationKind(models.TextChoices):
    ON_COMPLETION = "on_completion", _("On completion")
    FOLLOW_UP = "follow_up", _("Follow-up")


# How long after completion a follow-up assessment is invited (plan §3(a)(v), §25).
FOLLOW_UP_MONTHS = (6, 12)


class Evaluation(models.Model):
    """One assessment of the help received by the recipient (plan §24(a), §25).

    Every assessment is kept: one on completion, and follow-ups 6 and 12 months after it (the
    country's focal points are invited by ``reporting.tasks.invite_follow_ups``), never
    overwritten, so that the report compares what was kept and used as time passes.
    """

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="evaluations")
    kind = models.CharField(
        _("kind of assessment"),
        max_length=20,
        choices=EvaluationKind.choices,
        default=EvaluationKind.ON_COMPLETION,
    )
    # For a follow-up: the window it answers (6 or 12 months after completion).
    months_after = models.PositiveSmallIntegerField(
        _("months after completion"), null=True, blank=True
    )
    rating = models.PositiveSmallIntegerField(
        _("rating of the results"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    capacity_retained = models.BooleanField(_("capacity retained"), null=True, blank=True)
    capacity_used = models.BooleanField(_("capacity used"), null=True, blank=True)
    # §25: the recipient rates UNEP's programme and the staff it trained.
    programme_rating = models.PositiveSmallIntegerField(
        _("rating of UNEP's programme"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    staff_rating = models.PositiveSmallIntegerField(
        _("rating of the staff trained"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comments = models.TextField(_("comments"), blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    evaluated_at = models.DateTimeField()

    class Meta:
        ordering = ["evaluated_at", "pk"]
        indexes = [models.Index(fields=["evaluated_at"], name="evaluation_evaluated_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="evaluation_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(programme_rating__isnull=True)
                | Q(programme_rating__gte=1, programme_rating__lte=5),
                name="evaluation_programme_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(staff_rating__isnull=True)
                | Q(staff_rating__gte=1, staff_rating__lte=5),
                name="evaluation_staff_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(kind="on_completion", months_after__isnull=True)
                | Q(kind="follow_up", months_after__in=FOLLOW_UP_MONTHS),
                name="evaluation_kind_and_window",
            ),
        ]

    def __str__(self):
        return f"{self.request} {self.kind} {self.rating}/5"


class ServiceLevel(models.Model):
    """The SLA clocks, in days; one row, editable by the coordinator."""

    acknowledge_days = models.PositiveSmallIntegerField(
        _("days to acknowledge"), default=5, validators=bounds.SLA_DAYS.validators()
    )
    decision_days = models.PositiveSmallIntegerField(
        _("days to decide"), default=20, validators=bounds.SLA_DAYS.validators()
    )
    acceptance_days = models.PositiveSmallIntegerField(
        _("days for the division to accept after routing"),
        default=15,
        validators=bounds.SLA_DAYS.validators(),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("service levels")
        verbose_name_plural = _("service levels")
        constraints = [
            bounds.SLA_DAYS.constraint("service_level", field)
            for field in ("acknowledge_days", "decision_days", "acceptance_days")
        ]

    def __str__(self):
        return str(_("Service levels"))

    @classmethod
    def current(cls) -> "ServiceLevel":
        return first_row(cls) or cls(pk=1)


class Notification(models.Model):
    """An e-mail owed to someone about a request, written in the same transaction as the event.

    Sending happens after commit through Celery; a message whose sending failed (broker or mail
    server down) stays unsent here and is retried by the periodic task, so nothing is lost.
    A sender first claims the notice (``claimed_by``, its sweep's token, in a transaction of
    its own), then sends it under its ``message_id``, marking it sent at the moment the mail
    server takes it (``requests_app.notifications`` explains why that is sent once).
    """

    event = models.ForeignKey(RequestEvent, on_delete=models.PROTECT, related_name="notifications")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.IntegerField(null=True, blank=True)
    # The e-mail's Message-ID, the same on every attempt: a recipient's system that sees it
    # twice knows it is one message.
    message_id = models.CharField(max_length=255, null=True, blank=True, unique=True)

    class Meta:
        indexes = [models.Index(fields=["sent_at", "created_at"], name="notification_unsent")]
        constraints = [
            models.UniqueConstraint(fields=["event", "recipient"], name="one_notice_per_event")
        ]

    def __str__(self):
        return f"{self.event} → {self.recipient_id}"


class DigestRun(models.Model):
    """One day's overdue digest (or escalation) to one person: the record that it went out.

    The daily job writes the row before sending and marks it sent after, under a row lock, so
    a retry of the job (or a second worker) never sends the same day's digest twice.
    """

    class Kind(models.TextChoices):
        DIGEST = "digest", _("Overdue digest to the holder")
        ESCALATION = "escalation", _("Escalation to the coordinator")

    day = models.DateField(_("day"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_runs"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    references = models.JSONField(_("requests"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        ordering = ["-day", "kind", "recipient_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "recipient", "kind"], name="one_digest_per_person_kind_day"
            )
        ]

    def __str__(self):
        return f"{self.day} {self.kind} → {self.recipient_id}"
