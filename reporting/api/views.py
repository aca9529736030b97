"""``/api/v1/reports/``: start an annual report run, follow it, download its files.

The same rules as the pages: who may see runs comes from ``selectors`` (anyone else gets a
404), the one write from ``services``.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .. import selectors, services
from ..models import ReportRun
from ..views import serve_file
from .serializers import ReportRunSerializer, RunInputSerializer


class ReportAPIMixin:
    permission_classes = [IsAuthenticated]
    serializer_class = ReportRunSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema's generation
            return ReportRun.objects.none()
        if not selectors.can_read_runs(self.request.user):
            raise NotFound
        return selectors.runs_visible_to(self.request.user)


class ReportRunListView(ReportAPIMixin, GenericAPIView):
    @extend_schema(responses=ReportRunSerializer(many=True))
    def get(self, request):
        self.get_queryset()  # 404 for those who may not see runs at all
        page = self.paginate_queryset(selectors.run_list_visible_to(request.user))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=RunInputSerializer,
        responses={202: ReportRunSerializer, 400: OpenApiResponse(description="Invalid input")},
    )
    def post(self, request):
        self.get_queryset()  # 404 for those who may not see runs at all
        if not selectors.can_start_runs(request.user):
            raise PermissionDenied("Only the BSP coordinator can start an annual report.")
        data = RunInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            run = services.start_report_run(
                actor=request.user,
                year=data.validated_data.get("year"),
                language=data.validated_data.get("language"),
                period_start=data.validated_data.get("period_start"),
                period_end=data.validated_data.get("period_end"),
                regional_office=data.validated_data.get("regional_office"),
            )
        except services.ReportError as error:
            raise ValidationError(error.errors) from None
        body = self.get_serializer(run).data
        location = request.build_absolute_uri(reverse("api-report-detail", args=[run.pk]))
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": location})


class ReportRunDetailView(ReportAPIMixin, GenericAPIView):
    def get_serializer_context(self):
        return {**super().get_serializer_context(), "with_headline": True}

    def get(self, request, pk):
        run = self.get_queryset().filter(pk=pk).first()
        if run is None:
            raise NotFound
        return Response(self.get_serializer(run).data)


class ReportRunDownloadView(ReportAPIMixin, GenericAPIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk, kind):
        run = self.get_queryset().filter(pk=pk).first()
        if run is None:
            raise NotFound
        return serve_file(run, kind)
