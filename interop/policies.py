"""Who may export the curriculum. The one place `interop` decides it.

Exporting copies readings out of Legis into another LMS, so it is for the people who
look after the curriculum or run training with it:
- editors: anyone Wagtail lets edit the module (its groups and page permissions);
- programme staff: superusers and holders of `courses.manage_any_cohort`;
- institution admins: administrators of any institution (they build the modules into
  their own LMS).
LTI launches need no policy here: the platform's signed message is the credential.
"""

from django.contrib.auth.models import AnonymousUser

from wagtail.models import Page

from accounts.models import User
from courses.models import Course

ANYONE = AnonymousUser | User


def _is_staff(user: ANYONE) -> bool:
    return user.is_superuser or user.has_perm("courses.manage_any_cohort")


def _is_institution_admin(user: ANYONE) -> bool:
    return user.administered_institutions.exists()


def _is_editor(user: ANYONE, page: Page | None) -> bool:
    if page is not None:
        return page.permissions_for_user(user).can_edit()
    from wagtail.permission_policies.pages import PagePermissionPolicy

    return PagePermissionPolicy().user_has_any_permission(user, ["change", "publish"])


def can_export(user: ANYONE) -> bool:
    """May see the export pages at all."""
    if not user.is_authenticated or not user.is_active:
        return False
    return _is_staff(user) or _is_institution_admin(user) or _is_editor(user, None)


def can_export_module(user: ANYONE, module: Page) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return _is_staff(user) or _is_institution_admin(user) or _is_editor(user, module)


def can_export_programme(user: ANYONE, course: Course) -> bool:
    """A course syllabus is shared by every institution that runs it: the same people as for modules,
    with editors judged by their rights anywhere in the curriculum."""
    return can_export(user)
