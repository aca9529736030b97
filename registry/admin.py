from django.contrib import admin

from . import models


class ReferenceAdmin(admin.ModelAdmin):
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
    list_display = ["code", "name", "name_zh", "regional_office", "is_active"]
    list_editable = ["regional_office", "is_active"]
    list_filter = ["regional_office"]
