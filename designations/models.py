"""Designations of national focal points: a government names the person who asks for support on
its behalf (seed 004 §10(a), §11(a)), and UNEP verifies the nomination before the person can act.

A designation is nominated through a public page with the official letter, approved or rejected
by the country's regional office or the coordinator, and may end (revoked, or replaced by a
successor). Its account acts as the country's focal point only while it is current
(``selectors.current_designations``). Every step is an immutable ``DesignationEvent``.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ENDED = "ended", _("Ended")


def letter_path(instance, filename):
    # Server-generated names: nothing the nominating government typed reaches the file system.
    return f"designations/{instance.letter_stored_name}"


class Designation(models.Model):
    country = models.ForeignKey(
        "registry.Country",
        on_delete=models.PROTECT,
        related_name="designations",
        verbose_name=_("country"),
    )
    full_name = models.CharField(_("full name"), max_length=200)
    # A nomination gives all of these and the letter (services.nominate); a designation an
    # administrator records with ``create_portal_user`` may lack them.
    position = models.CharField(_("position"), max_length=200, blank=True)
    ministry = models.CharField(_("ministry or agency"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail address"))
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    letter = models.FileField(
        _("official letter"), upload_to=letter_path, max_length=300, blank=True
    )
    letter_stored_name = models.CharField(max_length=80, blank=True, editable=False)
    letter_name = models.CharField(_("file name"), max_length=255, blank=True)
    letter_content_type = models.CharField(max_length=100, blank=True)
    letter_size = models.PositiveBigIntegerField(default=0)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    # A nomination may name the designation it replaces; approving it ends that one.
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("replaces"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NOMINATED
    )
    # The focal-point account, from approval on.
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="designations",
        verbose_name=_("account"),
    )
    nominated_at = models.DateTimeField(_("nominated"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    reason = models.TextField(_("reason rejected or ended"), blank=True)
    link_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        ordering = ["-nominated_at", "-id"]
        indexes = [
            # Whether an account acts as a focal point now: asked on every page it opens.
            models.Index(fields=["account", "status"], name="designation_account_status"),
            models.Index(fields=["country", "status"], name="designation_country_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="designation_status_is_known"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="designation_ends_after_it_starts",
            ),
            # An approved (or ended) designation always has its account; a nomination never.
            models.CheckConstraint(
                condition=Q(status__in=[Status.APPROVED, Status.ENDED], account__isnull=False)
                | Q(status__in=[Status.NOMINATED, Status.REJECTED], account__isnull=True),
                name="designation_account_from_approval",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.country_id})"


class ImmutableEventError(Exception):
    def __init__(self):
        super().__init__("Designation events are immutable: they can never be edited or deleted.")


class DesignationEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableEventError

    def delete(self):
        raise ImmutableEventError


class DesignationEvent(models.Model):
    """One step of a designation's history. Written once by a service; never edited or deleted
    (PostgreSQL enforces it with a trigger, see the migrations; this model everywhere else)."""

    class Action(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        ENDED = "ended", _("Ended")
        LINK_SENT = "link_sent", _("Link to set a password sent")
        PASSWORD_SET = "password_set", _("Password set")

    designation = models.ForeignKey(
        Designation, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # None for a government's nomination through the public page.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="designation_events",
    )
    from_status = models.CharField(max_length=10, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Status.choices)
    note = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"))

    objects = DesignationEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["designation", "created_at"], name="designation_event_time"),
        ]

    def __str__(self):
        return f"{self.designation_id} {self.action} {self.created_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableEventError
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableEventError
