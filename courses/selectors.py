"""Named reads for courses: syllabus, dashboard, roster, completion. Query counts do not
grow with the number of trainees or readings."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from modules.models import ReadingPage

from .models import Certificate, Cohort, CourseWeek, Enrolment, FeedbackResponse, ReadingProgress
from .participation import posts_by_week


@dataclass
class WeekView:
    number: int
    title: str
    unlocks_at: datetime
    closes_at: datetime
    is_open: bool
    readings: list[ReadingPage]
    prompts: list[tuple[str, str]]
    assignment: str
    done: set[int] = field(default_factory=set)

    @property
    def done_count(self) -> int:
        return sum(1 for r in self.readings if r.pk in self.done)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / len(self.readings)) if self.readings else 0


def course_weeks(cohort: Cohort) -> list[CourseWeek]:
    return list(CourseWeek.objects.filter(course_id=cohort.course_id).order_by("sort_order")[: cohort.weeks])


def syllabus(cohort: Cohort, now: datetime | None = None) -> list[WeekView]:
    """The cohort's weeks with their readings (one query for all readings)."""
    now = now or timezone.now()
    weeks = course_weeks(cohort)
    ids = [pk for week in weeks for pk in week.reading_ids]
    pages = {page.pk: page for page in ReadingPage.objects.filter(pk__in=ids).live().specific()}
    views = []
    for number, week in enumerate(weeks, start=1):
        views.append(
            WeekView(
                number=number,
                title=week.title,
                unlocks_at=cohort.week_unlocks_at(number),
                closes_at=cohort.week_unlocks_at(number + 1),
                is_open=cohort.is_week_open(number, now),
                readings=[pages[pk] for pk in week.reading_ids if pk in pages],
                prompts=week.prompt_items,
                assignment=week.assignment,
            )
        )
    return views


def week_of_reading(cohort: Cohort, reading_id: int) -> int | None:
    """The week whose syllabus holds this reading or any translation of it."""
    weeks = course_weeks(cohort)
    for number, week in enumerate(weeks, start=1):
        if reading_id in week.reading_ids:
            return number
    translations = set(
        ReadingPage.objects.filter(
            translation_key__in=ReadingPage.objects.filter(pk=reading_id).values("translation_key")
        ).values_list("pk", flat=True)
    )
    for number, week in enumerate(weeks, start=1):
        if translations.intersection(week.reading_ids):
            return number
    return None


@dataclass
class Dashboard:
    cohort: Cohort
    weeks: list[WeekView]
    current_week: int
    state: str

    @property
    def total_readings(self) -> int:
        return sum(len(w.readings) for w in self.weeks)

    @property
    def done_readings(self) -> int:
        return sum(w.done_count for w in self.weeks)

    @property
    def percent(self) -> int:
        return round(100 * self.done_readings / self.total_readings) if self.total_readings else 0

    @property
    def this_week(self) -> WeekView | None:
        """The latest open week while the cohort runs (none before the start or after the end)."""
        if self.state != Cohort.State.RUNNING or not 0 < self.current_week <= len(self.weeks):
            return None
        return self.weeks[self.current_week - 1]


def dashboard(cohort: Cohort, enrolment: Enrolment | None, now: datetime | None = None) -> Dashboard:
    weeks = syllabus(cohort, now)
    if enrolment is not None:
        done = set(ReadingProgress.objects.filter(enrolment=enrolment).values_list("reading_id", flat=True))
        for week in weeks:
            week.done = done
    now = now or timezone.now()
    return Dashboard(
        cohort=cohort, weeks=weeks, current_week=cohort.current_week(now), state=cohort.state(now)
    )


@dataclass
class CompletionStatus:
    readings_done: int
    readings_total: int
    posts: int
    weeks_with_posts: int
    min_posts: int
    min_post_weeks: int
    require_all_readings: bool

    @property
    def readings_ok(self) -> bool:
        return not self.require_all_readings or self.readings_done >= self.readings_total

    @property
    def posts_ok(self) -> bool:
        return self.posts >= self.min_posts

    @property
    def weeks_ok(self) -> bool:
        return self.weeks_with_posts >= self.min_post_weeks

    @property
    def met(self) -> bool:
        return self.readings_ok and self.posts_ok and self.weeks_ok


def _completion(
    cohort: Cohort, readings_done: int, readings_total: int, per_week_posts: list[int]
) -> CompletionStatus:
    course = cohort.course
    return CompletionStatus(
        readings_done=readings_done,
        readings_total=readings_total,
        posts=sum(per_week_posts),
        weeks_with_posts=sum(1 for count in per_week_posts if count),
        min_posts=course.min_posts,
        min_post_weeks=course.min_post_weeks,
        require_all_readings=course.require_all_readings,
    )


def completion_status(enrolment: Enrolment) -> CompletionStatus:
    cohort = enrolment.cohort
    weeks = course_weeks(cohort)
    syllabus_ids = {pk for week in weeks for pk in week.reading_ids}
    done = ReadingProgress.objects.filter(enrolment=enrolment, reading_id__in=syllabus_ids).count()
    per_week = posts_by_week(cohort, [enrolment.user_id])
    return _completion(cohort, done, len(syllabus_ids), list(per_week.values()))


@dataclass
class RosterCell:
    readings_done: int
    readings_total: int
    posts: int
    is_open: bool

    @property
    def level(self) -> int:
        """0–4 for the heat-map colour: share of the week's readings done, plus any posting."""
        if not self.is_open:
            return 0
        share = self.readings_done / self.readings_total if self.readings_total else 1
        return min(4, round(share * 3) + (1 if self.posts else 0))


@dataclass
class RosterRow:
    enrolment: Enrolment
    cells: list[RosterCell]
    unread_weeks: list[int]  # finished weeks with readings left unread
    silent: bool  # past week 1 without a single post
    completion: CompletionStatus

    @property
    def behind(self) -> bool:
        return bool(self.unread_weeks) or self.silent


@dataclass
class Roster:
    weeks: list[int]
    current_week: int
    rows: list[RosterRow]

    @property
    def behind_count(self) -> int:
        return sum(1 for row in self.rows if row.behind)


def roster(cohort: Cohort, now: datetime | None = None) -> Roster:
    """Per trainee and week: readings read and posts written; who is falling behind.

    Four queries whatever the cohort size: weeks, trainees, progress, posts
    (the cohort's course is expected to be loaded with the cohort).
    """
    now = now or timezone.now()
    weeks = course_weeks(cohort)
    current = cohort.current_week(now)
    week_of = {pk: n for n, week in enumerate(weeks, start=1) for pk in week.reading_ids}
    total = len(week_of)
    enrolments = list(
        cohort.enrolments.trainees().select_related("user").order_by("user__display_name", "user__email")
    )
    done: dict[tuple[int, int], int] = defaultdict(int)
    for enrolment_id, reading_id in ReadingProgress.objects.filter(enrolment__cohort=cohort).values_list(
        "enrolment_id", "reading_id"
    ):
        # The week a reading is in now, so a syllabus edited mid-run still adds up.
        if reading_id in week_of:
            done[(enrolment_id, week_of[reading_id])] += 1
    posts = posts_by_week(cohort)
    rows = []
    for enrolment in enrolments:
        cells = [
            RosterCell(
                readings_done=done[(enrolment.pk, n)],
                readings_total=len(set(week.reading_ids)),
                posts=posts.get((enrolment.user_id, n), 0),
                is_open=n <= current,
            )
            for n, week in enumerate(weeks, start=1)
        ]
        # Behind: a finished week (before the current one) with readings left unread,
        # or no post at all once the first week is over. Completed trainees never are.
        active = enrolment.status == Enrolment.Status.ACTIVE
        finished = cells[: max(current - 1, 0)]
        unread = [n for n, c in enumerate(finished, start=1) if c.readings_done < c.readings_total]
        silent = current > 1 and not any(c.posts for c in cells[:current])
        completion = _completion(cohort, sum(c.readings_done for c in cells), total, [c.posts for c in cells])
        rows.append(
            RosterRow(
                enrolment=enrolment,
                cells=cells,
                unread_weeks=unread if active else [],
                silent=silent and active,
                completion=completion,
            )
        )
    return Roster(weeks=list(range(1, len(weeks) + 1)), current_week=current, rows=rows)


# ---- Lists and look-ups for pages -------------------------------------------------------------


@dataclass
class MyCohort:
    cohort: Cohort
    enrolment: Enrolment | None
    as_institution_admin: bool = False


def my_cohorts(user: User) -> list[MyCohort]:
    """The cohorts a person has a place in (or has applied to), and those their institutions own.

    Two queries: enrolments (with cohort, course and certificate) and institution cohorts.
    """
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .exclude(status__in=[Enrolment.Status.REMOVED])
        .select_related("cohort__course", "certificate")
        .order_by("-cohort__start_date")
    )
    items = [MyCohort(e.cohort, e) for e in enrolments]
    seen = {e.cohort_id for e in enrolments}
    owned = (
        Cohort.objects.filter(institution__admins=user)
        .exclude(pk__in=seen)
        .select_related("course")
        .order_by("-start_date")
    )
    items += [MyCohort(cohort, None, as_institution_admin=True) for cohort in owned]
    return items


def staff_cohorts(now: datetime | None = None) -> list[Cohort]:
    """Every cohort that has not ended, for programme staff."""
    return list(
        Cohort.objects.filter(ends_at__gt=now or timezone.now())
        .select_related("course", "institution")
        .order_by("start_date")
    )


def open_cohorts(now: datetime | None = None) -> list[Cohort]:
    """Cohorts taking applications, soonest first, with the number of places taken."""
    return list(
        Cohort.objects.open_for_applications(now)
        .select_related("course", "institution")
        .annotate(
            taken=Count(
                "enrolments",
                filter=Q(
                    enrolments__role=Enrolment.Role.TRAINEE,
                    enrolments__status__in=Enrolment.PARTICIPATING,
                ),
            )
        )
        .order_by("start_date", "title")
    )


def pending_applications(cohort: Cohort) -> list[Enrolment]:
    return list(
        cohort.enrolments.filter(status=Enrolment.Status.APPLIED)
        .select_related("user")
        .order_by("created_at")
    )


def places_taken(cohort: Cohort) -> int:
    return cohort.enrolments.trainees().count()


def has_answered_feedback(enrolment: Enrolment | None) -> bool:
    return enrolment is not None and FeedbackResponse.objects.filter(enrolment=enrolment).exists()


def certificate_by_code(code: str) -> Certificate | None:
    return (
        Certificate.objects.select_related("enrolment__user", "enrolment__cohort__course")
        .filter(code=code.strip().upper())
        .first()
    )


def certificate_name(user: User) -> str:
    """The name printed on a certificate: the full name when known, else the display name."""
    return user.get_full_name() or user.public_name


@dataclass(frozen=True)
class Verification:
    """What the public verification page may show: nothing beyond name, course and dates."""

    name: str
    course: str
    first_day: date
    last_day: date
    issued_on: date


def verify_certificate(code: str) -> Verification | None:
    certificate = certificate_by_code(code)
    if certificate is None or certificate.enrolment.status != Enrolment.Status.COMPLETED:
        return None
    cohort = certificate.enrolment.cohort
    return Verification(
        name=certificate_name(certificate.enrolment.user),
        course=cohort.course.title,
        first_day=cohort.start_date,
        last_day=cohort.last_day,
        issued_on=certificate.issued_at.date(),
    )
