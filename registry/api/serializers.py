"""Shapes of the registry in the API (and in the JSON export). No business rules here."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    Activity,
    ActivityScope,
    ActivityStatus,
    AssistanceKind,
    AssistanceSource,
    Organization,
    Solution,
    SolutionKind,
)
from ..records import total_funding_usd


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class CodeListField(serializers.Field):
    """A relation as the list of its codes (the stable values the API takes and returns)."""

    def to_representation(self, manager):
        return [item.pk for item in manager.all()]


class OrganizationBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    acronym = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url")


class ActivityCountrySerializer(serializers.Serializer):
    code = serializers.CharField(source="country_id")
    name = serializers.CharField(source="country.name")
    share_percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


class ActivityListSerializer(serializers.ModelSerializer):
    # Plain strings: requests and report runs have their own "scope" and "status", and one
    # enum name in the OpenAPI schema cannot serve both.
    scope = serializers.CharField(help_text=", ".join(ActivityScope.values))
    status = serializers.CharField(help_text=", ".join(ActivityStatus.values))
    lead_division = serializers.CharField(source="lead_division_id")
    countries = ActivityCountrySerializer(source="activity_countries", many=True)
    thematic_areas = CodeListField()
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Activity
        fields = [
            "id",
            "identifier",
            "title",
            "title_zh",
            "status",
            "modality",
            "scope",
            "start_date",
            "end_date",
            "lead_division",
            "countries",
            "thematic_areas",
            "is_published",
            "url",
        ]


class PartnershipSerializer(serializers.Serializer):
    role = serializers.CharField()
    organization = OrganizationBriefSerializer()


class FundingLineSerializer(serializers.Serializer):
    funder = OrganizationBriefSerializer()
    source_kind = serializers.CharField(source="source_kind_id")
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    currency = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    amount_usd = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)


class LinkSerializer(serializers.Serializer):
    kind = serializers.CharField()
    url = serializers.CharField()
    identifier = serializers.CharField()
    label = serializers.CharField()


class ActivityRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    identifier = serializers.CharField()
    title = serializers.CharField()


class ActivityDetailSerializer(ActivityListSerializer):
    """Everything public about an activity (for ``with_everything()`` querysets)."""

    subprogramme = serializers.CharField(source="subprogramme_id", allow_null=True)
    regional_offices = CodeListField()
    cross_cutting_issues = CodeListField()
    meas = CodeListField()
    support_types = CodeListField()
    parent = ActivityRefSerializer(allow_null=True)
    children = ActivityRefSerializer(many=True)
    partners = PartnershipSerializer(source="partnerships", many=True)
    funding = FundingLineSerializer(source="funding_lines", many=True)
    total_funding_usd = serializers.SerializerMethodField()
    links = LinkSerializer(many=True)

    class Meta(ActivityListSerializer.Meta):
        fields = [
            *ActivityListSerializer.Meta.fields,
            "objectives",
            "description",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "parent",
            "phase",
            "children",
            "subprogramme",
            "regional_offices",
            "cross_cutting_issues",
            "meas",
            "support_types",
            "partners",
            "funding",
            "total_funding_usd",
            "people_trained_female",
            "people_trained_male",
            "people_trained_other",
            "institutions_supported",
            "outputs",
            "results_narrative",
            "links",
            "updated_at",
        ]

    def get_total_funding_usd(self, activity) -> str | None:
        total = total_funding_usd(activity)
        return None if total is None else f"{total:.2f}"


class OrganizationSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text=", ".join(Organization.Kind.values))
    country = serializers.CharField(source="country_id", allow_null=True)
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "name_zh",
            "acronym",
            "kind",
            "country",
            "website",
            "iati_ref",
            "description",
            "url",
        ]


class SolutionSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text=", ".join(SolutionKind.values))
    provider = OrganizationBriefSerializer()
    thematic_areas = CodeListField()
    support_types = CodeListField()
    countries = CodeListField()
    source_activity = serializers.IntegerField(source="source_activity_id", allow_null=True)
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Solution
        fields = [
            "id",
            "title",
            "title_zh",
            "kind",
            "description",
            "provider",
            "thematic_areas",
            "support_types",
            "countries",
            "is_south_south",
            "source_activity",
            "website",
            "url",
        ]


class AssistanceSourceSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text=", ".join(AssistanceKind.values))
    provider = OrganizationBriefSerializer()
    thematic_areas = CodeListField()
    support_types = CodeListField()
    eligible_regional_offices = CodeListField()
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = AssistanceSource
        fields = [
            "id",
            "name",
            "provider",
            "kind",
            "description",
            "eligibility",
            "eligible_regional_offices",
            "thematic_areas",
            "support_types",
            "how_to_apply",
            "website",
            "is_active",
            "url",
        ]


class MatchSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.SerializerMethodField()
    title = serializers.CharField()
    url = serializers.CharField()
    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())

    def get_id(self, match) -> str:
        return str(getattr(match.object, "reference", None) or match.object.pk)


class MatchResultsSerializer(serializers.Serializer):
    request = serializers.CharField(source="request.reference")
    activities = MatchSerializer(many=True)
    solutions = MatchSerializer(many=True)
    organizations = MatchSerializer(many=True)
    assistance_sources = MatchSerializer(many=True)
    possible_duplicates = MatchSerializer(many=True)
    offers = MatchSerializer(many=True)
