"""Who may do what with cohorts. The one place these decisions are made for `courses`.

`cohort_access` loads what the decisions need in one or two queries; the `can_*`
functions are pure, so views, consumers and other apps ask the same questions
the same way.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser

from accounts.models import User

from .models import Certificate, Cohort, Enrolment, Institution

ANYONE = AnonymousUser | User


@dataclass(frozen=True)
class CohortAccess:
    cohort: Cohort
    enrolment: Enrolment | None
    is_staff: bool  # programme staff: superusers and holders of courses.manage_any_cohort
    is_institution_admin: bool
    is_authenticated: bool = False

    @property
    def role(self) -> str | None:
        return self.enrolment.role if self.enrolment else None

    @property
    def participating(self) -> bool:
        return self.enrolment is not None and self.enrolment.is_participating

    @property
    def is_tutor(self) -> bool:
        """Tutor powers in this cohort (and nowhere else)."""
        if self.is_staff or self.is_institution_admin:
            return True
        return self.participating and self.role == Enrolment.Role.TUTOR

    @property
    def is_member(self) -> bool:
        return self.is_tutor or self.participating

    @property
    def is_trainee(self) -> bool:
        return self.participating and self.role == Enrolment.Role.TRAINEE


def cohort_access(user: ANYONE, cohort: Cohort) -> CohortAccess:
    if not user.is_authenticated or not user.is_active:
        return CohortAccess(cohort, None, False, False)
    enrolment = Enrolment.objects.filter(user=user, cohort=cohort).first()
    if enrolment is not None:
        enrolment.cohort = cohort  # already loaded (often with its course): no second query
    is_staff = user.is_superuser or user.has_perm("courses.manage_any_cohort")
    is_institution_admin = bool(
        cohort.institution_id
        and Institution.admins.through.objects.filter(
            institution_id=cohort.institution_id, user_id=user.pk
        ).exists()
    )
    return CohortAccess(cohort, enrolment, is_staff, is_institution_admin, is_authenticated=True)


def can_view_cohort(access: CohortAccess) -> bool:
    return access.is_member


def can_tutor(access: CohortAccess) -> bool:
    """Roster, applications, invitations, nudges, completion overrides, moderation."""
    return access.is_tutor


def can_open_week(access: CohortAccess, week: int, now: datetime | None = None) -> bool:
    """Tutors see every week in advance; members see a week once it has unlocked."""
    if access.is_tutor:
        return True
    return access.is_member and 1 <= week <= access.cohort.weeks and access.cohort.is_week_open(week, now)


def can_mark_progress(access: CohortAccess) -> bool:
    return access.is_trainee and access.enrolment.status == Enrolment.Status.ACTIVE


def can_apply(access: CohortAccess, now: datetime | None = None) -> bool:
    """A signed-in person without a place may apply while the cohort takes applications."""
    cohort = access.cohort
    if not access.is_authenticated or not cohort.accepts_applications:
        return False
    if cohort.state(now) == Cohort.State.ENDED:
        return False
    return access.enrolment is None or access.enrolment.status == Enrolment.Status.APPLIED


def can_complete(access: CohortAccess, now: datetime | None = None) -> bool:
    """A trainee with an active place may complete the course (if the rule is met) from its last week."""
    return can_mark_progress(access) and access.cohort.current_week(now) >= access.cohort.weeks


def can_give_feedback(access: CohortAccess, now: datetime | None = None) -> bool:
    """Trainees answer the survey in the last week or after the end."""
    if not access.is_trainee:
        return False
    return access.cohort.current_week(now) >= access.cohort.weeks


def can_download_certificate(user: ANYONE, certificate: Certificate) -> bool:
    if not user.is_authenticated:
        return False
    if certificate.enrolment.user_id == user.pk:
        return True
    return can_tutor(cohort_access(user, certificate.enrolment.cohort))


def can_edit_profile_answers(user: ANYONE) -> bool:
    """Gender and professional role are edited by the person they describe, on a page that
    only ever shows the signed-in person's own answers (programme staff: the Django admin)."""
    return user.is_authenticated and user.is_active
