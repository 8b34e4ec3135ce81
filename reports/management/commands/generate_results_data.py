"""Generate a large, plausible results data set: N cohorts of M trainees with their readings,
posts, completions, certificates, feedback and report profiles.

For benchmarks and tests of the results reports only (never on a production database):
rows are written with bulk_create, so no service runs, no e-mail leaves, no event is
logged for the generated posts (they cannot be replayed to a socket), and the generated
accounts cannot log in. Everything generated is recognisable (cohort slugs `gen-…`,
e-mail addresses `@generated.invalid`) and is replaced on every run.

    manage.py generate_results_data                         # 100 cohorts × 150 trainees
    manage.py generate_results_data --cohorts 2 --trainees 5
    manage.py generate_results_data --clear                 # remove the generated set only
"""

import random
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.utils import timezone

from accounts.models import User
from courses.models import (
    Certificate,
    Cohort,
    Course,
    CourseWeek,
    Enrolment,
    FeedbackResponse,
    Institution,
    ReadingProgress,
)
from forums.models import Post, Space, Thread
from modules.models import ReadingPage
from reports.models import ParticipantProfile

SLUG_PREFIX = "gen-"
EMAIL_DOMAIN = "generated.invalid"
BATCH = 2000

# Weighted towards the regions the programme serves most; codes are ISO 3166-1 alpha-2.
COUNTRIES = (
    "KE NG SN GH ML NE BF TD CM ET UG TZ MA TN EG DZ MR ZA MZ SO "  # Africa
    "JO IQ LB SA AE YE PK AF BD IN LK ID PH MY TH VN KZ KG TJ UZ TR "  # Asia
    "CO PE BR AR MX GT PA EC BO CL "  # Americas
    "FR IT ES DE BE NL UA MD RO BA RS AL MK GB "  # Europe
    "FJ PG AU"  # Oceania
).split()
AGENCIES = [a for a, _label in Enrolment.AgencyType.choices]
GENDERS = [g for g, _label in ParticipantProfile.Gender.choices]
ROLES = [r for r, _label in ParticipantProfile.ProfessionalRole.choices]
LANGUAGES = ["en"] * 5 + ["fr"] * 3 + ["ar"] * 2 + ["es"] * 2 + ["ru", "zh-hans"]
FIRST = "Amina Carlos Irina Kwame Sofia Rahul Olena Samuel Maria Youssef Fatou Ahmed Lan Aigerim Juan".split()
LAST = "Haddad Mendes Volkova Mensah Rossi Sharma Petrenko Otieno Santos Diallo Ortiz Bekova Nguyen".split()


@contextmanager
def explicit_timestamps(*fields: models.DateTimeField):
    """Let bulk_create keep the historical times we give instead of stamping "now"."""
    saved = [(f, f.auto_now_add) for f in fields]
    try:
        for f in fields:
            f.auto_now_add = False
        yield
    finally:
        for f, value in saved:
            f.auto_now_add = value


def _field(model: type[models.Model], name: str) -> models.DateTimeField:
    return model._meta.get_field(name)


def clear_generated() -> int:
    cohorts = Cohort.objects.filter(slug__startswith=SLUG_PREFIX)
    count = cohorts.count()
    Post.objects.filter(space__cohort__in=cohorts).delete()
    cohorts.delete()
    User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()
    Institution.objects.filter(name__startswith="Generated ").delete()
    Course.objects.filter(slug__startswith=SLUG_PREFIX, cohorts__isnull=True).delete()
    return count


def _courses(rng: random.Random) -> list[tuple[Course, list[list[int]]]]:
    """Courses with readings in their weeks: the existing ones, or two made from the curriculum."""
    weeks_by_course: dict[int, list[list[int]]] = {}
    for week in CourseWeek.objects.order_by("course_id", "sort_order"):
        weeks_by_course.setdefault(week.course_id, []).append(week.reading_ids)
    usable = {pk: weeks for pk, weeks in weeks_by_course.items() if any(weeks)}
    if not usable:
        readings = list(ReadingPage.objects.live().order_by("path").values_list("pk", flat=True))
        if not readings:
            raise CommandError("No readings to build courses from: run `manage.py load_demo` first.")
        for n in range(2):
            course = Course.objects.create(
                slug=f"{SLUG_PREFIX}course-{n + 1}",
                title=f"Generated course {n + 1}",
                min_posts=0,
                min_post_weeks=0,
            )
            weeks = []
            for w in range(6):
                ids = [readings[(n * 12 + w * 2 + i) % len(readings)] for i in range(2)]
                CourseWeek.objects.create(
                    course=course,
                    sort_order=w,
                    title=f"Week {w + 1}",
                    readings=[("reading", ReadingPage.objects.get(pk=pk)) for pk in ids],
                )
                weeks.append(ids)
            usable[course.pk] = weeks
    courses = Course.objects.in_bulk(list(usable))
    return [(courses[pk], weeks) for pk, weeks in sorted(usable.items())]


def _timestamp(day: datetime, rng: random.Random, days: int = 7) -> datetime:
    return day + timedelta(seconds=rng.randrange(days * 24 * 3600))


class Command(BaseCommand):
    help = "Generate N cohorts × M trainees with readings, posts and feedback (replaces the previous set)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--cohorts", type=int, default=100)
        parser.add_argument("--trainees", type=int, default=150, help="Trainees per cohort.")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--clear", action="store_true", help="Only remove the generated data set.")

    def handle(self, *args, cohorts: int, trainees: int, seed: int, clear: bool, **options) -> None:
        started = time.monotonic()
        with transaction.atomic():
            removed = clear_generated()
            if clear:
                self.stdout.write(f"Removed {removed} generated cohorts.")
                return
            counts = generate(cohorts=cohorts, trainees=trainees, seed=seed)
        summary = ", ".join(f"{n} {what}" for what, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Generated {summary} in {time.monotonic() - started:.1f}s."))


def generate(*, cohorts: int, trainees: int, seed: int = 2026, today: date | None = None) -> dict[str, int]:
    rng = random.Random(seed)
    now = timezone.now()
    today = today or timezone.localdate()
    courses = _courses(rng)
    institutions = [
        Institution.objects.create(name=f"Generated {kind.label} {n + 1}", country=country, kind=kind)
        for n, (kind, country) in enumerate(
            zip(Institution.Kind, ["KE", "JO", "CO", "ID", "SN"], strict=False)
        )
    ]
    password = make_password(None)

    # Cohorts: spread over the last three years, the newest still running.
    cohort_objs = []
    for i in range(cohorts):
        course, weeks = courses[i % len(courses)]
        start = today - timedelta(days=round(1100 * (cohorts - i) / max(cohorts, 1)) - rng.randrange(0, 20))
        cohort = Cohort(
            course=course,
            title=f"Generated cohort {i + 1:03d}",
            slug=f"{SLUG_PREFIX}{i + 1:04d}",
            start_date=start,
            weeks=len(weeks),
            time_zone="UTC",
            language=rng.choice(LANGUAGES),
            capacity=trainees,
            institution=None if rng.random() < 0.4 else rng.choice(institutions),
            invitation_code="",
            accepts_codes=False,
        )
        cohort.starts_at = cohort.week_unlocks_at(1)
        cohort.ends_at = cohort.week_unlocks_at(cohort.weeks + 1)
        cohort_objs.append(cohort)
    Cohort.objects.bulk_create(cohort_objs, batch_size=BATCH)
    cohort_objs = list(
        Cohort.objects.filter(slug__startswith=SLUG_PREFIX).select_related("course").order_by("slug")
    )
    weeks_of = {course.pk: weeks for course, weeks in courses}

    # People: trainees and two tutors per cohort.
    users = []
    for i in range(len(cohort_objs)):
        for j in range(trainees + 2):
            kind = "tutor" if j >= trainees else "trainee"
            users.append(
                User(
                    email=f"{kind}-{i + 1}-{j + 1}@{EMAIL_DOMAIN}",
                    username=f"gen-{kind}-{i + 1}-{j + 1}",
                    display_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    country=rng.choice(COUNTRIES),
                    password=password,
                )
            )
    User.objects.bulk_create(users, batch_size=BATCH)
    by_email = dict(User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").values_list("email", "pk"))

    enrolments = []
    for i, cohort in enumerate(cohort_objs):
        ended = cohort.ends_at <= now
        for j in range(trainees + 2):
            tutor = j >= trainees
            kind = "tutor" if tutor else "trainee"
            user_id = by_email[f"{kind}-{i + 1}-{j + 1}@{EMAIL_DOMAIN}"]
            roll = rng.random()
            if tutor:
                status = Enrolment.Status.ACTIVE
            elif ended:
                status = (
                    Enrolment.Status.COMPLETED
                    if roll < 0.68
                    else Enrolment.Status.WITHDRAWN
                    if roll < 0.78
                    else Enrolment.Status.ACTIVE
                )
            else:
                status = Enrolment.Status.WITHDRAWN if roll < 0.04 else Enrolment.Status.ACTIVE
            enrolments.append(
                Enrolment(
                    user_id=user_id,
                    cohort=cohort,
                    role=Enrolment.Role.TUTOR if tutor else Enrolment.Role.TRAINEE,
                    status=status,
                    country="" if rng.random() < 0.03 else rng.choice(COUNTRIES),
                    agency_type="" if rng.random() < 0.05 else rng.choice(AGENCIES),
                    created_at=cohort.starts_at - timedelta(days=rng.randrange(3, 40)),
                    decided_at=cohort.starts_at - timedelta(days=2),
                    completed_at=(
                        cohort.ends_at - timedelta(hours=rng.randrange(1, 240))
                        if status == Enrolment.Status.COMPLETED
                        else None
                    ),
                )
            )
    with explicit_timestamps(_field(Enrolment, "created_at")):
        Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
    enrolments = list(
        Enrolment.objects.filter(
            cohort__slug__startswith=SLUG_PREFIX, role=Enrolment.Role.TRAINEE
        ).select_related("cohort")
    )

    profiles, certificates, feedback, progress = [], [], [], []
    spaces = Space.objects.bulk_create(
        [Space(kind=Space.Kind.COHORT, cohort=c, title=c.title) for c in cohort_objs], batch_size=BATCH
    )
    space_of = {s.cohort_id: s for s in Space.objects.filter(cohort__slug__startswith=SLUG_PREFIX)}
    Thread.objects.bulk_create(
        [
            Thread(space=s, kind=Thread.Kind.GENERAL, title="General discussion", pinned=True)
            for s in space_of.values()
        ]
    )
    thread_of = {t.space_id: t.pk for t in Thread.objects.filter(space__in=list(space_of.values()))}
    posts = []
    for enrolment in enrolments:
        cohort = enrolment.cohort
        weeks = weeks_of[cohort.course_id]
        open_weeks = min(cohort.current_week(now), len(weeks))
        completed = enrolment.status == Enrolment.Status.COMPLETED
        # Drop-off: later weeks are read (and discussed) by fewer people, unless they completed.
        stamina = 1.0 if completed else rng.uniform(0.3, 1.0)
        space = space_of[cohort.pk]
        for number in range(1, open_weeks + 1):
            week_start = cohort.week_unlocks_at(number)
            keen = completed or rng.random() < stamina ** (number / 2)
            if not keen:
                continue
            for reading_id in weeks[number - 1]:
                progress.append(
                    ReadingProgress(
                        enrolment_id=enrolment.pk,
                        reading_id=reading_id,
                        week=number,
                        read_at=_timestamp(week_start, rng),
                    )
                )
            for _n in range(rng.choice([0, 1, 1, 2] if not completed else [1, 1, 2, 3])):
                roll = rng.random()
                posts.append(
                    Post(
                        thread_id=thread_of[space.pk],
                        space_id=space.pk,
                        author_id=enrolment.user_id,
                        body_source="Generated post.",
                        body_html="<p>Generated post.</p>",
                        status=Post.Status.DELETED
                        if roll < 0.01
                        else Post.Status.HIDDEN
                        if roll < 0.03
                        else Post.Status.VISIBLE,
                        created_at=_timestamp(week_start, rng),
                    )
                )
        if rng.random() < 0.85:
            profiles.append(
                ParticipantProfile(
                    enrolment_id=enrolment.pk,
                    gender=rng.choice(GENDERS[:2] * 4 + GENDERS[2:]),
                    professional_role=rng.choice(ROLES),
                )
            )
        if completed:
            certificates.append(
                Certificate(
                    enrolment_id=enrolment.pk,
                    code=f"GEN-{enrolment.pk:08d}",
                    issued_at=enrolment.completed_at,
                )
            )
            if rng.random() < 0.8:
                score = lambda: rng.choice([2, 3, 3, 4, 4, 4, 5, 5, 5, 5])  # noqa: E731
                feedback.append(
                    FeedbackResponse(
                        enrolment_id=enrolment.pk,
                        relevance=score(),
                        impact_investigating=score() if rng.random() < 0.6 else None,
                        impact_prosecuting=score() if rng.random() < 0.6 else None,
                        impact_adjudicating=score() if rng.random() < 0.4 else None,
                        impact_cooperating=score(),
                        submitted_at=enrolment.completed_at,
                    )
                )
    ReadingProgress.objects.bulk_create(progress, batch_size=BATCH)
    with explicit_timestamps(_field(Post, "created_at")):
        Post.objects.bulk_create(posts, batch_size=BATCH)
    ParticipantProfile.objects.bulk_create(profiles, batch_size=BATCH)
    Certificate.objects.bulk_create(certificates, batch_size=BATCH)
    with explicit_timestamps(_field(FeedbackResponse, "submitted_at")):
        FeedbackResponse.objects.bulk_create(feedback, batch_size=BATCH)
    return {
        "cohorts": len(cohort_objs),
        "trainees": len(enrolments),
        "readings read": len(progress),
        "posts": len(posts),
        "feedback responses": len(feedback),
        "spaces": len(spaces),
    }
