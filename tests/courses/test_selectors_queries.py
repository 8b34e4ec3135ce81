"""The dashboard and the roster make as many queries for 150 trainees as for 5."""

from http import HTTPStatus

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.factories import (
    CohortFactory,
    EnrolmentFactory,
    ReadingProgressFactory,
    TutorFactory,
    start_for_week,
)

pytestmark = pytest.mark.django_db


def cohort_of(size: int, course, readings):
    cohort = CohortFactory(course=course, start_date=start_for_week(3))
    enrolments = EnrolmentFactory.create_batch(size, cohort=cohort)
    for n, enrolment in enumerate(enrolments):
        for page in readings[0][: n % 3] + readings[1][: n % 2]:
            ReadingProgressFactory(enrolment=enrolment, reading=page, week=1 if page in readings[0] else 2)
    tutor = TutorFactory(cohort=cohort).user
    return cohort, enrolments[0].user, tutor


def count(client, user, url) -> int:
    client.force_login(user)
    client.get(url)  # warm caches that are not per request (content types, site)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(queries)


@pytest.mark.parametrize("page", ["dashboard", "roster"])
def test_query_count_does_not_grow_with_the_cohort(client, course, readings, page):
    counts = {}
    for size in (5, 150):
        cohort, trainee, tutor = cohort_of(size, course, readings)
        url = f"/en/cohorts/{cohort.slug}/" + ("roster/" if page == "roster" else "")
        counts[size] = count(client, tutor if page == "roster" else trainee, url)
        if page == "roster":
            assert count(client, tutor, url) == counts[size]
    print(f"{page}: {counts[5]} queries at 5 trainees, {counts[150]} at 150")
    assert counts[5] == counts[150]
    assert counts[5] <= 20


def test_tutor_dashboard_query_count_does_not_grow(client, course, readings):
    counts = {}
    for size in (5, 150):
        cohort, _trainee, tutor = cohort_of(size, course, readings)
        counts[size] = count(client, tutor, f"/en/cohorts/{cohort.slug}/")
    assert counts[5] == counts[150]
