"""LTI registrations in the Django admin (/django-admin/): platforms, LMS course → cohort
mappings, the accounts launches made, and this tool's keys (public halves only)."""

from django.contrib import admin

from .models import LtiCourseMapping, LtiPlatform, LtiToolKey, LtiUserLink


class LtiCourseMappingInline(admin.TabularInline):
    model = LtiCourseMapping
    extra = 0


@admin.register(LtiPlatform)
class LtiPlatformAdmin(admin.ModelAdmin):
    list_display = ["name", "issuer", "client_id", "institution"]
    search_fields = ["name", "issuer", "client_id"]
    list_filter = ["institution"]
    inlines = [LtiCourseMappingInline]


@admin.register(LtiCourseMapping)
class LtiCourseMappingAdmin(admin.ModelAdmin):
    list_display = ["platform", "context_id", "context_title", "cohort", "instructors_as_tutors"]
    list_filter = ["platform"]
    search_fields = ["context_id", "context_title", "cohort__title"]
    list_select_related = ["platform", "cohort"]


@admin.register(LtiUserLink)
class LtiUserLinkAdmin(admin.ModelAdmin):
    list_display = ["platform", "subject", "user", "email", "last_launch_at"]
    list_filter = ["platform"]
    search_fields = ["subject", "email", "user__display_name"]
    readonly_fields = ["platform", "subject", "user", "email", "created_at", "last_launch_at"]
    list_select_related = ["platform", "user"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(LtiToolKey)
class LtiToolKeyAdmin(admin.ModelAdmin):
    list_display = ["kid", "active", "created_at"]
    fields = ["kid", "active", "public_jwk", "created_at"]
    readonly_fields = ["kid", "public_jwk", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False
