"""Who may see which results. The one place `reports` decides it.

- Programme managers (superusers, or holders of `reports.view_all_results`) see every cohort.
- Institution admins (`courses.Institution.admins`) see the cohorts their institutions own,
  and nothing else: not the central programme's cohorts, not another institution's.
- Everyone else sees no report at all (anonymous visitors are sent to log in; others get 403).

Every reports view asks `report_scope` first and then reads only through `ReportScope.cohorts()`.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import User
from courses.models import Cohort, Institution

ANYONE = AnonymousUser | User
VIEW_ALL_PERMISSION = "reports.view_all_results"


@dataclass(frozen=True)
class ReportScope:
    """What one viewer may see: every cohort, or the cohorts of some institutions."""

    all_cohorts: bool
    institution_ids: frozenset[int] = frozenset()

    @property
    def allowed(self) -> bool:
        return self.all_cohorts or bool(self.institution_ids)

    def cohorts(self) -> QuerySet[Cohort]:
        if self.all_cohorts:
            return Cohort.objects.all()
        return Cohort.objects.filter(institution_id__in=self.institution_ids)

    def institutions(self) -> QuerySet[Institution]:
        if self.all_cohorts:
            return Institution.objects.all()
        return Institution.objects.filter(pk__in=self.institution_ids)


NO_ACCESS = ReportScope(all_cohorts=False)


def is_programme_manager(user: ANYONE) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.has_perm(VIEW_ALL_PERMISSION)


def report_scope(user: ANYONE) -> ReportScope:
    """One query for an institution admin (their institutions); none for a superuser."""
    if not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    if is_programme_manager(user):
        return ReportScope(all_cohorts=True)
    ids = frozenset(
        Institution.admins.through.objects.filter(user_id=user.pk).values_list("institution_id", flat=True)
    )
    return ReportScope(all_cohorts=False, institution_ids=ids)


def can_view_reports(scope: ReportScope) -> bool:
    return scope.allowed


def can_view_cohort_report(scope: ReportScope, cohort: Cohort) -> bool:
    return scope.all_cohorts or cohort.institution_id in scope.institution_ids


def can_see_central_programme(scope: ReportScope) -> bool:
    """Cohorts with no owning institution belong to the central programme: managers only."""
    return scope.all_cohorts


def remember_scope(user: ANYONE, scope: ReportScope) -> None:
    """A reports view has already decided: the header link need not ask again."""
    if user.is_authenticated:
        user._reports_allowed = can_view_reports(scope)


def may_see_reports(user: ANYONE) -> bool:
    """For the header link: remembered on the user object for the rest of the request."""
    cached = getattr(user, "_reports_allowed", None)
    if cached is None:
        cached = can_view_reports(report_scope(user))
        if user.is_authenticated:
            user._reports_allowed = cached
    return cached
