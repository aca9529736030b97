from django.contrib import admin

from . import models


@admin.register(models.Request)
class RequestAdmin(admin.ModelAdmin):
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
    raw_id_fields = ["country", "created_by", "assignee", "referred_to", "merged_into"]

    # The lifecycle is only moved by its services; the admin shows it.
    def get_readonly_fields(self, request, obj=None):
        return ["state", "reference"] if obj else []


@admin.register(models.RequestEvent)
class RequestEventAdmin(admin.ModelAdmin):
    """Events are the immutable history: the admin can read them and nothing else."""

    list_display = ["request", "action", "from_state", "to_state", "actor", "created_at"]
    list_filter = ["action"]
    list_select_related = ["request", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.ServiceLevel)
class ServiceLevelAdmin(admin.ModelAdmin):
    list_display = ["acknowledge_days", "decision_days", "acceptance_days", "updated_at"]


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
