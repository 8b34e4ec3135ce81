"""A small results data set whose figures are computed by hand in test_figures.py.

Four cohorts of one two-week course (one reading a week), at fixed dates; tests that
check figures travel to NOW, when A1, B1 and C1 have ended and A2 is in its first week.

    cohort  owner        language  starts       trainees (status, country, agency)
    A1      Academy A    en        2025-03-10   u1 completed KE judiciary (woman, judge),
                                                u2 completed KE police, u3 withdrawn FR prosecution,
                                                u4 applied, u5 removed; tutor tA
    A2      Academy A    fr        2025-05-18   u1 active KE judiciary, u6 active JO (no agency)
    B1      Academy B    en        2025-04-07   u7 "Zed Secret" completed NZ
    C1      (central)    es        2025-02-03   u8 completed SN

Follow-up: invited at 3 months u1, u2, u3 (A1) and u7 (B1), at 6 months u7; answers:
u1 at 3 months (applied in a case and a request), u2 at 3 months (nothing), u7 at 6
months (a draft law).
"""

import datetime as dt
from dataclasses import dataclass
from datetime import UTC

import pytest

from django.contrib.auth.models import Permission

from alumni.models import ImpactInvitation, ImpactResponse
from courses.factories import CohortFactory, EnrolmentFactory, InstitutionFactory, UserFactory, make_course
from courses.models import Cohort, Enrolment, FeedbackResponse, ReadingProgress
from forums import services as forum_services
from forums.models import Post, Thread
from reports.models import ParticipantProfile

NOW = dt.datetime(2025, 5, 20, 12, 0, tzinfo=UTC)
S = Enrolment.Status
A = Enrolment.AgencyType


@dataclass
class World:
    course: object
    readings: list
    academy_a: object
    academy_b: object
    a1: Cohort
    a2: Cohort
    b1: Cohort
    c1: Cohort
    users: dict


def _at(cohort: Cohort, days: float) -> dt.datetime:
    return cohort.starts_at + dt.timedelta(days=days)


def _post(cohort: Cohort, user, when: dt.datetime, status: str = Post.Status.VISIBLE) -> Post:
    space = forum_services.cohort_space_ensure(cohort)
    thread = space.threads.get(kind=Thread.Kind.GENERAL)
    post = Post.objects.create(
        thread=thread, space=space, author=user, body_source="x", body_html="<p>x</p>", status=status
    )
    Post.objects.filter(pk=post.pk).update(created_at=when)
    return post


def _read(enrolment: Enrolment, reading, week: int, when: dt.datetime) -> None:
    ReadingProgress.objects.create(enrolment=enrolment, reading=reading, week=week, read_at=when)


def build_world(module) -> World:
    course, readings = make_course(module, weeks=2, readings_per_week=1, title="General course")
    r1, r2 = readings[0][0], readings[1][0]
    academy_a = InstitutionFactory(name="Academy A", country="KE")
    academy_b = InstitutionFactory(name="Academy B", country="NZ")

    def cohort(title: str, start: dt.date, institution, language: str) -> Cohort:
        return CohortFactory(
            course=course, title=title, start_date=start, weeks=2, institution=institution, language=language
        )

    a1 = cohort("Cohort A1", dt.date(2025, 3, 10), academy_a, "en")
    a2 = cohort("Cohort A2", dt.date(2025, 5, 18), academy_a, "fr")
    b1 = cohort("Cohort B1", dt.date(2025, 4, 7), academy_b, "en")
    c1 = cohort("Cohort C1", dt.date(2025, 2, 3), None, "es")

    users = {
        key: UserFactory(email=f"{key}@example.org", display_name=name)
        for key, name in [
            ("u1", "Una One"),
            ("u2", "Uwe Two"),
            ("u3", "Ute Three"),
            ("u4", "Applicant Four"),
            ("u5", "Removed Five"),
            ("u6", "Umar Six"),
            ("u7", "Zed Secret"),
            ("u8", "Awa Eight"),
            ("tutor", "Tutor A"),
            ("admin_a", "Admin A"),
            ("admin_b", "Admin B"),
            ("manager", "Programme Manager"),
        ]
    }
    users["superuser"] = UserFactory(
        email="root@example.org", display_name="Root", is_superuser=True, is_staff=True
    )
    academy_a.admins.add(users["admin_a"])
    academy_b.admins.add(users["admin_b"])
    users["manager"].user_permissions.add(
        Permission.objects.get(content_type__app_label="reports", codename="view_all_results")
    )

    def enrol(key: str, cohort: Cohort, status: str, country: str, agency: str = "", **kw) -> Enrolment:
        return EnrolmentFactory(
            user=users[key], cohort=cohort, status=status, country=country, agency_type=agency, **kw
        )

    e1 = enrol("u1", a1, S.COMPLETED, "KE", A.JUDICIARY, completed_at=_at(a1, 13))
    e2 = enrol("u2", a1, S.COMPLETED, "KE", A.POLICE, completed_at=_at(a1, 13))
    e3 = enrol("u3", a1, S.WITHDRAWN, "FR", A.PROSECUTION)
    enrol("u4", a1, S.APPLIED, "KE")
    enrol("u5", a1, S.REMOVED, "KE")
    tutor = EnrolmentFactory(user=users["tutor"], cohort=a1, role=Enrolment.Role.TUTOR, country="KE")
    e1b = enrol("u1", a2, S.ACTIVE, "KE", A.JUDICIARY)
    enrol("u6", a2, S.ACTIVE, "JO")
    e7 = enrol("u7", b1, S.COMPLETED, "NZ", A.JUDICIARY, completed_at=_at(b1, 13))
    enrol("u8", c1, S.COMPLETED, "SN", A.FIU, completed_at=_at(c1, 13))

    ParticipantProfile.objects.create(enrolment=e1, gender="woman", professional_role="judge")
    ParticipantProfile.objects.create(enrolment=e7, gender="man", professional_role="prosecutor")

    # Readings: when they were marked read decides the course week.
    _read(e1, r1, 1, _at(a1, 1))
    _read(e1, r2, 2, _at(a1, 8))
    _read(e2, r1, 1, _at(a1, 2))
    _read(e3, r1, 1, _at(a1, 3))
    _read(e1b, r1, 1, _at(a2, 1))
    _read(e7, r1, 1, _at(b1, 1))
    _read(e7, r2, 2, _at(b1, 9))

    # Posts: before the start counts in week 1, after the end in the last week; deleted
    # posts and tutors' posts do not count.
    _post(a1, users["u1"], _at(a1, -2))
    _post(a1, users["u1"], _at(a1, 9))
    _post(a1, users["u2"], _at(a1, 17))
    _post(a1, users["u2"], _at(a1, 10), status=Post.Status.DELETED)
    _post(a1, users["tutor"], _at(a1, 1))
    _post(a2, users["u1"], _at(a2, 1))
    _post(b1, users["u7"], _at(b1, 2))
    assert tutor.pk

    # The 3- and 6-month follow-up (alumni): invitations and answers.
    for enrolment, wave in [(e1, 3), (e2, 3), (e3, 3), (e7, 3), (e7, 6)]:
        ImpactInvitation.objects.create(enrolment=enrolment, wave=wave)
    ImpactResponse.objects.create(
        enrolment=e1, wave=3, applied_in_case=True, applied_in_request=True, applied_in_draft_law=False
    )
    ImpactResponse.objects.create(
        enrolment=e2, wave=3, applied_in_case=False, applied_in_request=False, applied_in_draft_law=False
    )
    ImpactResponse.objects.create(
        enrolment=e7, wave=6, applied_in_case=False, applied_in_request=False, applied_in_draft_law=True
    )

    FeedbackResponse.objects.create(enrolment=e1, relevance=5, impact_investigating=4, impact_cooperating=5)
    FeedbackResponse.objects.create(enrolment=e2, relevance=4, impact_prosecuting=3)
    FeedbackResponse.objects.create(enrolment=e7, relevance=1, impact_adjudicating=1)
    return World(course, readings, academy_a, academy_b, a1, a2, b1, c1, users)


@pytest.fixture
def travel():
    import time_machine

    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(module, travel) -> World:
    return build_world(module)
