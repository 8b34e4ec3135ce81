from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class LegisUserAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Legis", {"fields": ("display_name", "country", "preferred_language")}),
    )
    list_display = ("email", "display_name", "country", "is_staff", "is_active")
    search_fields = ("email", "display_name", "first_name", "last_name")
