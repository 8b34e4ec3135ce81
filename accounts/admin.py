from allauth.account.decorators import secure_admin_login

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from lms.errors import ServiceError

from . import services
from .models import User

# The Django admin signs people in through allauth too: same rate limits, same second factor.
admin.site.login = secure_admin_login(admin.site.login)


@admin.register(User)
class LegisUserAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Legis", {"fields": ("display_name", "pseudonym", "country", "preferred_language")}),
    )
    list_display = ("email", "display_name", "country", "is_staff", "is_active")
    search_fields = ("email", "display_name", "first_name", "last_name")
    actions = ["deactivate"]

    @admin.action(description=_("Deactivate the selected accounts"))
    def deactivate(self, request, queryset) -> None:
        done = 0
        for user in queryset:
            try:
                services.account_deactivate(actor=request.user, user=user, request=request)
                done += 1
            except ServiceError as exc:
                self.message_user(request, f"{user.email}: {exc.message}", messages.ERROR)
        if done:
            self.message_user(request, _("%(n)d accounts deactivated.") % {"n": done}, messages.SUCCESS)

    def save_model(self, request, obj, form, change) -> None:
        switched = change and "is_active" in form.changed_data
        super().save_model(request, obj, form, change)
        if switched and obj.is_active:
            services.account_reactivated_elsewhere(user=obj, request=request)
        elif switched:
            services.account_deactivated_elsewhere(user=obj, request=request)
