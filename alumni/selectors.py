"""Named reads for the alumni community. Page queries do not grow with the data shown."""

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from courses.models import Cohort, Enrolment
from forums.models import Post

from . import policies
from .models import (
    AlumniRemoval,
    AlumniRoom,
    ContactRequest,
    DirectoryProfile,
    ImpactResponse,
    ProfileLanguage,
    ProfileTheme,
    Subscription,
    Update,
    Wave,
)

DIRECTORY_PAGE_SIZE = 24


def community_members(now: datetime | None = None) -> QuerySet:
    """Active people in good standing who belong: alumni, tutors, institution admins, editors,
    staff. The same rule as `policies.standing`, as one queryset (subqueries, no joins)."""
    from django.contrib.auth.models import Group, Permission

    from courses.models import Institution
    from modules.editorial import EDITORS

    staff_codenames = ["manage_any_cohort", "moderate_any_space"]
    member = OuterRef("pk")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(Exists(AlumniRemoval.objects.filter(user=member)))
        .filter(
            Q(is_superuser=True)
            | Exists(Enrolment.objects.filter(policies.alumni_enrolments_filter(now), user=member))
            | Exists(
                Enrolment.objects.filter(
                    user=member, role=Enrolment.Role.TUTOR, status__in=Enrolment.PARTICIPATING
                )
            )
            | Exists(Institution.admins.through.objects.filter(user_id=member))
            | Exists(Group.objects.filter(name=EDITORS, user=member))
            | Exists(Permission.objects.filter(codename__in=staff_codenames, user=member))
            | Exists(Permission.objects.filter(codename__in=staff_codenames, group__user=member))
        )
    )


def alumni_of_cohort(cohort: Cohort, now: datetime | None = None) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(policies.alumni_enrolments_filter(now), cohort=cohort)
        .filter(user__is_active=True)
        .exclude(Exists(AlumniRemoval.objects.filter(user=OuterRef("user_id"))))
    )


# ---- rooms ------------------------------------------------------------------------------------


@dataclass
class RoomSummary:
    room: AlumniRoom
    posts: int
    last_post_at: datetime | None


def rooms_for(who: policies.Standing) -> list[RoomSummary]:
    """The rooms this person may read, with visible post counts: one query."""
    rooms = (
        AlumniRoom.objects.select_related("space", "institution")
        .annotate(
            post_count=Count("space__posts", filter=Q(space__posts__status=Post.Status.VISIBLE)),
            last_post=Max("space__posts__created_at", filter=Q(space__posts__status=Post.Status.VISIBLE)),
        )
        .order_by("position", "key")
    )
    return [
        RoomSummary(room, room.post_count, room.last_post)
        for room in rooms
        if policies.can_see_room(who, room)
    ]


def archives_for(user) -> list[Enrolment]:
    """The ended cohorts whose room this person keeps as a read-only archive."""
    return list(
        Enrolment.objects.filter(
            user=user, status__in=Enrolment.PARTICIPATING, cohort__ends_at__lte=timezone.now()
        )
        .select_related("cohort__course")
        .order_by("-cohort__ends_at")
    )


def tutored_cohorts(user) -> list[Cohort]:
    """Cohorts whose alumni rule this person sets, with the current choice: one query."""
    return list(
        Cohort.objects.filter(
            enrolments__user=user,
            enrolments__role=Enrolment.Role.TUTOR,
            enrolments__status__in=Enrolment.PARTICIPATING,
        )
        .select_related("alumni_setting", "course")
        .order_by("-start_date")
        .distinct()
    )


# ---- updates ----------------------------------------------------------------------------------


def updates(*, theme: str = "", themes: list[str] | None = None, limit: int = 50) -> list[Update]:
    queryset = Update.objects.select_related("author")
    if theme:
        queryset = queryset.filter(theme=theme)
    if themes is not None:
        queryset = queryset.filter(theme__in=themes)
    return list(queryset[:limit])


def subscription_for(user) -> Subscription | None:
    return Subscription.objects.filter(user=user).first()


def period_bounds(frequency: str, day: date) -> tuple[date, datetime, datetime]:
    """The digest period containing `day` (UTC): the day itself, or its ISO week from Monday."""
    start = day if frequency == Subscription.Digest.DAILY else day - timedelta(days=day.weekday())
    length = timedelta(days=1 if frequency == Subscription.Digest.DAILY else 7)
    begins = datetime.combine(start, time.min, tzinfo=UTC)
    return start, begins, begins + length


# ---- directory --------------------------------------------------------------------------------


@dataclass
class DirectoryEntry:
    profile: DirectoryProfile
    request_status: str = ""  # the open request between viewer and this person, if any
    is_own: bool = False


def directory(
    who: policies.Standing, *, country: str = "", theme: str = "", language: str = "", page: int = 1
) -> tuple[list[DirectoryEntry], int]:
    """One page of profiles this person may see, filtered; and the total. Four queries
    (count, page, languages, themes) plus one for the viewer's open requests."""
    profiles = policies.visible_profiles(who).exclude(user_id=who.user_id)
    if country:
        profiles = profiles.filter(country=country.upper())
    if theme:
        profiles = profiles.filter(Exists(ProfileTheme.objects.filter(profile=OuterRef("pk"), theme=theme)))
    if language:
        profiles = profiles.filter(
            Exists(ProfileLanguage.objects.filter(profile=OuterRef("pk"), code=language))
        )
    total = profiles.count()
    start = (max(page, 1) - 1) * DIRECTORY_PAGE_SIZE
    rows = list(
        profiles.order_by("display_name", "pk").prefetch_related(
            Prefetch("languages", queryset=ProfileLanguage.objects.order_by("code")),
            Prefetch("themes", queryset=ProfileTheme.objects.order_by("theme")),
        )[start : start + DIRECTORY_PAGE_SIZE]
    )
    statuses = open_requests_with(who.user_id, [p.user_id for p in rows])
    return [DirectoryEntry(p, statuses.get(p.user_id, "")) for p in rows], total


def open_requests_with(user_id: int | None, other_ids: list[int]) -> dict[int, str]:
    """other user id -> status of the open (pending or accepted) request between them and `user_id`."""
    if user_id is None:
        return {}
    rows = ContactRequest.objects.filter(
        Q(sender_id=user_id, recipient_id__in=other_ids) | Q(recipient_id=user_id, sender_id__in=other_ids),
        status__in=[ContactRequest.Status.PENDING, ContactRequest.Status.ACCEPTED],
    ).values_list("sender_id", "recipient_id", "status")
    return {(recipient if sender == user_id else sender): status for sender, recipient, status in rows}


def directory_countries(who: policies.Standing) -> list[str]:
    """Countries present among visible profiles, for the search form."""
    return list(
        policies.visible_profiles(who)
        .exclude(country="")
        .values_list("country", flat=True)
        .distinct()
        .order_by("country")
    )


def profile_of(user) -> DirectoryProfile | None:
    return (
        DirectoryProfile.objects.filter(user=user).prefetch_related("languages", "themes").first()
        if user.is_authenticated
        else None
    )


def pending_requests_count(user) -> int:
    return ContactRequest.objects.filter(recipient=user, status=ContactRequest.Status.PENDING).count()


@dataclass
class ContactBox:
    incoming: list[ContactRequest]
    outgoing: list[ContactRequest]


def contact_requests(user) -> ContactBox:
    """A person's requests, both ways, each with `other_name`: the other person's directory name
    (or their public name), never an address. Two queries."""
    rows = list(
        ContactRequest.objects.filter(Q(sender=user) | Q(recipient=user))
        .select_related("sender", "recipient")
        .order_by("-created_at")[:200]
    )
    others = {r.sender_id if r.recipient_id == user.pk else r.recipient_id for r in rows}
    names = dict(DirectoryProfile.objects.filter(user_id__in=others).values_list("user_id", "display_name"))
    for row in rows:
        other = row.sender if row.recipient_id == user.pk else row.recipient
        row.other_name = names.get(other.pk) or other.public_name
    return ContactBox(
        incoming=[r for r in rows if r.recipient_id == user.pk],
        outgoing=[r for r in rows if r.sender_id == user.pk],
    )


# ---- impact survey ----------------------------------------------------------------------------

WAVE_OPEN_MONTHS = 3  # each wave stays open three months (the six-month wave opens as the first closes)


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def wave_window(cohort: Cohort, wave: int) -> tuple[datetime, datetime]:
    opens = add_months(cohort.ends_at, wave)
    return opens, add_months(opens, WAVE_OPEN_MONTHS)


@dataclass
class OpenSurvey:
    enrolment: Enrolment
    wave: int

    @property
    def wave_label(self) -> str:
        return Wave(self.wave).label


def open_surveys(who: policies.Standing, now: datetime | None = None) -> list[OpenSurvey]:
    """Waves open now for this alumnus and not yet answered: two queries."""
    if not who.is_alumnus or not who.in_good_standing:
        return []
    now = now or timezone.now()
    enrolments = list(
        Enrolment.objects.filter(user_id=who.user_id, cohort_id__in=who.alumnus_of).select_related("cohort")
    )
    answered = set(
        ImpactResponse.objects.filter(enrolment__in=enrolments).values_list("enrolment_id", "wave")
    )
    surveys = []
    for enrolment in enrolments:
        for wave in Wave.values:
            opens, closes = wave_window(enrolment.cohort, wave)
            if opens <= now < closes and (enrolment.pk, wave) not in answered:
                surveys.append(OpenSurvey(enrolment, wave))
    return surveys
