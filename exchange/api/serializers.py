"""Shapes of the exchange in the API: codes in, codes out (as the requests' API)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bali_portal.serializers import ChoiceLabelField, StrictJSONTypes
from registry.models import Country, Organization, SupportType, ThematicArea
from requests_app.api.serializers import CodeListField

from ..models import LANGUAGE_CHOICES, Expert, Offer, Proposal


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class CodesField(serializers.Field):
    """The codes of a prefetched list (``["T02", "T07"]``)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, manager):
        return [item.pk for item in manager.all()]


class OfferSerializer(serializers.ModelSerializer):
    provider_country = serializers.CharField(
        source="provider_country_id", read_only=True, allow_null=True
    )
    provider_organization = serializers.IntegerField(
        source="provider_organization_id", read_only=True, allow_null=True
    )
    provider_name = serializers.CharField(source="provider_label", read_only=True)
    thematic_areas = CodesField()
    support_types = CodesField()
    countries_served = CodesField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Offer
        fields = [
            "id", "url", "provider_country", "provider_organization", "provider_name", "title",
            "description", "thematic_areas", "support_types", "countries_served", "languages",
            "contact_name", "contact_email", "is_published", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class OfferInputSerializer(StrictJSONTypes, serializers.Serializer):
    """An offer as a provider sends it; the service checks who may offer for whom."""

    provider_country = serializers.SlugRelatedField(
        slug_field="code", queryset=Country.objects.all(), required=False, allow_null=True
    )
    provider_organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(kind=Organization.Kind.REGIONAL_CENTRE),
        required=False,
        allow_null=True,
    )
    title = serializers.CharField(max_length=300, required=False)
    description = serializers.CharField(required=False)
    thematic_areas = CodeListField(ThematicArea, required=False)
    support_types = CodeListField(SupportType, required=False)
    countries_served = CodeListField(Country, required=False)
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=LANGUAGE_CHOICES), required=False
    )
    contact_name = serializers.CharField(max_length=200, required=False)
    contact_email = serializers.EmailField(required=False)
    is_published = serializers.BooleanField(required=False)


class ExpertSerializer(serializers.ModelSerializer):
    centre = serializers.IntegerField(source="centre_id", read_only=True)
    centre_name = serializers.CharField(source="centre.label", read_only=True)
    thematic_areas = CodesField()
    countries = CodesField()

    class Meta:
        model = Expert
        fields = [
            "id", "centre", "centre_name", "full_name", "email", "expertise", "thematic_areas",
            "languages", "countries", "is_available",
        ]  # fmt: skip
        read_only_fields = fields


class ProposalSerializer(serializers.ModelSerializer):
    request = serializers.CharField(source="request.reference", read_only=True)
    centre = serializers.IntegerField(source="centre_id", read_only=True)
    centre_name = serializers.CharField(source="centre.label", read_only=True)
    status_label = ChoiceLabelField(Proposal._meta.get_field("status").choices, source="status")
    experts = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id", "request", "centre", "centre_name", "summary", "experts", "status",
            "status_label", "created_at", "decided_at", "decision_note",
        ]  # fmt: skip
        read_only_fields = fields


class ProposalInputSerializer(StrictJSONTypes, serializers.Serializer):
    summary = serializers.CharField()
    experts = serializers.ListField(child=serializers.IntegerField(), required=False)


class DecisionInputSerializer(StrictJSONTypes, serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)


class SharingInputSerializer(StrictJSONTypes, serializers.Serializer):
    share_with_partners = serializers.BooleanField()
