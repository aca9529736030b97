"""The registry: the reference data of the Bali Strategic Plan.

Reference records are keyed by their stable code (ISO alpha-3 for countries, ``T01`` for a
thematic area, ``ROA`` for a regional office...): the API takes and returns these codes, and a
code never changes once published.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from bali_portal import bounds

from .codes import validate_currency

# The languages other than English that reference names are kept in, by the suffix of their
# column (``name_fr``...): Django's language codes ``fr``, ``es``, ``ru``, ``zh-hans``, ``ar``.
NAME_LANGUAGES = ("zh", "fr", "es", "ru", "ar")


def name_language() -> str | None:
    """The suffix of the reader's language's name column, or None for English."""
    language = (get_language() or "")[:2]
    return language if language in NAME_LANGUAGES else None


def localized(english: str, chinese: str = "", **translations: str) -> str:
    """The text in the reader's language (``fr=``, ``es=``, ``ru=``, ``ar=``), falling back to
    English."""
    language = name_language()
    if language is None:
        return english
    return {"zh": chinese, **translations}.get(language) or english


def name_columns(prefix: str = "name") -> list[str]:
    """The columns of a reference name in every language, for ``values()``: ``country__name``,
    ``country__name_zh``, ``country__name_fr``..."""
    return [prefix] + [f"{prefix}_{language}" for language in NAME_LANGUAGES]


def localized_value(row, prefix: str = "name") -> str:
    """The name in the reader's language from a ``values()`` row read with ``name_columns``."""
    language = name_language()
    return (language and row.get(f"{prefix}_{language}")) or row[prefix]


class ReferenceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class ReferenceItem(models.Model):
    """A coded item with its name in the six UN languages (English always; the others fall
    back to English where empty)."""

    code = models.CharField(_("code"), max_length=24, primary_key=True)
    name = models.CharField(_("name (English)"), max_length=255)
    name_zh = models.CharField(_("name (Chinese)"), max_length=255, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=255, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=255, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=255, blank=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=255, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.label

    @property
    def localized_name(self) -> str:
        """The name in the reader's language, falling back to English."""
        language = name_language()
        return (language and getattr(self, f"name_{language}", "")) or self.name

    # Pages, exports and the API read the same name under its older name too.
    label = localized_name


class RegionalOffice(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("regional office")
        verbose_name_plural = _("regional offices")


class Division(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("division")
        verbose_name_plural = _("divisions")


class Economy(models.TextChoices):
    """The United Nations' classification of economies (World Economic Situation and Prospects)."""

    DEVELOPING = "developing", _("developing economy")
    TRANSITION = "transition", _("economy in transition")
    DEVELOPED = "developed", _("developed economy")


# The plan serves developing countries and countries with economies in transition (plan §1-3).
ELIGIBLE_ECONOMIES = frozenset({Economy.DEVELOPING, Economy.TRANSITION})


class CountryQuerySet(ReferenceQuerySet):
    def eligible(self):
        return self.filter(economy__in=ELIGIBLE_ECONOMIES)


class Country(ReferenceItem):
    """A UN member state or observer state, by ISO 3166-1 alpha-3 code."""

    # Which regional office receives a country's requests is data that staff can edit.
    regional_office = models.ForeignKey(
        RegionalOffice,
        on_delete=models.PROTECT,
        related_name="countries",
        verbose_name=_("regional office"),
    )
    # The UN's classifications, loaded from registry/data/country_classification.csv and then
    # kept by the coordinator, who notes where each change comes from.
    economy = models.CharField(_("economy"), max_length=12, choices=Economy.choices)
    ldc = models.BooleanField(_("least developed country"), default=False)
    lldc = models.BooleanField(_("landlocked developing country"), default=False)
    sids = models.BooleanField(_("small island developing State"), default=False)
    classification_source = models.CharField(
        _("source of the classification"), max_length=300, blank=True
    )
    classified_on = models.DateField(_("classification as of"), null=True, blank=True)

    objects = CountryQuerySet.as_manager()

    class Meta(ReferenceItem.Meta):
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Z]{3}$"), name="country_code_is_iso3"
            ),
            models.CheckConstraint(
                condition=models.Q(economy__in=Economy.values), name="country_economy_is_known"
            ),
        ]

    @property
    def eligible(self) -> bool:
        """Whether the plan serves the country: a developing country or an economy in transition."""
        return self.economy in ELIGIBLE_ECONOMIES


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


class ForumKind(models.TextChoices):
    REGIONAL_FORUM = "regional_forum", _("regional ministerial forum")
    SUBREGIONAL_FORUM = "subregional_forum", _("subregional ministerial forum")
    UN_BODY = "un_body", _("UN body")
    MEA_SECRETARIAT = "mea_secretariat", _("MEA secretariat")


class Forum(ReferenceItem):
    """A body that brings requests on behalf of several countries (plan §8, §14-15, §30, §31(g)):
    a regional or subregional ministerial forum, a UN body or an MEA secretariat.

    Its requests go to its regional office, and its focal points (role ``forum_focal_point``)
    file them. Its code heads its requests' references (``AMCEN-2026-0001``), so it is four to
    eight capital letters: never a country's three.
    """

    Kind = ForumKind

    kind = models.CharField(_("kind"), max_length=20, choices=ForumKind.choices)
    regional_office = models.ForeignKey(
        RegionalOffice,
        on_delete=models.PROTECT,
        related_name="forums",
        verbose_name=_("regional office"),
    )
    countries = models.ManyToManyField(
        Country, blank=True, related_name="forums", verbose_name=_("member countries")
    )
    # The region's priorities, as the forum states them (plan §14, §30): the regional office
    # sees them while triaging, and the annual report counts them.
    priorities = models.ManyToManyField(
        ThematicArea, blank=True, related_name="forums", verbose_name=_("priorities")
    )
    priorities_recorded_at = models.DateTimeField(
        _("priorities recorded"), null=True, blank=True, editable=False
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = _("forum")
        verbose_name_plural = _("forums")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Z]{4,8}$"), name="forum_code_4_to_8_letters"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ForumKind.values), name="forum_kind_is_known"
            ),
        ]


class Organization(models.Model):
    """A partner, funder or better-placed organization a request can be referred to."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        UN_BODY = "un_body", _("UN body")
        MEA_SECRETARIAT = "mea_secretariat", _("MEA secretariat")
        FINANCIAL_INSTITUTION = "financial_institution", _("Financial institution")
        INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental organization")
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
    description = models.TextField(_("description"), blank=True)
    # The organisation identifier of the IATI standard (e.g. XM-DAC-47044 for the GEF), used
    # as participating-org/@ref in the IATI export.
    iati_ref = models.CharField(_("IATI organisation identifier"), max_length=60, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.UniqueConstraint(fields=["name"], name="organization_name_unique"),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self):
        return reverse("registry:organization-detail", args=[self.pk])

    @property
    def label(self) -> str:
        return localized(self.name, self.name_zh)


# --- The registry of capacity-building activities (plan §19, §27, §31(d)) -----------------------


class ActivityStatus(models.TextChoices):
    PIPELINE = "pipeline", _("Pipeline")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Modality(models.TextChoices):
    """How the cooperation is organized (seed 001; plan §21)."""

    NORTH_SOUTH = "north_south", _("North-South")
    SOUTH_SOUTH = "south_south", _("South-South")
    TRIANGULAR = "triangular", _("Triangular")
    MULTILATERAL = "multilateral", _("Multilateral")


SOUTH_SOUTH_MODALITIES = frozenset({Modality.SOUTH_SOUTH, Modality.TRIANGULAR})


class ActivityScope(models.TextChoices):
    NATIONAL = "national", _("National")
    SUBREGIONAL = "subregional", _("Subregional")
    REGIONAL = "regional", _("Regional")
    GLOBAL = "global", _("Global")


IDENTIFIER_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    _("Use letters, digits, dots, hyphens and underscores only, starting with a letter or digit."),
)


class ActivityQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def in_time_order(self):
        """Earliest start first (actual, else planned); undated last, on every database."""
        return self.annotate(start_on=Coalesce("actual_start", "planned_start")).order_by(
            F("start_on").asc(nulls_last=True), "title", "pk"
        )

    def for_listing(self):
        """What a row of a list shows, in a fixed number of queries whatever the rows."""
        return self.select_related("lead_division").prefetch_related(
            models.Prefetch(
                "activity_countries",
                queryset=ActivityCountry.objects.select_related("country").order_by(
                    "country__name"
                ),
            ),
            "thematic_areas",
        )

    def with_everything(self):
        """Every relation a detail page, an export or the history needs."""
        return self.select_related("lead_division", "subprogramme", "parent").prefetch_related(
            models.Prefetch(
                "activity_countries",
                queryset=ActivityCountry.objects.select_related("country").order_by(
                    "country__name"
                ),
            ),
            "regional_offices",
            "thematic_areas",
            "cross_cutting_issues",
            "meas",
            "support_types",
            models.Prefetch(
                "partnerships",
                queryset=Partnership.objects.select_related("organization").order_by(
                    "role", "organization__name"
                ),
            ),
            models.Prefetch(
                "funding_lines",
                queryset=FundingLine.objects.select_related("funder", "source_kind").order_by(
                    "year", "funder__name", "pk"
                ),
            ),
            models.Prefetch("links", queryset=ActivityLink.objects.order_by("kind", "pk")),
            models.Prefetch("children", queryset=Activity.objects.in_time_order()),
        )


# The dates and counts of an activity, and their bounds (bali_portal.bounds).
ACTIVITY_BOUNDS = {
    "planned_start": bounds.DATE,
    "planned_end": bounds.DATE,
    "actual_start": bounds.DATE,
    "actual_end": bounds.DATE,
    "people_trained_female": bounds.PEOPLE,
    "people_trained_male": bounds.PEOPLE,
    "people_trained_other": bounds.PEOPLE,
    "institutions_supported": bounds.INSTITUTIONS,
}


class Activity(models.Model):
    """A technical-support or capacity-building activity (the records of seed 001 §14-61)."""

    identifier = models.CharField(
        _("identifier"),
        max_length=60,
        unique=True,
        validators=[IDENTIFIER_VALIDATOR],
        help_text=_(
            "A stable code for this activity, e.g. UNEP-KSLCI. Imports match records by it; "
            "it becomes the end of the IATI identifier, so never change it once published."
        ),
    )
    title = models.CharField(_("title"), max_length=300)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.PIPELINE
    )
    planned_start = models.DateField(
        _("planned start"), null=True, blank=True, validators=bounds.DATE.validators()
    )
    planned_end = models.DateField(
        _("planned end"), null=True, blank=True, validators=bounds.DATE.validators()
    )
    actual_start = models.DateField(
        _("actual start"), null=True, blank=True, validators=bounds.DATE.validators()
    )
    actual_end = models.DateField(
        _("actual end"), null=True, blank=True, validators=bounds.DATE.validators()
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of (programme or earlier phase)"),
    )
    phase = models.CharField(_("phase"), max_length=120, blank=True)
    lead_division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("lead division"),
    )
    subprogramme = models.ForeignKey(
        Subprogramme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("subprogramme"),
    )
    regional_offices = models.ManyToManyField(
        RegionalOffice, blank=True, related_name="activities", verbose_name=_("regional offices")
    )
    countries = models.ManyToManyField(
        Country,
        through="ActivityCountry",
        blank=True,
        related_name="activities",
        verbose_name=_("countries"),
    )
    scope = models.CharField(
        _("scope"), max_length=20, choices=ActivityScope.choices, default=ActivityScope.NATIONAL
    )
    thematic_areas = models.ManyToManyField(
        ThematicArea, blank=True, related_name="activities", verbose_name=_("thematic areas")
    )
    cross_cutting_issues = models.ManyToManyField(
        CrossCuttingIssue,
        blank=True,
        related_name="activities",
        verbose_name=_("cross-cutting issues"),
    )
    meas = models.ManyToManyField(
        MEA,
        blank=True,
        related_name="activities",
        verbose_name=_("multilateral environmental agreements"),
    )
    support_types = models.ManyToManyField(
        SupportType, blank=True, related_name="activities", verbose_name=_("types of support")
    )
    modality = models.CharField(_("cooperation modality"), max_length=20, choices=Modality.choices)

    # --- Results ----------------------------------------------------------------------------
    people_trained_female = models.PositiveIntegerField(
        _("women trained"), null=True, blank=True, validators=bounds.PEOPLE.validators()
    )
    people_trained_male = models.PositiveIntegerField(
        _("men trained"), null=True, blank=True, validators=bounds.PEOPLE.validators()
    )
    people_trained_other = models.PositiveIntegerField(
        _("others trained, or gender not recorded"),
        null=True,
        blank=True,
        validators=bounds.PEOPLE.validators(),
    )
    institutions_supported = models.PositiveIntegerField(
        _("institutions supported"),
        null=True,
        blank=True,
        validators=bounds.INSTITUTIONS.validators(),
    )
    outputs = models.TextField(_("outputs"), blank=True)
    results_narrative = models.TextField(_("results"), blank=True)

    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Published records are public.")
    )
    requests = models.ManyToManyField(
        "requests_app.Request",
        blank=True,
        related_name="activities",
        verbose_name=_("requests it answers"),
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    # Kept up to date by registry.search, called by every service that changes what a record
    # says (its own fields, partners, funders, countries, themes); see that module.
    search_document = models.TextField(blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    # The heading alone (identifier and titles): small and stored in the row, so that results
    # are ordered by how well the title answers the query without reading every match's
    # full vector (registry.search).
    search_title_vector = SearchVectorField(null=True, editable=False)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["status"], name="activity_status"),
            models.Index(fields=["modality"], name="activity_modality"),
            # Lists in title order, published or not: a page's keys are read from this index
            # alone, however deep the page (issue 14; it replaces (is_published, title)).
            models.Index(
                fields=["title", "id"], include=["is_published"], name="activity_title_order"
            ),
            # Created on PostgreSQL only (migration 0004); SQLite searches the plain document.
            GinIndex(fields=["search_vector"], name="activity_search_vector"),
            # Finds the matches whose title names a query word: the first results (0006).
            GinIndex(fields=["search_title_vector"], name="activity_search_title_vector"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActivityStatus.values), name="activity_status_is_known"
            ),
            models.CheckConstraint(
                condition=Q(modality__in=Modality.values), name="activity_modality_is_known"
            ),
            models.CheckConstraint(
                condition=Q(scope__in=ActivityScope.values), name="activity_scope_is_known"
            ),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(planned_end__isnull=True)
                | Q(planned_end__gte=F("planned_start")),
                name="activity_planned_end_after_start",
                violation_error_message=_("The planned end cannot be before the planned start."),
            ),
            models.CheckConstraint(
                condition=Q(actual_start__isnull=True)
                | Q(actual_end__isnull=True)
                | Q(actual_end__gte=F("actual_start")),
                name="activity_actual_end_after_start",
                violation_error_message=_("The actual end cannot be before the actual start."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="activity_is_not_its_own_parent",
                violation_error_message=_("An activity cannot be part of itself."),
            ),
            *(bound.constraint("activity", field) for field, bound in ACTIVITY_BOUNDS.items()),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("registry:activity-detail", args=[self.pk])

    @property
    def label(self) -> str:
        return localized(self.title, self.title_zh)

    @property
    def start_date(self):
        return self.actual_start or self.planned_start

    @property
    def end_date(self):
        return self.actual_end or self.planned_end

    @property
    def people_trained_total(self) -> int | None:
        values = [self.people_trained_female, self.people_trained_male, self.people_trained_other]
        if all(value is None for value in values):
            return None
        return sum(value or 0 for value in values)

    @property
    def is_south_south(self) -> bool:
        return self.modality in SOUTH_SOUTH_MODALITIES


class ActivityCountry(models.Model):
    """A country an activity works in, with its optional share of the activity (percent)."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="activity_countries"
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="activity_countries",
        verbose_name=_("country"),
    )
    share_percent = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        ordering = ["country__name"]
        verbose_name = _("country of an activity")
        verbose_name_plural = _("countries of activities")
        # Matching reads a country's activities from the index alone (registry.matching).
        indexes = [models.Index(fields=["country", "activity"], name="activity_country_by_code")]
        constraints = [
            models.UniqueConstraint(fields=["activity", "country"], name="activity_country_once"),
            models.CheckConstraint(
                condition=Q(share_percent__isnull=True)
                | Q(share_percent__gte=0, share_percent__lte=100),
                name="activity_country_share_0_to_100",
            ),
        ]

    def __str__(self):
        return f"{self.activity_id} {self.country_id}"


class PartnerRole(models.TextChoices):
    IMPLEMENTING = "implementing", _("Implementing partner")
    FUNDING = "funding", _("Funder")
    TECHNICAL = "technical", _("Technical partner or centre of excellence")
    BENEFICIARY = "beneficiary", _("Beneficiary institution")


class Partnership(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="partnerships")
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="partnerships",
        verbose_name=_("organization"),
    )
    role = models.CharField(_("role"), max_length=20, choices=PartnerRole.choices)

    class Meta:
        ordering = ["role", "organization__name"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "organization", "role"], name="partnership_once_per_role"
            ),
            models.CheckConstraint(
                condition=Q(role__in=PartnerRole.values), name="partnership_role_is_known"
            ),
        ]

    def __str__(self):
        return f"{self.organization} ({self.get_role_display()})"


class FundingLine(models.Model):
    """Money for an activity from one funder (plan §33-36: where the resources come from)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="funding_lines")
    funder = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="funding_lines",
        verbose_name=_("funder"),
    )
    source_kind = models.ForeignKey(
        FundingSourceKind,
        on_delete=models.PROTECT,
        related_name="funding_lines",
        verbose_name=_("kind of source"),
    )
    amount = models.DecimalField(
        _("amount"), max_digits=16, decimal_places=2, validators=bounds.AMOUNT.validators()
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        validators=[validate_currency],
        help_text=_("ISO 4217 code, e.g. USD, EUR."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=bounds.YEAR.validators(),
    )
    amount_usd = models.DecimalField(
        _("amount (USD)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=bounds.USD.validators(),
        help_text=_("Equivalent in US dollars, when known."),
    )

    class Meta:
        ordering = ["year", "pk"]
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="funding_currency_is_iso4217"
            ),
            bounds.AMOUNT.constraint("funding", "amount"),
            bounds.USD.constraint("funding", "amount_usd"),
            bounds.YEAR.constraint("funding", "year"),
        ]

    def __str__(self):
        return f"{self.funder}: {self.currency} {self.amount}"


class LinkKind(models.TextChoices):
    WEB_PAGE = "web_page", _("Web page")
    DOCUMENT = "document", _("Document")
    IATI = "iati", _("IATI activity identifier")
    GEF = "gef", _("GEF project identifier")
    OTHER_IDENTIFIER = "other_identifier", _("Other identifier")


# Kinds that name a record in another database rather than point at a page.
IDENTIFIER_LINK_KINDS = frozenset({LinkKind.IATI, LinkKind.GEF, LinkKind.OTHER_IDENTIFIER})


class ActivityLink(models.Model):
    """A web page, a document or the activity's identifier in another database (§27, §31(d))."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("kind"), max_length=20, choices=LinkKind.choices)
    url = models.URLField(_("address"), max_length=500, blank=True)
    identifier = models.CharField(_("identifier"), max_length=120, blank=True)
    label = models.CharField(_("label"), max_length=200, blank=True)

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("link")
        verbose_name_plural = _("links")
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(identifier=""), name="link_has_url_or_identifier"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=LinkKind.values), name="link_kind_is_known"
            ),
        ]

    def __str__(self):
        return self.label or self.identifier or self.url


class ActivityChange(models.Model):
    """Who changed an activity, when, and what: one row per save by a person or an import."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        IMPORTED = "imported", _("Imported")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    changed_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # {column: [before, after]}, in the columns of the CSV export.
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("change of an activity")
        verbose_name_plural = _("changes of activities")

    def __str__(self):
        return f"{self.activity_id} {self.action} {self.changed_at:%Y-%m-%d %H:%M}"


# --- Sources of assistance (seed 004 §2(a-c), §10(b-d)) -----------------------------------------


class AssistanceKind(models.TextChoices):
    FINANCIAL = "financial", _("Financial")
    TECHNICAL = "technical", _("Technical")
    BOTH = "both", _("Financial and technical")


class AssistanceSource(models.Model):
    """Who offers what financial or technical help, to whom, and how to apply."""

    name = models.CharField(_("name"), max_length=300, unique=True)
    provider = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="assistance_sources",
        verbose_name=_("provider"),
    )
    kind = models.CharField(_("kind of assistance"), max_length=20, choices=AssistanceKind.choices)
    description = models.TextField(_("what it offers"), blank=True)
    eligibility = models.TextField(_("who can get it"), blank=True)
    eligible_regional_offices = models.ManyToManyField(
        RegionalOffice,
        blank=True,
        related_name="assistance_sources",
        verbose_name=_("regions eligible"),
        help_text=_("Leave empty when every region is eligible."),
    )
    how_to_apply = models.TextField(_("how to apply"), blank=True)
    website = models.URLField(_("website"), blank=True)
    thematic_areas = models.ManyToManyField(
        ThematicArea, blank=True, related_name="assistance_sources", verbose_name=_("themes")
    )
    support_types = models.ManyToManyField(
        SupportType,
        blank=True,
        related_name="assistance_sources",
        verbose_name=_("types of support"),
    )
    is_active = models.BooleanField(_("open"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("source of assistance")
        verbose_name_plural = _("sources of assistance")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AssistanceKind.values), name="assistance_kind_is_known"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("registry:assistance-source-detail", args=[self.pk])


# --- The South-South exchange mechanism's offers (seed 001 §68-70, §74) -------------------------


class SolutionKind(models.TextChoices):
    TECHNOLOGY = "technology", _("Technology")
    EXPERTISE = "expertise", _("Expertise")
    METHOD = "method", _("Method")
    TOOL = "tool", _("Tool or toolkit")
    GUIDELINE = "guideline", _("Guideline")
    BEST_PRACTICE = "best_practice", _("Best practice")
    ADVISORY = "advisory", _("Advisory service")
    TRAINING = "training", _("Training opportunity")
    NETWORK = "network", _("Network")


class Solution(models.Model):
    title = models.CharField(_("title"), max_length=300)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=SolutionKind.choices)
    description = models.TextField(_("description"), blank=True)
    provider = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="solutions",
        verbose_name=_("provider"),
    )
    thematic_areas = models.ManyToManyField(
        ThematicArea, blank=True, related_name="solutions", verbose_name=_("themes")
    )
    cross_cutting_issues = models.ManyToManyField(
        CrossCuttingIssue,
        blank=True,
        related_name="solutions",
        verbose_name=_("cross-cutting issues"),
    )
    support_types = models.ManyToManyField(
        SupportType, blank=True, related_name="solutions", verbose_name=_("types of support")
    )
    countries = models.ManyToManyField(
        Country, blank=True, related_name="solutions", verbose_name=_("where it has worked")
    )
    is_south_south = models.BooleanField(
        _("offered for South-South cooperation"),
        default=True,
        help_text=_("Offered by a provider in the South, to other developing countries."),
    )
    source_activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="solutions",
        verbose_name=_("activity it comes from"),
    )
    website = models.URLField(_("website"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("solution")
        verbose_name_plural = _("solutions")
        constraints = [
            models.UniqueConstraint(
                fields=["title", "provider"], name="solution_once_per_provider"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SolutionKind.values), name="solution_kind_is_known"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("registry:solution-detail", args=[self.pk])

    @property
    def label(self) -> str:
        return localized(self.title, self.title_zh)
