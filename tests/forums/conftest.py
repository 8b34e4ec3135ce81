import datetime as dt

import pytest

from django.utils import timezone

from accounts.demo import ensure_user
from courses.models import Cohort, Course, CourseWeek, Enrolment
from forums import services
from forums.models import Thread

PASSWORD = "pw-for-tests-1"


def make_cohort(slug: str, *, start: dt.date | None = None, weeks: int = 6, capacity: int = 500) -> Cohort:
    course, _ = Course.objects.get_or_create(slug="general", defaults={"title": "General course"})
    if not course.weeks.exists():
        for n in range(weeks):
            CourseWeek.objects.create(
                course=course,
                sort_order=n,
                title=f"Week {n + 1}",
                prompts=[{"type": "prompt", "value": f"Prompt for week {n + 1}"}],
            )
    return Cohort.objects.create(
        course=course,
        title=f"Cohort {slug}",
        slug=slug,
        weeks=weeks,
        capacity=capacity,
        start_date=start or (timezone.localdate() - dt.timedelta(days=8)),
        time_zone="UTC",
    )


def enrol(
    user, cohort: Cohort, role: str = Enrolment.Role.TRAINEE, status: str = Enrolment.Status.ACTIVE
) -> Enrolment:
    return Enrolment.objects.create(user=user, cohort=cohort, role=role, status=status)


def user(email: str, **kwargs):
    account, _ = ensure_user(email, password=PASSWORD, display_name=email.split("@")[0].title(), **kwargs)
    return account


@pytest.fixture
def cohort(db):
    return make_cohort("cohort-a")


@pytest.fixture
def other_cohort(db):
    return make_cohort("cohort-b")


@pytest.fixture
def space(cohort):
    return services.cohort_space_ensure(cohort)


@pytest.fixture
def general(space):
    return space.threads.get(kind=Thread.Kind.GENERAL)


@pytest.fixture
def trainee(cohort):
    account = user("amina@example.org")
    enrol(account, cohort)
    return account


@pytest.fixture
def trainee2(cohort):
    account = user("carlos@example.org")
    enrol(account, cohort)
    return account


@pytest.fixture
def tutor(cohort):
    account = user("tutor@example.org")
    enrol(account, cohort, Enrolment.Role.TUTOR)
    return account


@pytest.fixture
def outsider(other_cohort):
    account = user("irina@example.org")
    enrol(account, other_cohort)
    return account


@pytest.fixture
def other_tutor(other_cohort):
    account = user("jean@example.org")
    enrol(account, other_cohort, Enrolment.Role.TUTOR)
    return account
