"""Who may do what with institutions, nominations, trainers and programmes: the one place
`academies` decides it.

- An **institution admin** (`Institution.admins`) nominates officials for the cohorts its
  institution may nominate for, sets up its cohorts, manages its editors and focal points,
  promotes its graduates to co-tutors, and builds its programmes.
- A **national focal point** (`FocalPoint`) nominates, and nothing more.
- A cohort's **tutors** (as `courses.policies` counts them: tutors, the owning institution's
  admins, programme staff) accept or decline nominations — never one they made themselves.
- The institution's **editors** are a Wagtail group with page permissions on its section:
  Wagtail decides who edits local units and adapted readings; programmes follow the same group.

`standing` loads what the decisions need in two queries; the `can_*` functions are pure,
apart from the Wagtail page-permission questions, which Wagtail answers.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from courses import policies as course_policies
from courses.models import Cohort, Institution

from .models import CohortSettings, FocalPoint, InstitutionSectionPage, Nomination, Programme

ANYONE = AnonymousUser | User


@dataclass(frozen=True)
class Standing:
    """A person's institutional roles, loaded once per request."""

    user_id: int | None
    admin_of: frozenset[int] = field(default_factory=frozenset)
    focal_point_of: frozenset[int] = field(default_factory=frozenset)
    is_staff: bool = False

    @property
    def nominates_for(self) -> frozenset[int]:
        """Institutions on whose behalf this person nominates."""
        return self.admin_of | self.focal_point_of

    @property
    def is_institutional(self) -> bool:
        return bool(self.nominates_for) or self.is_staff


def is_programme_staff(user: ANYONE) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_perm("courses.manage_any_cohort"))
    )


def standing(user: ANYONE) -> Standing:
    if not user.is_authenticated or not user.is_active:
        return Standing(None)
    admin_of = frozenset(
        Institution.admins.through.objects.filter(user_id=user.pk).values_list("institution_id", flat=True)
    )
    focal = frozenset(FocalPoint.objects.filter(user_id=user.pk).values_list("institution_id", flat=True))
    return Standing(user.pk, admin_of, focal, is_programme_staff(user))


def settings_of(cohort: Cohort) -> CohortSettings:
    """The cohort's settings, or the defaults (unsaved) when it has none."""
    try:
        return cohort.academy_settings
    except CohortSettings.DoesNotExist:
        return CohortSettings(cohort=cohort)


# ---- Nominations -------------------------------------------------------------------------------


def nominating_institutions(standing: Standing, cohort: Cohort, cohort_settings: CohortSettings) -> set[int]:
    """The institutions on whose behalf this person may nominate for this cohort: the owner's
    admins and focal points; for a cohort no institution owns, anyone's if it is open to all."""
    if cohort.institution_id:
        return {cohort.institution_id} & standing.nominates_for
    if cohort_settings.open_to_all_institutions:
        return set(standing.nominates_for)
    return set()


def can_nominate(
    standing: Standing,
    cohort: Cohort,
    cohort_settings: CohortSettings,
    institution_id: int | None = None,
    now: datetime | None = None,
) -> bool:
    if cohort.state(now) == Cohort.State.ENDED:
        return False
    allowed = nominating_institutions(standing, cohort, cohort_settings)
    return bool(allowed) if institution_id is None else institution_id in allowed


def can_decide_nomination(access: course_policies.CohortAccess, nomination: Nomination, user_id: int) -> bool:
    """The cohort's tutors decide; the person who nominated does not (a second pair of eyes)."""
    return (
        course_policies.can_tutor(access)
        and nomination.status == Nomination.Status.PENDING
        and nomination.nominated_by_id != user_id
    )


def can_withdraw_nomination(standing: Standing, nomination: Nomination) -> bool:
    """Whoever speaks for the nominating institution may withdraw while it awaits a decision."""
    return nomination.status == Nomination.Status.PENDING and (
        nomination.nominated_by_id == standing.user_id or nomination.institution_id in standing.admin_of
    )


def can_view_nominations(
    standing: Standing, access: course_policies.CohortAccess, cohort_settings: CohortSettings
) -> bool:
    return course_policies.can_tutor(access) or bool(
        nominating_institutions(standing, access.cohort, cohort_settings)
    )


def visible_nomination_institutions(
    standing: Standing, access: course_policies.CohortAccess, cohort_settings: CohortSettings
) -> set[int] | None:
    """None: every nomination (the cohort's tutors); else only these institutions' own."""
    if course_policies.can_tutor(access):
        return None
    return nominating_institutions(standing, access.cohort, cohort_settings)


def may_apply_without_nomination(cohort_settings: CohortSettings, has_standing_nomination: bool) -> bool:
    return not cohort_settings.requires_nomination or has_standing_nomination


# ---- Cohort set-up and the trainer track -------------------------------------------------------


def can_configure_cohort(access: course_policies.CohortAccess) -> bool:
    """Programme staff, and the admins of the institution that owns the cohort."""
    return access.is_staff or access.is_institution_admin


def can_manage_institution(standing: Standing, institution_id: int) -> bool:
    """Editors, focal points, trainers and the section: the institution's admins and programme staff."""
    return standing.is_staff or institution_id in standing.admin_of


def can_promote_trainers(standing: Standing, institution_id: int) -> bool:
    return can_manage_institution(standing, institution_id)


def can_view_institution(standing: Standing, institution_id: int, is_editor: bool = False) -> bool:
    return standing.is_staff or institution_id in standing.nominates_for or is_editor


# ---- Section, adaptations and programmes (Wagtail page permissions) ----------------------------


def is_section_editor(user: ANYONE, section: InstitutionSectionPage | None) -> bool:
    """Wagtail decides: can this person edit the institution's section of the page tree?"""
    if section is None or not user.is_authenticated or not user.is_active:
        return False
    return section.permissions_for_user(user).can_edit()


def can_add_to_section(user: ANYONE, section: InstitutionSectionPage | None) -> bool:
    if section is None or not user.is_authenticated or not user.is_active:
        return False
    return section.permissions_for_user(user).can_add_subpage()


def can_edit_page(user: ANYONE, page) -> bool:
    return user.is_authenticated and user.is_active and page.permissions_for_user(user).can_edit()


def can_edit_programmes(
    standing: Standing, institution_id: int, user: ANYONE, section: InstitutionSectionPage | None
) -> bool:
    """The institution's admins and the editors of its section (the same Wagtail group)."""
    return can_manage_institution(standing, institution_id) or is_section_editor(user, section)


def can_view_programme(standing: Standing, programme: Programme, *, is_editor: bool, is_member: bool) -> bool:
    """Public programmes: everyone. Others: the institution's admins, focal points, editors,
    and the people enrolled in its cohorts."""
    if programme.is_public:
        return True
    return can_view_institution(standing, programme.institution_id, is_editor=is_editor) or is_member
