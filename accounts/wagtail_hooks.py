"""The security audit log in the Wagtail admin (superusers only, read-only, filterable), and
the admin's user forms wired to the same consequences as `accounts.services`."""

import django_filters

from django.contrib.auth.models import Permission
from django.urls import path
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from forums.models import ModerationLog

from . import policies, services
from .models import SecurityEvent, User


class SecurityLogPolicy(BasePermissionPolicy):
    """Superusers may look; nobody may add, change or delete an entry, in the admin or elsewhere."""

    def user_has_permission(self, user, action: str) -> bool:
        return action == "view" and policies.can_view_security_log(user)

    def user_has_any_permission(self, user, actions) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return User.objects.none()
        return User.objects.filter(is_active=True, is_superuser=True)


register_permission_policy(SecurityEvent, SecurityLogPolicy(SecurityEvent))
register_permission_policy(ModerationLog, SecurityLogPolicy(ModerationLog))


class SecurityEventFilterSet(WagtailFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=SecurityEvent.Kind.choices, label=_("Event"))
    created_at = django_filters.DateFromToRangeFilter(label=_("Time"), widget=DateRangePickerWidget)
    user_label = django_filters.CharFilter(lookup_expr="icontains", label=_("Account"))
    actor_label = django_filters.CharFilter(lookup_expr="icontains", label=_("Done by"))
    ip = django_filters.CharFilter(lookup_expr="startswith", label=_("IP address"))

    class Meta:
        model = SecurityEvent
        fields = ["kind", "created_at", "user_label", "actor_label", "ip"]


class ReadOnlyViewSet(ModelViewSet):
    """List and inspect only: the model's permission policy refuses every write."""

    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    add_to_admin_menu = False

    def get_permissions_to_register(self):
        return Permission.objects.none()  # no group can be given what the policy refuses

    def get_urlpatterns(self):
        # No add, edit, delete or copy views at all, not merely refused ones.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]


class SecurityEventViewSet(ReadOnlyViewSet):
    model = SecurityEvent
    icon = "warning"
    menu_label = _("Security events")
    name = "security-events"
    list_display = ["created_at", "kind", "user_label", "actor_label", "ip", "summary"]
    filterset_class = SecurityEventFilterSet
    inspect_view_fields = ["created_at", "kind", "user_label", "actor_label", "ip", "detail"]
    list_per_page = 50


class ModerationLogFilterSet(WagtailFilterSet):
    action = django_filters.CharFilter(lookup_expr="iexact", label=_("Action"))
    created_at = django_filters.DateFromToRangeFilter(label=_("Time"), widget=DateRangePickerWidget)

    class Meta:
        model = ModerationLog
        fields = ["action", "space", "created_at"]


class ModerationLogIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("space", "actor")


class ModerationLogViewSet(ReadOnlyViewSet):
    """forums keeps the moderation log (actor, target, reason, time); it is read here, beside
    the security events, so one person reviews both."""

    model = ModerationLog
    icon = "comment"
    menu_label = _("Moderation log")
    name = "moderation-log"
    list_display = ["created_at", "action", "space", "actor", "target_type", "target_id", "reason"]
    filterset_class = ModerationLogFilterSet
    inspect_view_fields = ["created_at", "action", "space", "actor", "target_type", "target_id", "reason"]
    index_view_class = ModerationLogIndexView
    list_per_page = 50


class SecurityGroup(ModelViewSetGroup):
    menu_label = _("Security")
    menu_icon = "lock"
    menu_order = 900
    items = (SecurityEventViewSet, ModerationLogViewSet)


@hooks.register("register_admin_viewset")
def register_security_log():
    return SecurityGroup()


# ---- Wagtail's user forms: switching an account off has the same consequences everywhere ----


@hooks.register("before_edit_user")
def remember_active(request, user) -> None:
    request._legis_user_was_active = user.is_active


@hooks.register("after_edit_user")
def activity_changed_in_admin(request, user) -> None:
    was_active = getattr(request, "_legis_user_was_active", None)
    if was_active is None or was_active == user.is_active:
        return
    if user.is_active:
        services.account_reactivated_elsewhere(user=user, request=request)
    else:
        services.account_deactivated_elsewhere(user=user, request=request)


@hooks.register("before_delete_user")
def remember_deleted(request, user) -> None:
    request._legis_deleted_user_id = user.pk


@hooks.register("after_delete_user")
def deleted_in_admin(request, user) -> None:
    user_id = getattr(request, "_legis_deleted_user_id", None)
    if user_id is not None:
        services.account_removed_by_admin(user_id=user_id, email=user.email, request=request)
