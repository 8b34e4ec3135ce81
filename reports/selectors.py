"""Named reads for the results reports. Every figure is an aggregate computed in the
database, so the number of queries does not depend on how many cohorts, trainees,
readings or posts there are; only the number of rows in a table (cohorts, countries)
grows with the data, never the number of queries.

The viewer's scope (`policies.ReportScope`) and the filters meet in `selected_cohorts`;
everything else reads `cohort__in=<that queryset>` as a subquery.
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import NotSupportedError, connection
from django.db.models import (
    Avg,
    Count,
    F,
    Func,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Value,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from alumni.models import ImpactResponse
from courses.models import Cohort, CourseWeek, Enrolment, FeedbackResponse, ReadingProgress
from forums.models import Post
from modules.models import ModulePage, ReadingPage

from . import definitions as d
from .forms import IMPACT_FIELDS, NOT_GIVEN, SCORES, Filters
from .policies import ReportScope
from .regions import COUNTRY_REGION, countries_in_region, region_expression

# ---- Which cohorts -----------------------------------------------------------------------------


def course_ids_using_module(module: ModulePage) -> list[int]:
    """Courses whose syllabus has a reading of this module (in any of its translations): 3 queries."""
    paths = list(
        ModulePage.objects.filter(translation_key=module.translation_key).values_list("path", flat=True)
    )
    under = Q()
    for path in paths:
        under |= Q(path__startswith=path)
    reading_ids = set(ReadingPage.objects.filter(under).values_list("pk", flat=True)) if paths else set()
    courses = set()
    for week in CourseWeek.objects.only("course_id", "readings"):
        if reading_ids.intersection(week.reading_ids):
            courses.add(week.course_id)
    return sorted(courses)


def selected_cohorts(scope: ReportScope, filters: Filters) -> QuerySet[Cohort]:
    """The cohorts behind every figure: what the viewer may see, narrowed by the filters."""
    cohorts = scope.cohorts()
    if filters.date_from:
        cohorts = cohorts.filter(start_date__gte=filters.date_from)
    if filters.date_to:
        cohorts = cohorts.filter(start_date__lte=filters.date_to)
    if filters.course:
        cohorts = cohorts.filter(course=filters.course)
    if filters.module:
        cohorts = cohorts.filter(course_id__in=course_ids_using_module(filters.module))
    if filters.central_only:
        cohorts = cohorts.filter(institution__isnull=True)
    elif filters.institution_id:
        cohorts = cohorts.filter(institution_id=filters.institution_id)
    if filters.cohort:
        cohorts = cohorts.filter(pk=filters.cohort.pk)
    if filters.language:
        cohorts = cohorts.filter(language=filters.language)
    return cohorts


# ---- Course weeks in the database ---------------------------------------------------------------


def max_weeks(cohorts: QuerySet[Cohort]) -> int:
    return cohorts.aggregate(n=Max("weeks"))["n"] or 0


class CourseWeekOf(Func):
    """The course week (1…weeks) in which a moment falls for a cohort, computed in the database.

    Week n starts at the cohort's start + 7·(n−1) days (in UTC, so across a daylight-saving
    change a boundary may sit an hour off local midnight); earlier moments count in week 1
    and later ones in the cohort's last week, as `courses.participation.posts_by_week` does.
    Written per database because a CASE over date arithmetic runs a Python function per
    row on SQLite: tens of seconds on the benchmark data set instead of a fraction of one.
    """

    output_field = IntegerField()
    SECONDS_PER_WEEK = d.DAYS_PER_COURSE_WEEK * 24 * 3600

    def __init__(self, timestamp: str, cohort: str) -> None:
        super().__init__(F(timestamp), F(f"{cohort}starts_at"), F(f"{cohort}weeks"))

    def _parts(self, compiler, connection) -> tuple[list[str], tuple]:
        sqls, params = [], []
        for expression in self.get_source_expressions():
            sql, p = compiler.compile(expression)
            sqls.append(sql)
            params.extend(p)
        return sqls, tuple(params)

    def as_sqlite(self, compiler, connection, **extra) -> tuple[str, tuple]:
        (moment, start, weeks), params = self._parts(compiler, connection)
        days = d.DAYS_PER_COURSE_WEEK
        return (
            f"MAX(1, MIN({weeks}, CAST((julianday({moment}) - julianday({start})) / {days} AS INTEGER) + 1))",
            params,
        )

    def as_postgresql(self, compiler, connection, **extra) -> tuple[str, tuple]:
        (moment, start, weeks), params = self._parts(compiler, connection)
        seconds = self.SECONDS_PER_WEEK
        return (
            f"GREATEST(1, LEAST({weeks}, "
            f"(FLOOR(EXTRACT(EPOCH FROM ({moment} - {start})) / {seconds}))::integer + 1))",
            params,
        )

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError("Course weeks are computed for SQLite and PostgreSQL only.")


def _readings(cohorts: QuerySet[Cohort]) -> QuerySet[ReadingProgress]:
    return ReadingProgress.objects.filter(
        d.enrolled_q("enrolment__"), enrolment__cohort__in=cohorts
    ).annotate(wk=CourseWeekOf("read_at", "enrolment__cohort__"), who=F("enrolment_id"))


def _posts(cohorts: QuerySet[Cohort]) -> QuerySet[Post]:
    """Trainees' counted posts in their own cohort's space, with the enrolment they were written under."""
    return Post.objects.filter(
        d.counted_post_q(),
        d.enrolled_q("author__enrolments__"),
        space__cohort__in=cohorts,
        author__enrolments__cohort=F("space__cohort"),
    ).annotate(wk=CourseWeekOf("created_at", "space__cohort__"), who=F("author__enrolments__id"))


# ---- The dashboard ------------------------------------------------------------------------------


@dataclass
class Headline:
    cohorts: int = 0
    enrolled: int = 0
    completed: int = 0
    trained: int = 0
    officials: int = 0
    countries: int = 0
    withdrawn: int = 0
    ended_enrolled: int = 0
    ended_completed: int = 0

    @property
    def completion_rate(self) -> float | None:
        return d.completion_rate(self.ended_completed, self.ended_enrolled)


@dataclass
class CohortRow:
    cohort: Cohort
    enrolled: int
    completed: int
    feedback: int
    ended: bool

    @property
    def completion_rate(self) -> float | None:
        return d.completion_rate(self.completed, self.enrolled)


@dataclass
class GroupRow:
    """One row of a breakdown: a country, region, agency type, quarter, course…"""

    key: str
    enrolled: int = 0
    completed: int = 0
    trained: int = 0
    cohorts: int = 0
    label: str = ""

    @property
    def completion_rate(self) -> float | None:
        return d.completion_rate(self.completed, self.enrolled)


@dataclass
class WeekRow:
    week: int
    readings: int = 0
    posts: int = 0
    active: int = 0


@dataclass
class Distribution:
    key: str
    counts: dict[int, int]
    average: float | None

    @property
    def responses(self) -> int:
        return sum(self.counts.values())


@dataclass
class Feedback:
    responses: int
    relevance: Distribution
    impact: list[Distribution]


@dataclass
class Results:
    headline: Headline
    cohorts: list[CohortRow]
    courses: list[GroupRow]
    quarters: list[GroupRow]
    regions: list[GroupRow]
    countries: list[GroupRow]
    agencies: list[GroupRow]
    genders: list[GroupRow]
    roles: list[GroupRow]
    weeks: list[WeekRow]
    feedback: Feedback
    extra: list = field(default_factory=list)  # tables from impact sources


def _breakdown_counts() -> dict:
    return {
        "enrolled": Count("pk"),
        "completed": Count("pk", filter=d.completed_q()),
        "trained": Count("user_id", filter=d.completed_q(), distinct=True),
    }


def _group(enrolments: QuerySet[Enrolment], key: str) -> list[GroupRow]:
    rows = enrolments.values(key).annotate(**_breakdown_counts()).order_by("-enrolled", key)
    return [
        GroupRow(
            key=row[key] or "", enrolled=row["enrolled"], completed=row["completed"], trained=row["trained"]
        )
        for row in rows
    ]


def headline(enrolments: QuerySet[Enrolment], cohort_count: int, now=None) -> Headline:
    ended = d.ended_cohort_q("cohort__", now)
    row = enrolments.aggregate(
        enrolled=Count("pk", filter=d.enrolled_q()),
        completed=Count("pk", filter=d.completed_q()),
        trained=Count("user_id", filter=d.completed_q(), distinct=True),
        officials=Count("user_id", filter=d.enrolled_q(), distinct=True),
        countries=Count("country", filter=d.enrolled_q() & ~Q(country=""), distinct=True),
        withdrawn=Count("pk", filter=d.enrolled_q() & Q(status=Enrolment.Status.WITHDRAWN)),
        ended_enrolled=Count("pk", filter=d.enrolled_q() & ended),
        ended_completed=Count("pk", filter=d.completed_q() & ended),
    )
    return Headline(cohorts=cohort_count, **row)


def cohort_rows(cohorts: QuerySet[Cohort], now=None) -> list[CohortRow]:
    now = now or timezone.now()
    rows = (
        cohorts.select_related("course", "institution")
        .annotate(
            n_enrolled=Count("enrolments", filter=d.enrolled_q("enrolments__")),
            n_completed=Count("enrolments", filter=d.completed_q("enrolments__")),
            n_feedback=Count("enrolments__feedback", filter=d.enrolled_q("enrolments__")),
        )
        .order_by("-start_date", "title")
    )
    return [
        CohortRow(
            cohort=c,
            enrolled=c.n_enrolled,
            completed=c.n_completed,
            feedback=c.n_feedback,
            ended=d.cohort_has_ended(c, now),
        )
        for c in rows
    ]


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(quarter: str) -> tuple[date, date]:
    year, q = int(quarter[:4]), int(quarter[-1])
    start = date(year, 3 * (q - 1) + 1, 1)
    end = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return start, end - timedelta(days=1)


def _quarters(rows: list[CohortRow]) -> list[GroupRow]:
    """Quarterly trends, summed from the per-cohort aggregates (no query of its own)."""
    by: dict[str, GroupRow] = {}
    for row in rows:
        key = quarter_of(row.cohort.start_date)
        group = by.setdefault(key, GroupRow(key=key, label=key))
        group.cohorts += 1
        group.enrolled += row.enrolled
        group.completed += row.completed
    if not by:
        return []
    # Every quarter between the first and the last, so gaps show as zero bars.
    first, last = min(by), max(by)
    year, q = int(first[:4]), int(first[-1])
    out = []
    while True:
        key = f"{year}-Q{q}"
        out.append(by.get(key, GroupRow(key=key, label=key)))
        if key == last:
            return out
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)


def _courses(rows: list[CohortRow]) -> list[GroupRow]:
    by: OrderedDict[int, GroupRow] = OrderedDict()
    for row in sorted(rows, key=lambda r: r.cohort.course.title):
        course = row.cohort.course
        group = by.setdefault(course.pk, GroupRow(key=str(course.pk), label=course.title))
        group.cohorts += 1
        group.enrolled += row.enrolled
        group.completed += row.completed
    return list(by.values())


def engagement_by_week(cohorts: QuerySet[Cohort]) -> dict[int, tuple[int, int, int]]:
    """Course week → (readings read, posts, active participants): one query.

    Readings and posts are stacked (UNION ALL, each tagged with its kind) and counted in
    the database: readings and posts by kind, participants as distinct enrolments. Django
    cannot group over a UNION, so the outer SELECT is written here around the SQL Django
    compiled for this database; one scan of each table instead of two.
    """
    reads = _readings(cohorts).order_by().annotate(kind=Value(1)).values_list("wk", "who", "kind")
    posts = _posts(cohorts).order_by().annotate(kind=Value(2)).values_list("wk", "who", "kind")
    try:
        sql, params = reads.union(posts, all=True).query.sql_with_params()
    except EmptyResultSet:
        return {}
    # `sql` was compiled by Django from querysets, with its values kept apart in `params`.
    counts = "SUM(CASE WHEN kind = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN kind = 2 THEN 1 ELSE 0 END)"
    outer = f"SELECT wk, {counts}, COUNT(DISTINCT who) FROM ({sql}) activity GROUP BY wk"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        return {int(week): (int(r), int(p), int(a)) for week, r, p, a in cursor.fetchall()}


def weekly_engagement(cohorts: QuerySet[Cohort]) -> list[WeekRow]:
    weeks = max_weeks(cohorts)
    if not weeks:
        return []
    counts = engagement_by_week(cohorts)
    rows = []
    for n in range(1, weeks + 1):
        readings, posts, active = counts.get(n, (0, 0, 0))
        rows.append(WeekRow(week=n, readings=readings, posts=posts, active=active))
    return rows


def feedback(cohorts: QuerySet[Cohort]) -> Feedback:
    responses = FeedbackResponse.objects.filter(d.enrolled_q("enrolment__"), enrolment__cohort__in=cohorts)
    aggregates: dict = {"responses": Count("pk"), "relevance_avg": Avg("relevance")}
    for name in ("relevance", *IMPACT_FIELDS):
        for score in SCORES:
            aggregates[f"{name}_{score}"] = Count("pk", filter=Q(**{name: score}))
    for name in IMPACT_FIELDS:
        aggregates[f"{name}_avg"] = Avg(name)
    row = responses.aggregate(**aggregates)

    def distribution(name: str) -> Distribution:
        average = row[f"{name}_avg"]
        return Distribution(
            key=name,
            counts={s: row[f"{name}_{s}"] for s in SCORES},
            average=round(average, 2) if average is not None else None,
        )

    return Feedback(
        responses=row["responses"],
        relevance=distribution("relevance"),
        impact=[distribution(name) for name in IMPACT_FIELDS],
    )


def results(scope: ReportScope, filters: Filters, now=None) -> Results:
    """Every figure on the dashboard, in a fixed number of queries (about fifteen)."""
    from .sources import impact_sources

    cohorts = selected_cohorts(scope, filters)
    rows = cohort_rows(cohorts, now)
    enrolments = Enrolment.objects.filter(cohort__in=cohorts)
    enrolled = enrolments.filter(d.enrolled_q())
    extra = []
    for source in impact_sources():
        extra += source.tables(cohorts, filters.querystring())
    return Results(
        headline=headline(enrolments, len(rows), now),
        cohorts=rows,
        courses=_courses(rows),
        quarters=_quarters(rows),
        regions=_group(enrolled.annotate(region=region_expression()), "region"),
        countries=_group(enrolled, "country"),
        agencies=_group(enrolled, "agency_type"),
        genders=_group(enrolled, "report_profile__gender"),
        roles=_group(enrolled, "report_profile__professional_role"),
        weeks=weekly_engagement(cohorts),
        feedback=feedback(cohorts),
        extra=extra,
    )


# ---- The records behind a figure --------------------------------------------------------------


def enrolment_records(cohorts: QuerySet[Cohort], drill: dict) -> QuerySet[Enrolment]:
    """The enrolments behind a figure (enrolled, completed, or active in a course week)."""
    enrolments = Enrolment.objects.filter(cohort__in=cohorts)
    measure = drill.get("measure") or "enrolled"
    enrolments = enrolments.filter(d.completed_q() if measure == "completed" else d.enrolled_q())
    if measure == "active":
        active = Q(pk__in=_readings(cohorts).filter(wk=drill.get("week") or 1).values("who"))
        active |= Q(pk__in=_posts(cohorts).filter(wk=drill.get("week") or 1).values("who"))
        enrolments = enrolments.filter(active)
    if "country" in drill:
        country = drill["country"]
        enrolments = enrolments.filter(country="" if country == NOT_GIVEN else country)
    if "region" in drill:
        region = drill["region"]
        if region == NOT_GIVEN:
            enrolments = enrolments.exclude(country__in=list(COUNTRY_REGION))
        else:
            enrolments = enrolments.filter(country__in=countries_in_region(region))
    if "agency" in drill:
        agency = drill["agency"]
        enrolments = enrolments.filter(agency_type="" if agency == NOT_GIVEN else agency)
    if "quarter" in drill:
        start, end = quarter_bounds(drill["quarter"])
        enrolments = enrolments.filter(cohort__start_date__range=(start, end))
    return enrolments.select_related("user", "cohort__course", "cohort__institution").order_by(
        "cohort__start_date", "cohort__title", "user__display_name", "pk"
    )


def reading_records(cohorts: QuerySet[Cohort], drill: dict) -> QuerySet[ReadingProgress]:
    readings = _readings(cohorts)
    if "week" in drill:
        readings = readings.filter(wk=drill["week"])
    return readings.select_related("enrolment__user", "enrolment__cohort", "reading").order_by(
        "enrolment__cohort__start_date", "read_at", "pk"
    )


def post_records(cohorts: QuerySet[Cohort], drill: dict) -> QuerySet[Post]:
    posts = _posts(cohorts)
    if "week" in drill:
        posts = posts.filter(wk=drill["week"])
    return posts.select_related("author", "space__cohort", "thread").order_by(
        "space__cohort__start_date", "created_at", "pk"
    )


def feedback_records(cohorts: QuerySet[Cohort], drill: dict) -> QuerySet[FeedbackResponse]:
    responses = FeedbackResponse.objects.filter(d.enrolled_q("enrolment__"), enrolment__cohort__in=cohorts)
    if drill.get("relevance"):
        responses = responses.filter(relevance=drill["relevance"])
    if drill.get("dimension"):
        responses = responses.filter(**{drill["dimension"]: drill["score"]})
    return responses.select_related("enrolment__user", "enrolment__cohort").order_by(
        "enrolment__cohort__start_date", "submitted_at", "pk"
    )


# The 3- and 6-month follow-up (alumni): which answer field each "applied" drill-down reads.
APPLIED = {
    "case": ("applied_in_case", lambda: _("in a case")),
    "request": ("applied_in_request", lambda: _("in a request for assistance or extradition")),
    "draft_law": ("applied_in_draft_law", lambda: _("in a draft law or regulation")),
}


def impact_responses(cohorts: QuerySet[Cohort]) -> QuerySet[ImpactResponse]:
    """The follow-up answers of enrolled trainees of the selected cohorts."""
    return ImpactResponse.objects.filter(d.enrolled_q("enrolment__"), enrolment__cohort__in=cohorts)


def impact_records(cohorts: QuerySet[Cohort], drill: dict) -> QuerySet[ImpactResponse]:
    records = impact_responses(cohorts)
    if drill.get("wave"):
        records = records.filter(wave=drill["wave"])
    if drill.get("applied"):
        records = records.filter(**{APPLIED[drill["applied"]][0]: True})
    return records.select_related("enrolment__user", "enrolment__cohort").order_by(
        "enrolment__cohort__start_date", "wave", "submitted_at", "pk"
    )


RECORDS = {
    "enrolments": enrolment_records,
    "readings": reading_records,
    "posts": post_records,
    "feedback": feedback_records,
    "impact": impact_records,
}


def cohort_tutors(cohort: Cohort) -> list[str]:
    return [
        e.user.public_name
        for e in cohort.enrolments.tutors().select_related("user").order_by("user__display_name")
    ]
