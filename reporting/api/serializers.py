from django.urls import reverse
from rest_framework import serializers

from bali_portal.serializers import StrictJSONTypes

from .. import document
from ..models import FILE_KINDS, ReportRun


class RunInputSerializer(StrictJSONTypes, serializers.Serializer):
    """``{"year": 2026}`` or ``{"period_start": "2026-01-01", "period_end": "2026-06-30"}``,
    optional ``regional_office`` (a code) and ``language`` (one of the portal's); checked by
    ``services.validate_run_input``, which names each bad field."""

    year = serializers.IntegerField(required=False)
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)
    regional_office = serializers.CharField(required=False, allow_blank=True)
    language = serializers.CharField(required=False, allow_blank=True)


class HeadlineSerializer(serializers.Serializer):
    indicator = serializers.CharField(source="key")
    label = serializers.CharField()
    value = serializers.CharField(source="shown")
    previous_year = serializers.CharField(source="shown_previous")


class ReportRunSerializer(serializers.ModelSerializer):
    requested_by = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()
    headline = serializers.SerializerMethodField()

    class Meta:
        model = ReportRun
        fields = [
            "id",
            "year",
            "period_start",
            "period_end",
            "regional_office",
            "language",
            "status",
            "progress",
            "error",
            "attempts",
            "origin",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
            "files",
            "headline",
        ]
        read_only_fields = fields

    def get_requested_by(self, run) -> str | None:
        return run.requested_by.public_name if run.requested_by else None

    def get_files(self, run) -> dict[str, str]:
        """The download address of each file, once the run is done."""
        if not run.is_done:
            return {}
        request = self.context.get("request")
        urls = {
            kind: reverse("api-report-download", kwargs={"pk": run.pk, "kind": kind})
            for kind in FILE_KINDS
        }
        if request is not None:
            urls = {kind: request.build_absolute_uri(url) for kind, url in urls.items()}
        return urls

    def get_headline(self, run) -> list[dict]:
        """The headline figures (as the CSV has them), once the run is done."""
        if not run.is_done or not self.context.get("with_headline"):
            return []
        return HeadlineSerializer(document.headlines(run.snapshot), many=True).data
