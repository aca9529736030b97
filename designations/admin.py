from django.contrib import admin

from .models import Designation, DesignationEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Read-only: designations change through /focal-points/ and the API, whose services write
    each step's event."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Designation)
class DesignationAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "country", "status", "starts_on", "ends_on", "account"]
    list_filter = ["status", "country__regional_office"]
    search_fields = ["full_name", "email", "ministry"]
    list_select_related = ["country", "account"]


@admin.register(DesignationEvent)
class DesignationEventAdmin(ReadOnlyAdmin):
    list_display = ["designation", "action", "actor", "created_at"]
    list_select_related = ["designation", "actor"]
