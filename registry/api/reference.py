"""Read-only API of the reference data (``/api/v1/reference/…``)."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from .. import models


class ReferenceItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(
        source="localized_name",
        help_text="The name in the language of the request (Accept-Language), English where "
        "no translation is kept.",
    )
    name_en = serializers.CharField(source="name", help_text="The name in English.")
    name_zh = serializers.CharField()
    name_fr = serializers.CharField()
    name_es = serializers.CharField()
    name_ru = serializers.CharField()
    name_ar = serializers.CharField()
    label = serializers.CharField(help_text="The name in the language of the request.")


class CountrySerializer(ReferenceItemSerializer):
    regional_office = serializers.CharField(source="regional_office_id")
    economy = serializers.ChoiceField(choices=models.Economy.choices)
    eligible = serializers.BooleanField(
        help_text="Whether requests can be filed for it: a developing country or an economy in "
        "transition (plan §1-3)."
    )
    ldc = serializers.BooleanField(help_text="A least developed country (M49).")
    lldc = serializers.BooleanField(help_text="A landlocked developing country (M49).")
    sids = serializers.BooleanField(help_text="A small island developing State (M49).")
    classification_source = serializers.CharField()
    classified_on = serializers.DateField(allow_null=True)


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class CodesField(serializers.Field):
    """The codes of a prefetched many-to-many relation, in the related items' order."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, manager):
        return [item.code for item in manager.all()]


class ForumSerializer(ReferenceItemSerializer):
    kind = serializers.ChoiceField(choices=models.ForumKind.choices)
    regional_office = serializers.CharField(source="regional_office_id")
    countries = CodesField(help_text="ISO alpha-3 codes of the member countries.")
    priorities = CodesField(help_text="Thematic areas the forum names as its region's priorities.")


def reference_viewset(model, serializer_class=ReferenceItemSerializer, queryset=None):
    """A public, unpaginated, read-only list and detail of one kind of reference item."""

    class ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
        permission_classes = [AllowAny]
        pagination_class = None
        filter_backends = []
        lookup_field = "code"

    ReferenceViewSet.queryset = queryset if queryset is not None else model.objects.active()
    ReferenceViewSet.serializer_class = serializer_class
    ReferenceViewSet.__name__ = f"{model.__name__}ViewSet"
    ReferenceViewSet.__qualname__ = ReferenceViewSet.__name__
    return ReferenceViewSet


CountryViewSet = reference_viewset(models.Country, CountrySerializer)
RegionalOfficeViewSet = reference_viewset(models.RegionalOffice)
DivisionViewSet = reference_viewset(models.Division)
ThematicAreaViewSet = reference_viewset(models.ThematicArea)
CrossCuttingIssueViewSet = reference_viewset(models.CrossCuttingIssue)
MEAViewSet = reference_viewset(models.MEA)
SubprogrammeViewSet = reference_viewset(models.Subprogramme)
FundingSourceKindViewSet = reference_viewset(models.FundingSourceKind)
SupportTypeViewSet = reference_viewset(models.SupportType)
ForumViewSet = reference_viewset(
    models.Forum,
    ForumSerializer,
    models.Forum.objects.active().prefetch_related(
        Prefetch("countries", queryset=models.Country.objects.order_by("code").only("code")),
        Prefetch("priorities", queryset=models.ThematicArea.objects.only("code", "sort_order")),
    ),
)
