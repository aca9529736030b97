from django.contrib import admin

from bali_portal.admin import ReadOnlyAdmin

from .models import Designation, DesignationEvent


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
