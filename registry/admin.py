from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from bali_portal.admin import ReadOnlyAdmin

from . import models, services
from .freshness import registry_changed


class RegistryChangesMixin:
    """Edits made here change names the registry's cached facets show (registry.freshness)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        registry_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        registry_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        registry_changed()


class ReferenceAdmin(RegistryChangesMixin, admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["code", "name", "name_zh"]


for model in (
    models.RegionalOffice,
    models.Division,
    models.ThematicArea,
    models.CrossCuttingIssue,
    models.MEA,
    models.Subprogramme,
    models.FundingSourceKind,
    models.SupportType,
):
    admin.site.register(model, ReferenceAdmin)


@admin.register(models.Country)
class CountryAdmin(ReferenceAdmin):
    """The coordinator keeps each country's classification, and says where a change comes from
    (the classification decides whether its requests can be submitted)."""

    list_display = [
        "code", "name", "name_zh", "regional_office", "economy", "ldc", "lldc", "sids",
        "classified_on", "is_active",
    ]  # fmt: skip
    list_editable = ["regional_office", "is_active"]
    list_filter = ["regional_office", "economy", "ldc", "lldc", "sids"]
    fieldsets = (
        (
            None,
            {"fields": ("code", "name", "name_zh", "regional_office", "sort_order", "is_active")},
        ),
        (
            _("Classification"),
            {
                "fields": (
                    "economy",
                    "ldc",
                    "lldc",
                    "sids",
                    "classification_source",
                    "classified_on",
                ),
                "description": _(
                    "The United Nations' classifications: economy from the World Economic "
                    "Situation and Prospects, LDC, LLDC and SIDS from the M49 standard. Requests "
                    "can be submitted for developing countries and economies in transition only. "
                    "When you change a classification, give its source and date."
                ),
            },
        ),
    )


@admin.register(models.Forum)
class ForumAdmin(ReferenceAdmin):
    list_display = ["code", "name", "kind", "regional_office", "sort_order", "is_active"]
    list_filter = ["kind", "regional_office"]
    filter_horizontal = ["countries", "priorities"]


@admin.register(models.Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "country"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym", "name_zh"]

    def save_model(self, request, obj, form, change):
        # Through the service, so that activities naming the organization are re-indexed.
        services.save_organization(actor=request.user, organization=obj)


@admin.register(models.Activity)
class ActivityAdmin(RegistryChangesMixin, admin.ModelAdmin):
    """Read-only: activities change through the registry's pages and import, which keep the
    history and the search index; the admin only shows them."""

    list_display = ["identifier", "title", "status", "lead_division", "is_published", "updated_at"]
    list_filter = ["status", "modality", "lead_division", "is_published"]
    search_fields = ["identifier", "title", "title_zh"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.ActivityChange)
class ActivityChangeAdmin(ReadOnlyAdmin):
    list_display = ["activity", "action", "changed_by", "changed_at"]
    list_select_related = ["activity", "changed_by"]


@admin.register(models.Solution)
class SolutionAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "provider", "is_south_south", "is_published"]
    list_filter = ["kind", "is_south_south"]
    search_fields = ["title", "title_zh"]

    # Saved through the service (its checks), the lists after the row.
    def save_model(self, request, obj, form, change):
        services.save_solution(actor=request.user, solution=obj, relations={})

    def save_related(self, request, form, formsets, change):
        relations = {name: form.cleaned_data[name] for name in _lists_of(form)}
        services.save_solution(actor=request.user, solution=form.instance, relations=relations)


@admin.register(models.AssistanceSource)
class AssistanceSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "provider", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]

    # Saved through the service (who may keep which source), the lists after the row.
    def save_model(self, request, obj, form, change):
        services.save_assistance_source(actor=request.user, source=obj, relations={})

    def save_related(self, request, form, formsets, change):
        relations = {name: form.cleaned_data[name] for name in _lists_of(form)}
        services.save_assistance_source(
            actor=request.user, source=form.instance, relations=relations
        )


def _lists_of(form) -> list[str]:
    """The form's many-to-many fields (the admin saves them after the row)."""
    return [
        field.name for field in form.instance._meta.many_to_many if field.name in form.cleaned_data
    ]
