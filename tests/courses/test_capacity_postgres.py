"""Capacity holds under concurrent enrolment (services tier: needs PostgreSQL's row locks).

Run with DATABASE_URL=postgres://... ; on SQLite the test is skipped (SQLite serialises
writers itself, so the race cannot happen there).
"""

import threading

import pytest

from django.conf import settings
from django.db import connection

from courses import services
from courses.factories import CohortFactory, CourseFactory, EnrolmentFactory, UserFactory
from courses.models import Enrolment
from lms.errors import ServiceError

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL (set DATABASE_URL)",
    ),
]

CAPACITY = 5
CONTENDERS = 24


def run_at_once(calls) -> list[str]:
    """Start every call at the same instant, each in its own thread and database connection."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker(call):
        try:
            barrier.wait()
            call()
            outcome = "ok"
        except ServiceError as error:
            outcome = error.code
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_concurrent_joins_with_a_code_never_overfill_a_cohort():
    cohort = CohortFactory(course=CourseFactory(), capacity=CAPACITY, invitation_code="RACE2345")
    users = UserFactory.create_batch(CONTENDERS)
    outcomes = run_at_once(
        [lambda user=user: services.enrolment_join_with_code(user=user, code="RACE2345") for user in users]
    )
    assert outcomes.count("ok") == CAPACITY
    assert outcomes.count("cohort_full") == CONTENDERS - CAPACITY
    assert cohort.enrolments.trainees().count() == CAPACITY


def test_concurrent_acceptances_and_joins_share_the_last_places():
    cohort = CohortFactory(
        course=CourseFactory(), capacity=CAPACITY, invitation_code="RACE6789", accepts_applications=True
    )
    EnrolmentFactory.create_batch(CAPACITY - 2, cohort=cohort)  # two places left
    tutor = EnrolmentFactory(cohort=cohort, role=Enrolment.Role.TUTOR).user
    applications = EnrolmentFactory.create_batch(
        6, cohort=cohort, status=Enrolment.Status.APPLIED, statement="Please."
    )
    joiners = UserFactory.create_batch(6)
    calls = [
        lambda e=e: services.enrolment_decide(actor=tutor, enrolment=e, accept=True) for e in applications
    ] + [lambda u=u: services.enrolment_join_with_code(user=u, code="RACE6789") for u in joiners]
    outcomes = run_at_once(calls)
    assert outcomes.count("ok") == 2
    assert cohort.enrolments.trainees().count() == CAPACITY
