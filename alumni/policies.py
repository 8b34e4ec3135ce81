"""Who belongs to the alumni community and what they may do there. The one place the
alumni app decides it (forums asks `alumni_space_access` for alumni spaces).

- An **alumnus** holds a trainee enrolment in a cohort that has ended, with status
  completed — or active, where the cohort's tutor chose that everyone who took part
  becomes an alumnus (`CohortAlumniSetting`).
- **Tutors** (of any cohort, and institution admins), **editors** (the curriculum
  editors group) and **staff** (superusers, programme staff, site moderators) belong too;
  they moderate the shared rooms and publish updates.
- The general and theme rooms are open to every member; an institution's private room to
  that institution's alumni, its tutors and admins, and site moderators.
- A person removed from the community, or deactivated, has no access at all.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from courses.models import Enrolment, Institution
from modules.editorial import EDITORS

from .models import AlumniRemoval, AlumniRoom, ContactRequest, DirectoryProfile, Wave


def alumni_enrolments_filter(now: datetime | None = None, prefix: str = "") -> Q:
    """The enrolments that make someone an alumnus, as a filter on Enrolment (or a relation to it)."""
    now = now or timezone.now()
    p = prefix
    return Q(
        **{f"{p}role": Enrolment.Role.TRAINEE, f"{p}cohort__ends_at__lte": now},
    ) & (
        Q(**{f"{p}status": Enrolment.Status.COMPLETED})
        | Q(
            **{
                f"{p}status": Enrolment.Status.ACTIVE,
                f"{p}cohort__alumni_setting__include_all_participants": True,
            }
        )
    )


def is_alumni_enrolment(
    *, role: str, status: str, ends_at: datetime, include_all: bool, now: datetime | None = None
) -> bool:
    """The same rule as `alumni_enrolments_filter`, on values already loaded."""
    if role != Enrolment.Role.TRAINEE or ends_at > (now or timezone.now()):
        return False
    return status == Enrolment.Status.COMPLETED or (include_all and status == Enrolment.Status.ACTIVE)


@dataclass(frozen=True)
class Standing:
    """A person's place in the alumni community, loaded once per request or frame."""

    user_id: int | None
    active: bool = False
    removed: bool = False
    alumnus_of: frozenset[int] = field(default_factory=frozenset)  # cohort ids
    alumni_institutions: frozenset[int] = field(default_factory=frozenset)
    tutor_institutions: frozenset[int] = field(default_factory=frozenset)
    admin_institutions: frozenset[int] = field(default_factory=frozenset)
    is_tutor: bool = False
    is_editor: bool = False
    is_staff: bool = False

    @property
    def is_alumnus(self) -> bool:
        return bool(self.alumnus_of)

    @property
    def in_good_standing(self) -> bool:
        return self.active and not self.removed

    @property
    def is_member(self) -> bool:
        return self.in_good_standing and (self.is_alumnus or self.is_tutor or self.is_editor or self.is_staff)

    @property
    def is_moderator(self) -> bool:
        """Moderates the shared rooms and publishes updates: tutors, editors and staff."""
        return self.in_good_standing and (self.is_tutor or self.is_editor or self.is_staff)


NOBODY = Standing(user_id=None)


def standing(user, now: datetime | None = None) -> Standing:
    """Three queries (enrolments; removal and editor flags; administered institutions), plus
    Django's permission cache the first time it is asked on this user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    now = now or timezone.now()
    flags = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            removed=Exists(AlumniRemoval.objects.filter(user=OuterRef("pk"))),
            editor=Exists(Group.objects.filter(name=EDITORS, user=OuterRef("pk"))),
        )
        .values("removed", "editor", "is_active")
        .first()
    )
    if flags is None or not flags["is_active"]:
        return NOBODY
    rows = Enrolment.objects.filter(user_id=user.pk).values(
        "cohort_id",
        "role",
        "status",
        "cohort__ends_at",
        "cohort__institution_id",
        "cohort__alumni_setting__include_all_participants",
    )
    alumnus_of, alumni_institutions, tutor_institutions = set(), set(), set()
    is_tutor = False
    for row in rows:
        if is_alumni_enrolment(
            role=row["role"],
            status=row["status"],
            ends_at=row["cohort__ends_at"],
            include_all=bool(row["cohort__alumni_setting__include_all_participants"]),
            now=now,
        ):
            alumnus_of.add(row["cohort_id"])
            if row["cohort__institution_id"]:
                alumni_institutions.add(row["cohort__institution_id"])
        if row["role"] == Enrolment.Role.TUTOR and row["status"] in Enrolment.PARTICIPATING:
            is_tutor = True
            if row["cohort__institution_id"]:
                tutor_institutions.add(row["cohort__institution_id"])
    admin_institutions = frozenset(
        Institution.admins.through.objects.filter(user_id=user.pk).values_list("institution_id", flat=True)
    )
    is_staff = (
        user.is_superuser
        or user.has_perm("courses.manage_any_cohort")
        or user.has_perm("forums.moderate_any_space")
    )
    return Standing(
        user_id=user.pk,
        active=True,
        removed=flags["removed"],
        alumnus_of=frozenset(alumnus_of),
        alumni_institutions=frozenset(alumni_institutions),
        tutor_institutions=frozenset(tutor_institutions),
        admin_institutions=admin_institutions,
        is_tutor=is_tutor or bool(admin_institutions),
        is_editor=flags["editor"] or user.is_superuser,
        is_staff=is_staff,
    )


# ---- rooms ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoomAccess:
    can_read: bool
    can_post: bool
    can_moderate: bool


NO_ROOM_ACCESS = RoomAccess(False, False, False)


def room_access(who: Standing, room: AlumniRoom) -> RoomAccess:
    if not who.in_good_standing:
        return NO_ROOM_ACCESS
    if room.kind == AlumniRoom.Kind.INSTITUTION:
        institution = room.institution_id
        moderate = (
            who.is_staff or institution in who.tutor_institutions or institution in who.admin_institutions
        )
        read = moderate or institution in who.alumni_institutions
        return RoomAccess(read, read, moderate)
    return RoomAccess(who.is_member, who.is_member, who.is_moderator)


def can_see_room(who: Standing, room: AlumniRoom) -> bool:
    return room_access(who, room).can_read


def alumni_space_access(user, space, site_moderator: bool) -> tuple[bool, bool, bool]:
    """Registered with forums.policies: (read, post, moderate) in an alumni space."""
    room = AlumniRoom.objects.filter(space_id=space.pk).first()
    if room is None:  # an alumni space this app does not know: staff only
        return site_moderator, site_moderator, site_moderator
    access = room_access(standing(user), room)
    return access.can_read, access.can_post, access.can_moderate or (site_moderator and access.can_read)


# ---- community pages --------------------------------------------------------------------------


def can_enter(who: Standing) -> bool:
    """Rooms, updates, the directory and one's settings."""
    return who.is_member


def can_publish_update(who: Standing) -> bool:
    return who.is_moderator


def can_remove_member(who: Standing) -> bool:
    return who.is_moderator


def can_set_cohort_alumni(cohort_access) -> bool:
    """Whether all participants of a cohort become alumni: its tutors decide (courses' rule)."""
    from courses import policies as course_policies

    return course_policies.can_tutor(cohort_access)


# ---- directory --------------------------------------------------------------------------------


def visible_profiles(who: Standing) -> QuerySet[DirectoryProfile]:
    """The profiles this person may see: none for outsiders; opted-in ones of people still in
    the community for members (their own always)."""
    if not who.is_member:
        return DirectoryProfile.objects.none()
    from .selectors import community_members

    return DirectoryProfile.objects.filter(
        Q(visibility=DirectoryProfile.Visibility.COMMUNITY, user__in=community_members())
        | Q(user_id=who.user_id)
    )


def can_view_profile(who: Standing, profile: DirectoryProfile, owner_is_member: bool) -> bool:
    if not who.is_member:
        return False
    if profile.user_id == who.user_id:
        return True
    return profile.is_visible and owner_is_member


def can_request_contact(
    who: Standing, own_profile: DirectoryProfile | None, profile: DirectoryProfile, owner_is_member: bool
) -> bool:
    """Requests are reciprocal: the sender shows their own profile; the recipient takes requests."""
    return (
        can_view_profile(who, profile, owner_is_member)
        and profile.user_id != who.user_id
        and profile.accepts_requests
        and own_profile is not None
        and own_profile.is_visible
    )


def can_decide_contact(user, request: ContactRequest) -> bool:
    return (
        user.is_authenticated
        and request.recipient_id == user.pk
        and request.status == ContactRequest.Status.PENDING
    )


# ---- impact survey ----------------------------------------------------------------------------


def can_answer_impact(who: Standing, enrolment: Enrolment, wave: int, now: datetime | None = None) -> bool:
    from .selectors import wave_window

    if (
        not who.in_good_standing
        or enrolment.user_id != who.user_id
        or enrolment.cohort_id not in who.alumnus_of
    ):
        return False
    if wave not in Wave.values:
        return False
    opens, closes = wave_window(enrolment.cohort, wave)
    return opens <= (now or timezone.now()) < closes
