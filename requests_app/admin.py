from django.contrib import admin
from django.core.exceptions import PermissionDenied

from bali_portal.admin import ReadOnlyAdmin

from . import models, services


@admin.register(models.Request)
class RequestAdmin(ReadOnlyAdmin):
    """A request changes only through its services (each change an event of its history, the
    country told): the admin only reads it."""

    list_display = [
        "reference",
        "title",
        "country",
        "state",
        "regional_office",
        "lead_division",
        "submitted_at",
    ]
    list_filter = ["state", "regional_office", "lead_division"]
    search_fields = ["reference", "title"]
    list_select_related = ["country", "regional_office", "lead_division"]


@admin.register(models.RequestEvent)
class RequestEventAdmin(ReadOnlyAdmin):
    """Events are the immutable history: the admin can read them and nothing else."""

    list_display = ["request", "action", "from_state", "to_state", "actor", "created_at"]
    list_filter = ["action"]
    list_select_related = ["request", "actor"]


@admin.register(models.ServiceLevel)
class ServiceLevelAdmin(admin.ModelAdmin):
    """The clocks, changed through ``services.update_service_levels`` (its checks: the
    coordinator only, days within their bounds), as the service levels page does."""

    list_display = ["acknowledge_days", "decision_days", "acceptance_days", "updated_at"]
    fields = list(services.SERVICE_LEVEL_FIELDS)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data.get(name) for name in services.SERVICE_LEVEL_FIELDS}
        try:
            services.update_service_levels(actor=request.user, values=values)
        except services.RequestError as error:
            raise PermissionDenied(error.message) from error


# --- staff (issue 4) ---


@admin.register(models.DigestRun)
class DigestRunAdmin(admin.ModelAdmin):
    """What the daily overdue digest sent, to whom; written by the job only."""

    list_display = ["day", "kind", "recipient", "sent_at"]
    list_filter = ["kind", "day"]
    list_select_related = ["recipient"]
    readonly_fields = ["day", "kind", "recipient", "references", "created_at", "sent_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
