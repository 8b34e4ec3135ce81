"""Named reads for courses: syllabus, dashboard, roster, completion. Query counts do not
grow with the number of trainees or readings."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from modules.models import ReadingPage

from .models import Cohort, CourseWeek, Enrolment, ReadingProgress
from .participation import posts_by_week


@dataclass
class WeekView:
    number: int
    title: str
    unlocks_at: datetime
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
                is_open=cohort.is_week_open(number, now),
                readings=[pages[pk] for pk in week.reading_ids if pk in pages],
                prompts=week.prompt_items,
                assignment=week.assignment,
            )
        )
    return views


def week_of_reading(cohort: Cohort, reading_id: int) -> int | None:
    for number, week in enumerate(course_weeks(cohort), start=1):
        if reading_id in week.reading_ids:
            return number
    return None


@dataclass
class Dashboard:
    cohort: Cohort
    weeks: list[WeekView]
    current_week: int

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
        return self.weeks[self.current_week - 1] if 0 < self.current_week <= len(self.weeks) else None


def dashboard(cohort: Cohort, enrolment: Enrolment | None, now: datetime | None = None) -> Dashboard:
    weeks = syllabus(cohort, now)
    if enrolment is not None:
        done = set(ReadingProgress.objects.filter(enrolment=enrolment).values_list("reading_id", flat=True))
        for week in weeks:
            week.done = done
    return Dashboard(cohort=cohort, weeks=weeks, current_week=cohort.current_week(now))


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
    def met(self) -> bool:
        readings_ok = not self.require_all_readings or self.readings_done >= self.readings_total
        return readings_ok and self.posts >= self.min_posts and self.weeks_with_posts >= self.min_post_weeks


def completion_status(enrolment: Enrolment) -> CompletionStatus:
    cohort, course = enrolment.cohort, enrolment.cohort.course
    total = sum(len(w.reading_ids) for w in course_weeks(cohort))
    done = ReadingProgress.objects.filter(enrolment=enrolment).count()
    per_week = posts_by_week(cohort, [enrolment.user_id])
    return CompletionStatus(
        readings_done=done,
        readings_total=total,
        posts=sum(per_week.values()),
        weeks_with_posts=sum(1 for count in per_week.values() if count),
        min_posts=course.min_posts,
        min_post_weeks=course.min_post_weeks,
        require_all_readings=course.require_all_readings,
    )


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
    behind: bool


def roster(cohort: Cohort, now: datetime | None = None) -> list[RosterRow]:
    """Per trainee and week: readings read and posts written; who is falling behind.

    Four queries whatever the cohort size: weeks, trainees, progress, posts.
    """
    now = now or timezone.now()
    weeks = course_weeks(cohort)
    current = cohort.current_week(now)
    enrolments = list(
        cohort.enrolments.filter(role=Enrolment.Role.TRAINEE, status__in=Enrolment.PARTICIPATING)
        .select_related("user")
        .order_by("user__display_name", "user__email")
    )
    done: dict[tuple[int, int], int] = defaultdict(int)
    for enrolment_id, week in ReadingProgress.objects.filter(enrolment__cohort=cohort).values_list(
        "enrolment_id", "week"
    ):
        done[(enrolment_id, week)] += 1
    posts = posts_by_week(cohort)
    rows = []
    for enrolment in enrolments:
        cells = [
            RosterCell(
                readings_done=done[(enrolment.pk, n)],
                readings_total=len(week.reading_ids),
                posts=posts.get((enrolment.user_id, n), 0),
                is_open=n <= current,
            )
            for n, week in enumerate(weeks, start=1)
        ]
        # Behind: a finished week (before the current one) with readings left unread, or no post at all so far.
        finished = cells[: max(current - 1, 0)]
        behind = any(c.readings_done < c.readings_total for c in finished) or (
            current > 1 and not any(c.posts for c in cells[:current])
        )
        rows.append(RosterRow(enrolment=enrolment, cells=cells, behind=behind))
    return rows
