"""Who may read, post and moderate in a space. The one place `forums` decides it.

Cohort spaces follow the cohort (courses.policies): members read; active trainees
and tutors post while the cohort runs; tutors of that cohort — and site moderators —
moderate. After the cohort ends the room is a read-only archive.

Alumni spaces are decided by the alumni app (alumni.policies), which registers here at
start-up: forums does not import it (the layers point one way).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from courses import policies as course_policies
from courses.models import Cohort, Course, Enrolment

from .models import Mute, Space


@dataclass(frozen=True)
class SpaceAccess:
    space: Space
    user_id: int | None
    can_read: bool
    can_post: bool
    can_moderate: bool
    muted_until: datetime | None = None

    @property
    def is_muted(self) -> bool:
        return self.muted_until is not None and self.muted_until > timezone.now()


NO_ACCESS_FIELDS = {"can_read": False, "can_post": False, "can_moderate": False}

# (user, space, is site moderator) -> (can read, can post, can moderate)
AlumniAccessProvider = Callable[[object, Space, bool], tuple[bool, bool, bool]]
_alumni_access: list[AlumniAccessProvider] = []


def register_alumni_access(provider: AlumniAccessProvider) -> None:
    if provider not in _alumni_access:
        _alumni_access.append(provider)


def _alumni_space_access(user, space: Space, site_moderator: bool) -> tuple[bool, bool, bool]:
    if not _alumni_access:  # no alumni app installed: site moderators only
        return site_moderator, site_moderator, site_moderator
    return _alumni_access[0](user, space, site_moderator)


def space_access(user, space: Space) -> SpaceAccess:
    if not user.is_authenticated or not user.is_active:
        return SpaceAccess(space, None, **NO_ACCESS_FIELDS)
    site_moderator = user.is_superuser or user.has_perm("forums.moderate_any_space")
    if space.kind == Space.Kind.COHORT:
        access = course_policies.cohort_access(user, space.cohort)
        running = space.cohort.state() != Cohort.State.ENDED
        can_read = access.is_member or site_moderator
        can_moderate = (access.is_tutor or site_moderator) and can_read
        can_post = running and (
            can_moderate
            or (access.participating and access.role in (Enrolment.Role.TRAINEE, Enrolment.Role.TUTOR))
        )
    else:  # alumni spaces: alumni and tutors read and post; tutors, editors, site moderators moderate
        can_read, can_post, can_moderate = _alumni_space_access(user, space, site_moderator)
    mute = (
        Mute.objects.filter(space=space, user=user, until__gt=timezone.now())
        .values_list("until", flat=True)
        .first()
    )
    return SpaceAccess(space, user.pk, can_read, can_post, can_moderate, mute)


def can_read(access: SpaceAccess) -> bool:
    return access.can_read


def can_post(access: SpaceAccess) -> bool:
    return access.can_post and not access.is_muted


def can_moderate(access: SpaceAccess) -> bool:
    return access.can_moderate


def can_edit_post(access: SpaceAccess, author_id: int | None) -> bool:
    return access.can_post and author_id == access.user_id and not access.is_muted


def can_edit_post_now(
    access: SpaceAccess, *, author_id: int | None, status: str, thread_locked: bool
) -> bool:
    """Whether to offer the author "Edit" on a post: their own, not deleted, in a thread that
    is not locked (a locked thread freezes its posts for all but moderators)."""
    from .models import Post

    if not can_edit_post(access, author_id) or status == Post.Status.DELETED:
        return False
    return not thread_locked or access.can_moderate


def can_delete_post(access: SpaceAccess, author_id: int | None) -> bool:
    return access.can_moderate or (access.can_post and author_id == access.user_id)


def can_see_post(access: SpaceAccess, status: str, author_id: int | None) -> bool:
    """Held posts: moderators and their author. Hidden and deleted: a placeholder for others."""
    from .models import Post

    if status == Post.Status.HELD:
        return access.can_moderate or author_id == access.user_id
    return access.can_read


def can_seed(user, course: Course) -> bool:
    """Seed questions on passages: the course's tutors (of any of its cohorts) and programme staff."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.has_perm("courses.manage_any_cohort"):
        return True
    return Enrolment.objects.filter(
        user=user, cohort__course=course, role=Enrolment.Role.TUTOR, status__in=Enrolment.PARTICIPATING
    ).exists()
