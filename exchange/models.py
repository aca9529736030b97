"""Referral to partners, the South-South exchange and the regional centres (issue 19).

- A **referral** passes a request the regional office cannot meet to a better-placed partner
  (plan §16-17, §26) and follows it up: the partner's contact answers through a signed link,
  without an account, and later reports the outcome.
- An **offer** is what a country or a regional centre can provide to others (seed 004 §10(a));
  offers and requests are matched both ways (seed 001 §68-70, §74), and each match is told to
  the other side once (``MatchNotice``).
- A **regional centre** (seed 004 §2(b), §10(b)-(d), §11(b)) serves some countries, keeps a
  roster of experts and proposes help on the requests those countries shared with partners.

Every change is recorded by a service with its immutable ``Event``; e-mail goes through the
``Mail`` outbox, sent after commit and retried by a periodic sweep.
"""

from django.conf import settings
from django.conf.global_settings import LANGUAGES as ALL_LANGUAGES
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Languages an offer or an expert works in: ISO 639-1 codes, labelled by Django's own
# translated language names (so they read in every language of the portal).
_OFFERED = ("ar", "zh-hans", "en", "fr", "ru", "es", "pt", "sw", "hi", "id", "fa", "tr", "bn")
LANGUAGE_CHOICES = [(code, name) for code, name in ALL_LANGUAGES if code in _OFFERED]
LANGUAGE_CODES = frozenset(code for code, _name in LANGUAGE_CHOICES)


def language_labels(codes) -> list[str]:
    names = dict(LANGUAGE_CHOICES)
    return [str(names.get(code, code)) for code in codes or ()]


# --- Regional centres -------------------------------------------------------------------------


class RegionalCentre(models.Model):
    """The countries a regional centre of the registry serves: the scope of its staff."""

    organization = models.OneToOneField(
        "registry.Organization",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="centre",
        limit_choices_to={"kind": "regional_centre"},
        verbose_name=_("organization"),
    )
    countries = models.ManyToManyField(
        "registry.Country",
        blank=True,
        related_name="regional_centres",
        verbose_name=_("countries served"),
    )

    class Meta:
        verbose_name = _("regional centre")
        verbose_name_plural = _("regional centres")

    def __str__(self):
        return str(self.organization)


class Expert(models.Model):
    """An expert on a regional centre's roster (seed 004 §10(c))."""

    centre = models.ForeignKey(
        "registry.Organization",
        on_delete=models.CASCADE,
        related_name="experts",
        verbose_name=_("regional centre"),
    )
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("e-mail address"), blank=True)
    expertise = models.TextField(_("expertise"))
    thematic_areas = models.ManyToManyField(
        "registry.ThematicArea", related_name="experts", verbose_name=_("expertise by theme")
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    countries = models.ManyToManyField(
        "registry.Country",
        blank=True,
        related_name="experts",
        verbose_name=_("countries of experience"),
    )
    is_available = models.BooleanField(_("available"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["full_name", "pk"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        constraints = [
            models.UniqueConstraint(fields=["centre", "full_name"], name="expert_once_per_centre")
        ]

    def __str__(self):
        return self.full_name

    @property
    def language_labels(self) -> list[str]:
        return language_labels(self.languages)


# --- Offers -----------------------------------------------------------------------------------


class Offer(models.Model):
    """What a country or a regional centre can provide to other developing countries."""

    provider_country = models.ForeignKey(
        "registry.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("offered by the country"),
    )
    provider_organization = models.ForeignKey(
        "registry.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("offered by the organization"),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("what is offered"))
    thematic_areas = models.ManyToManyField(
        "registry.ThematicArea", related_name="offers", verbose_name=_("thematic areas")
    )
    support_types = models.ManyToManyField(
        "registry.SupportType", related_name="offers", verbose_name=_("types of support")
    )
    countries_served = models.ManyToManyField(
        "registry.Country",
        blank=True,
        related_name="offers_serving",
        verbose_name=_("countries served"),
        help_text=_("Leave empty when the offer is open to every developing country."),
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"))
    is_published = models.BooleanField(
        _("published"), default=True, help_text=_("Published offers are public.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        indexes = [models.Index(fields=["is_published", "-created_at"], name="offer_published")]
        constraints = [
            # Offered by a country or by an organization (a regional centre), never both.
            models.CheckConstraint(
                condition=Q(provider_country__isnull=True, provider_organization__isnull=False)
                | Q(provider_country__isnull=False, provider_organization__isnull=True),
                name="offer_has_one_provider",
                violation_error_message=_(
                    "Name the country or the organization that offers it (one of the two)."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("exchange:offer-detail", args=[self.pk])

    @property
    def provider(self):
        return self.provider_country or self.provider_organization

    @property
    def provider_label(self) -> str:
        return self.provider.label if self.provider else ""

    @property
    def language_labels(self) -> list[str]:
        return language_labels(self.languages)


# --- Referrals --------------------------------------------------------------------------------


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent, awaiting an answer")
    ACCEPTED = "accepted", _("Accepted by the partner")
    DECLINED = "declined", _("Declined by the partner")
    COMPLETED = "completed", _("Completed by the partner")


class ReferralOutcome(models.TextChoices):
    SUPPORTED = "supported", _("Support provided")
    PARTLY_SUPPORTED = "partly_supported", _("Support partly provided")
    NOT_SUPPORTED = "not_supported", _("Support could not be provided")


class Referral(models.Model):
    """A request passed to a better-placed organization, and what became of it."""

    request = models.OneToOneField(
        "requests_app.Request",
        on_delete=models.PROTECT,
        related_name="referral",
        verbose_name=_("request"),
    )
    organization = models.ForeignKey(
        "registry.Organization",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("organization"),
    )
    contact_email = models.EmailField(_("contact e-mail"))
    explanation = models.TextField(_("why this organization"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    answer_note = models.TextField(_("the partner's note"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=ReferralOutcome.choices, blank=True
    )
    outcome_note = models.TextField(_("what was done"), blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # The one reminder of a referral left unanswered (``services.remind_unanswered_referrals``).
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            # The daily reminder reads the referrals still awaiting an answer, oldest first.
            models.Index(fields=["status", "sent_at"], name="referral_status_sent"),
            models.Index(fields=["sent_at"], name="referral_sent_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values), name="referral_status_is_known"
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=ReferralOutcome.values),
                name="referral_outcome_is_known",
            ),
            # An answer has its date; a completed referral its outcome; only those have one.
            models.CheckConstraint(
                condition=Q(status=ReferralStatus.SENT) | Q(answered_at__isnull=False),
                name="referral_answer_has_date",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=ReferralStatus.COMPLETED)
                    & ~Q(outcome="")
                    & Q(completed_at__isnull=False)
                )
                | (~Q(status=ReferralStatus.COMPLETED) & Q(outcome="")),
                name="referral_completed_has_outcome",
            ),
        ]

    def __str__(self):
        return f"{self.request_id} → {self.organization_id} ({self.status})"

    @property
    def is_awaiting_answer(self) -> bool:
        return self.status == ReferralStatus.SENT

    @property
    def is_awaiting_outcome(self) -> bool:
        return self.status == ReferralStatus.ACCEPTED


# --- Proposals of regional centres ------------------------------------------------------------


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted into the routing")
    DECLINED = "declined", _("Not taken up")


class Proposal(models.Model):
    """A regional centre's offer of help on a request its country shared with partners."""

    request = models.ForeignKey(
        "requests_app.Request",
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("request"),
    )
    centre = models.ForeignKey(
        "registry.Organization",
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("regional centre"),
    )
    summary = models.TextField(_("the help proposed"))
    experts = models.ManyToManyField(
        Expert, blank=True, related_name="proposals", verbose_name=_("experts proposed")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("proposed"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("the regional office's note"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProposalStatus.values), name="proposal_status_is_known"
            ),
            # A centre has at most one proposal waiting on a request.
            models.UniqueConstraint(
                fields=["request", "centre"],
                condition=Q(status="proposed"),
                name="one_open_proposal_per_centre",
            ),
            models.CheckConstraint(
                condition=Q(status=ProposalStatus.PROPOSED) | Q(decided_at__isnull=False),
                name="proposal_decision_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.centre_id} on {self.request_id} ({self.status})"


# --- Requests for access to an assistance source -----------------------------------------------


class FundingAccess(models.Model):
    """A request for help to reach a source of assistance (seed 004 §2(b))."""

    request = models.OneToOneField(
        "requests_app.Request", on_delete=models.CASCADE, related_name="funding_access"
    )
    source = models.ForeignKey(
        "registry.AssistanceSource",
        on_delete=models.PROTECT,
        related_name="access_requests",
        verbose_name=_("source of assistance"),
    )

    class Meta:
        verbose_name = _("request for access to a source of assistance")
        verbose_name_plural = _("requests for access to sources of assistance")

    def __str__(self):
        return f"{self.request_id} → {self.source_id}"


# --- Matches told to the other side -----------------------------------------------------------


class MatchDirection(models.TextChoices):
    TO_PROVIDER = "to_provider", _("A need told to a provider")
    TO_OFFICE = "to_office", _("An offer told to a regional office")


class MatchNotice(models.Model):
    """One match between a request and an offer or a solution, told to the other side once.

    Unique per direction and pair: however often a request is routed or an offer saved (and
    however often a task is retried), a match is told once. ``why`` keeps the reasons as codes,
    so that each reader sees them in their own language.
    """

    direction = models.CharField(_("direction"), max_length=20, choices=MatchDirection.choices)
    request = models.ForeignKey(
        "requests_app.Request", on_delete=models.CASCADE, related_name="match_notices"
    )
    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, null=True, blank=True, related_name="match_notices"
    )
    solution = models.ForeignKey(
        "registry.Solution",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="match_notices",
    )
    score = models.PositiveSmallIntegerField(_("score"))
    why = models.JSONField(_("why it matched"), default=dict)
    created_at = models.DateTimeField(_("found"), auto_now_add=True)

    class Meta:
        verbose_name = _("match told")
        verbose_name_plural = _("matches told")
        constraints = [
            models.CheckConstraint(
                condition=Q(direction__in=MatchDirection.values), name="match_direction_is_known"
            ),
            models.CheckConstraint(
                condition=Q(offer__isnull=True, solution__isnull=False)
                | Q(offer__isnull=False, solution__isnull=True),
                name="match_is_of_an_offer_or_a_solution",
            ),
            models.CheckConstraint(
                condition=~Q(direction="to_office") | Q(offer__isnull=False),
                name="match_to_office_is_of_an_offer",
            ),
            models.UniqueConstraint(
                fields=["direction", "request", "offer"],
                condition=Q(offer__isnull=False),
                name="offer_match_told_once",
            ),
            models.UniqueConstraint(
                fields=["direction", "request", "solution"],
                condition=Q(solution__isnull=False),
                name="solution_match_told_once",
            ),
        ]

    def __str__(self):
        return f"{self.direction} {self.request_id} ~ {self.offer_id or self.solution_id}"


# --- History and e-mail -----------------------------------------------------------------------


class EventKind(models.TextChoices):
    REFERRAL_SENT = "referral_sent", _("Referral sent")
    REFERRAL_LINK_SENT = "referral_link_sent", _("Referral link sent again")
    REFERRAL_REMINDED = "referral_reminded", _("Reminder sent to the partner")
    REFERRAL_ACCEPTED = "referral_accepted", _("Referral accepted by the partner")
    REFERRAL_DECLINED = "referral_declined", _("Referral declined by the partner")
    REFERRAL_COMPLETED = "referral_completed", _("Outcome reported by the partner")
    OFFER_SAVED = "offer_saved", _("Offer saved")
    PROPOSAL_MADE = "proposal_made", _("Help proposed by a regional centre")
    PROPOSAL_ACCEPTED = "proposal_accepted", _("Proposal accepted into the routing")
    PROPOSAL_DECLINED = "proposal_declined", _("Proposal not taken up")
    SHARING_CHANGED = "sharing_changed", _("Sharing with partners changed")
    FUNDING_ACCESS_ASKED = "funding_access_asked", _("Help asked to reach a source of assistance")


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableExchangeEventError

    def delete(self):
        raise ImmutableExchangeEventError


class ImmutableExchangeEventError(Exception):
    def __init__(self):
        super().__init__("Exchange events are immutable: they can never be edited or deleted.")


class Event(models.Model):
    """One step of a referral, an offer, a proposal or a request's sharing: written once by a
    service, never edited or deleted. ``actor`` is empty for a partner answering by link and
    for the reminders the portal sends itself."""

    kind = models.CharField(_("what"), max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exchange_events",
    )
    request = models.ForeignKey(
        "requests_app.Request",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exchange_events",
    )
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    note = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"))

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("exchange event")
        verbose_name_plural = _("exchange events")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values), name="exchange_event_kind_is_known"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.created_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableExchangeEventError
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableExchangeEventError


class MailKind(models.TextChoices):
    REFERRAL_INVITATION = "referral_invitation", _("Referral to a partner")
    REFERRAL_REMINDER = "referral_reminder", _("Reminder of a referral")
    REFERRAL_LINK = "referral_link", _("A new link to a referral")
    REFERRAL_ANSWERED = "referral_answered", _("The partner's answer to a referral")
    MATCH_FOR_PROVIDER = "match_for_provider", _("A need matching an offer or a solution")
    MATCH_FOR_OFFICE = "match_for_office", _("An offer matching open requests")
    PROPOSAL_RECEIVED = "proposal_received", _("Help proposed by a regional centre")
    PROPOSAL_DECIDED = "proposal_decided", _("A regional office's decision on a proposal")


# The e-mail each referral owes its contact once (a retried task never sends them twice).
ONCE_PER_REFERRAL = (MailKind.REFERRAL_INVITATION, MailKind.REFERRAL_REMINDER)


class Mail(models.Model):
    """An e-mail owed to someone, written in the transaction of the service that owes it.

    Sent after commit by a Celery task (``mail.send_pending``); a message whose sending failed
    stays here and the periodic sweep retries it, so a broker or mail server outage loses
    nothing. Messages with the same ``group_key`` to the same person go out as one e-mail
    (the matches of one offer for one office, say), and each is marked sent with it.
    """

    kind = models.CharField(max_length=30, choices=MailKind.choices)
    recipient_email = models.EmailField()
    language = models.CharField(max_length=10, default=settings.LANGUAGE_CODE)
    group_key = models.CharField(max_length=60, blank=True)
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, null=True, blank=True, related_name="mail"
    )
    notice = models.ForeignKey(
        MatchNotice, on_delete=models.CASCADE, null=True, blank=True, related_name="mail"
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, null=True, blank=True, related_name="mail"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["sent_at", "created_at"], name="exchange_mail_unsent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MailKind.values), name="exchange_mail_kind_is_known"
            ),
            models.UniqueConstraint(
                fields=["kind", "referral"],
                condition=Q(kind__in=ONCE_PER_REFERRAL),
                name="referral_mail_once",
            ),
            models.UniqueConstraint(
                fields=["notice", "recipient_email"],
                condition=Q(notice__isnull=False),
                name="match_mail_once_per_person",
            ),
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient_email}"
