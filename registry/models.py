"""The registry: the reference data of the Bali Strategic Plan.

Reference records are keyed by their stable code (ISO alpha-3 for countries, ``T01`` for a
thematic area, ``ROA`` for a regional office...): the API takes and returns these codes, and a
code never changes once published.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ReferenceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class ReferenceItem(models.Model):
    """A coded item with its English and official Chinese name."""

    code = models.CharField(_("code"), max_length=24, primary_key=True)
    name = models.CharField(_("name (English)"), max_length=255)
    name_zh = models.CharField(_("name (Chinese)"), max_length=255, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language, falling back to English."""
        language = get_language() or ""
        if language.startswith("zh") and self.name_zh:
            return self.name_zh
        return self.name


class RegionalOffice(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("regional office")
        verbose_name_plural = _("regional offices")


class Division(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("division")
        verbose_name_plural = _("divisions")


class Country(ReferenceItem):
    """A UN member state or observer state, by ISO 3166-1 alpha-3 code."""

    # Which regional office receives a country's requests is data that staff can edit.
    regional_office = models.ForeignKey(
        RegionalOffice,
        on_delete=models.PROTECT,
        related_name="countries",
        verbose_name=_("regional office"),
    )

    class Meta(ReferenceItem.Meta):
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Z]{3}$"), name="country_code_is_iso3"
            )
        ]


class ThematicArea(ReferenceItem):
    """A thematic area of §20(b) of the plan (T01-T19)."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("thematic area")
        verbose_name_plural = _("thematic areas")


class CrossCuttingIssue(ReferenceItem):
    """A cross-cutting issue of §20(a) of the plan (X01-X13)."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("cross-cutting issue")
        verbose_name_plural = _("cross-cutting issues")


class MEA(ReferenceItem):
    """A multilateral environmental agreement."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("multilateral environmental agreement")
        verbose_name_plural = _("multilateral environmental agreements")


class Subprogramme(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("subprogramme")
        verbose_name_plural = _("subprogrammes")


class FundingSourceKind(ReferenceItem):
    """Where money comes from (plan §33-36): Environment Fund, GEF, bilateral..."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("funding source kind")
        verbose_name_plural = _("funding source kinds")


class SupportType(ReferenceItem):
    """A kind of support a country may ask for (plan §13): training, advisory services..."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("support type")
        verbose_name_plural = _("support types")


class Organization(models.Model):
    """A partner, funder or better-placed organization a request can be referred to."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        UN_BODY = "un_body", _("UN body")
        MEA_SECRETARIAT = "mea_secretariat", _("MEA secretariat")
        FINANCIAL_INSTITUTION = "financial_institution", _("Financial institution")
        REGIONAL_CENTRE = "regional_centre", _("Regional centre")
        NGO = "ngo", _("Non-governmental organization")
        UNIVERSITY = "university", _("University or research institute")
        PRIVATE_SECTOR = "private_sector", _("Private sector")

    name = models.CharField(_("name"), max_length=300)
    name_zh = models.CharField(_("name (Chinese)"), max_length=300, blank=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("country"),
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.UniqueConstraint(fields=["name"], name="organization_name_unique"),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name
