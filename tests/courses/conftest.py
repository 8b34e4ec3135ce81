import pytest

from django.core.cache import cache

from courses import participation
from courses.factories import (
    CohortFactory,
    EnrolmentFactory,
    TutorFactory,
    UserFactory,
    make_course,
    start_for_week,
)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate limits count in the cache; one test's attempts must not spill into the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def course_and_readings(module):
    return make_course(module, weeks=6, readings_per_week=2)


@pytest.fixture
def course(course_and_readings):
    return course_and_readings[0]


@pytest.fixture
def readings(course_and_readings):
    """Readings per week: readings[0] are week 1's."""
    return course_and_readings[1]


@pytest.fixture
def cohort(course):
    """A cohort in its second week."""
    return CohortFactory(course=course, start_date=start_for_week(2), invitation_code="LEGALA26")


@pytest.fixture
def trainee_enrolment(cohort):
    return EnrolmentFactory(cohort=cohort, user=UserFactory(display_name="Amina Haddad", country="JO"))


@pytest.fixture
def trainee(trainee_enrolment):
    return trainee_enrolment.user


@pytest.fixture
def tutor(cohort):
    return TutorFactory(cohort=cohort, user=UserFactory(display_name="Leila Benali")).user


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def posts():
    """Stand in for `forums`: set posts per (user id, date) that the completion rule and roster count."""
    counts: dict = {}

    def counter(cohort, user_ids):
        return {k: v for k, v in counts.items() if user_ids is None or k[0] in user_ids}

    participation.register_post_counter(counter)
    yield counts
    participation._counters.remove(counter)
