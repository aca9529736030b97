from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "full_name",
        "role",
        "country",
        "regional_office",
        "division",
        "forum",
        "organization",
        "is_active",
    ]
    list_filter = ["role", "regional_office", "division", "is_active"]
    search_fields = ["email", "full_name"]
    autocomplete_fields = ["country"]
    raw_id_fields = ["organization"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name",)}),
        (
            _("Role and scope"),
            {"fields": ("role", "country", "regional_office", "division", "forum", "organization")},
        ),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "role",
                    "country",
                    "regional_office",
                    "division",
                    "forum",
                    "organization",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
