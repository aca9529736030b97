from django.contrib import admin

from .models import ReportRun


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    """Runs are produced by the workers; the admin shows them and changes nothing."""

    list_display = [
        "year",
        "language",
        "status",
        "progress",
        "origin",
        "requested_by",
        "created_at",
    ]
    list_filter = ["status", "year", "language", "origin"]
    list_select_related = ["requested_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
