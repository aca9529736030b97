"""The registry's API (``/api/v1/activities/`` …): public reads, scoped by the selectors."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from designations.access import RoleInForce
from requests_app.matching import matches_for
from requests_app.selectors import requests_visible_to

from .. import selectors
from ..exports import FORMATS, export_response
from ..filters import (
    ActivityFilterSet,
    AssistanceSourceFilterSet,
    OrganizationFilterSet,
    SolutionFilterSet,
)
from ..pagination import counted
from ..search import is_listed_by_title, listed_results, next_page_token
from .serializers import (
    ActivityDetailSerializer,
    ActivityListSerializer,
    AssistanceSourceSerializer,
    MatchResultsSerializer,
    OrganizationSerializer,
    SolutionSerializer,
)


def _facets_json(facets) -> list[dict]:
    return [
        {
            "name": facet.name,
            "label": facet.label,
            "items": [
                {"value": item.value, "label": item.label, "count": item.count}
                for item in facet.items
            ],
        }
        for facet in facets
    ]


class ActivityViewSet(viewsets.ReadOnlyModelViewSet):
    """Activities of the registry. Anyone reads the published ones; staff also their scope's."""

    permission_classes = [AllowAny]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ActivityFilterSet
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        activities = selectors.activities_visible_to(self.request.user)
        if self.action == "list":
            return activities  # list() reads each page's rows with for_listing()
        return activities.with_everything()

    def get_serializer_class(self):
        return ActivityListSerializer if self.action == "list" else ActivityDetailSerializer

    def _search_text(self) -> str:
        return self.request.query_params.get("search", "")

    def list(self, request, *args, **kwargs):
        """The page of results, with facet counts of the whole filtered list."""
        queryset = self.filter_queryset(self.get_queryset())
        summary = selectors.activity_summary(queryset)
        self.paginator.django_paginator_class = counted(summary.total, summary.estimated)
        text = self._search_text()
        after = request.query_params.get("after", "")
        page = self.paginate_queryset(listed_results(queryset, text, summary.keys, after))
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        if response.data.get("next") and is_listed_by_title(text):
            # In title order, the next page is read on from this page's last key (keyset).
            token = next_page_token(self.paginator.page.number, page)
            response.data["next"] = replace_query_param(response.data["next"], "after", token)
        response.data["facets"] = _facets_json(summary.facets)
        # More than selectors.EXACT_COUNT_LIMIT matches: the count and facets are estimates.
        response.data["count_is_estimate"] = summary.estimated
        return response


class IgnoreFormatNegotiation(BaseContentNegotiation):
    """``?format=`` names the export's file format here, not a DRF renderer."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ActivityExportView(APIView):
    """The filtered list of activities as a file: ``?format=csv|xlsx|json|iati|pdf``."""

    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = IgnoreFormatNegotiation

    @extend_schema(
        parameters=[
            OpenApiParameter("format", OpenApiTypes.STR, enum=list(FORMATS), required=True),
        ],
        # Each format's own media type, so that a client knows what it gets.
        responses={
            (200, media): OpenApiTypes.ANY if media == "application/json" else OpenApiTypes.BINARY
            for media in sorted({spec.content_type.split(";")[0] for spec in FORMATS.values()})
        },
    )
    def get(self, request):
        export_format = request.query_params.get("format", "")
        if export_format not in FORMATS:
            raise ValidationError(
                {"format": _("Choose one of: %(formats)s.") % {"formats": ", ".join(FORMATS)}}
            )
        filterset = ActivityFilterSet(
            request.query_params, queryset=selectors.activities_visible_to(request.user)
        )
        # An invalid filter must not silently widen the export.
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        context = {"request": request}
        return export_response(
            filterset.qs,
            export_format,
            base_url=request.build_absolute_uri("/").rstrip("/"),
            serialize=lambda activity: ActivityDetailSerializer(activity, context=context).data,
            title=_("Registry of capacity-building activities"),
            filters=_describe_filters(filterset),
        )


def _describe_filters(filterset) -> str:
    parts = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", [], ()) or (hasattr(value, "exists") and not value.exists()):
            continue
        label = filterset.filters[name].label
        if hasattr(value, "__iter__") and not isinstance(value, str):
            value = ", ".join(str(item) for item in value)
        parts.append(f"{label}: {value}")
    return "; ".join(parts)


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    serializer_class = OrganizationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = OrganizationFilterSet

    def get_queryset(self):
        return selectors.organizations_visible_to(self.request.user)


class SolutionViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    serializer_class = SolutionSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = SolutionFilterSet

    def get_queryset(self):
        return selectors.solutions_visible_to(self.request.user).prefetch_related(
            "thematic_areas", "support_types", "countries"
        )


class AssistanceSourceViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    serializer_class = AssistanceSourceSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = AssistanceSourceFilterSet

    def get_queryset(self):
        return selectors.assistance_sources_visible_to(self.request.user).prefetch_related(
            "thematic_areas", "support_types", "eligible_regional_offices"
        )


class RequestMatchesView(APIView):
    """Registry activities, solutions, organizations and sources that could answer a request.

    Only someone who can see the request gets an answer; anyone else gets 404.
    """

    permission_classes = [AllowAny, RoleInForce]

    @extend_schema(responses=MatchResultsSerializer)
    def get(self, request, reference: str):
        request_obj = get_object_or_404(
            requests_visible_to(request.user).select_related("country", "forum", "regional_office"),
            reference=reference.upper(),
        )
        results = matches_for(request_obj, user=request.user)
        return Response(MatchResultsSerializer(results).data)
