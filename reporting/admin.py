from django.contrib import admin
from django.core.exceptions import ValidationError

from . import services
from .models import DivisionAllocation, FollowUpInvitation, ReportRun


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


@admin.register(DivisionAllocation)
class DivisionAllocationAdmin(admin.ModelAdmin):
    """The divisions' BSP allocations, edited through the service (its checks, who may)."""

    list_display = ["division", "biennium", "amount_usd", "note", "updated_by", "updated_at"]
    list_filter = ["first_year", "division"]
    fields = ["division", "first_year", "amount_usd", "note"]
    list_select_related = ["division", "updated_by"]

    def save_model(self, request, obj, form, change):
        try:
            saved = services.set_division_allocation(
                actor=request.user,
                division=obj.division_id,
                first_year=obj.first_year,
                amount_usd=obj.amount_usd,
                note=obj.note,
            )
        except services.ReportError as error:
            raise ValidationError(error.errors) from None
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False  # a biennium's allocation is corrected, never removed


@admin.register(FollowUpInvitation)
class FollowUpInvitationAdmin(admin.ModelAdmin):
    """Written and sent by the daily task; shown, never changed."""

    list_display = ["request", "months_after", "created_at", "sent_at", "recipients"]
    list_filter = ["months_after"]
    list_select_related = ["request"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
