"""Read-only API of the reference data (``/api/v1/reference/…``)."""

from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from .. import models


class ReferenceItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_zh = serializers.CharField()
    label = serializers.CharField(help_text="The name in the language of the request.")


class CountrySerializer(ReferenceItemSerializer):
    regional_office = serializers.CharField(source="regional_office_id")


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
