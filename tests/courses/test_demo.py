"""courses.demo: the cohorts `make run` shows, dated from today, loaded any number of times."""

import pytest

from accounts.demo import load_demo_accounts
from courses.demo import COHORT_A_CODE, load_demo_cohorts
from courses.models import (
    Certificate,
    Cohort,
    Course,
    CourseAuditEntry,
    Enrolment,
    Institution,
    ReadingProgress,
    new_code,
)
from modules.demo import load_curriculum

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(home):
    load_curriculum()
    load_demo_accounts()
    return load_demo_cohorts()


def test_demo_cohorts_are_in_the_promised_state(demo):
    a, b, upcoming, ended = demo["a"], demo["b"], demo["upcoming"], demo["ended"]
    assert (a.state(), a.current_week()) == (Cohort.State.RUNNING, 2)
    assert (b.state(), b.current_week()) == (Cohort.State.RUNNING, 3)
    assert upcoming.state() == Cohort.State.UPCOMING and upcoming.accepts_applications
    assert ended.state() == Cohort.State.ENDED

    assert a.invitation_code == COHORT_A_CODE and len(COHORT_A_CODE) == 8
    assert set(COHORT_A_CODE) <= set("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    assert len(new_code()) == 8

    trainees_a = a.enrolments.trainees().select_related("user")
    emails = {e.user.email for e in trainees_a}
    assert {"trainee1@example.org", "trainee2@example.org"} <= emails
    assert len(emails) == 14
    assert len({e.country for e in trainees_a}) >= 10
    assert a.enrolments.tutors().get().user.email == "tutor1@example.org"
    assert ReadingProgress.objects.filter(enrolment__cohort=a).exists()

    assert b.institution.name == "National Judicial Academy" and b.institution.country == "KE"
    assert b.institution.admins.filter(email="academy@example.org").exists()
    assert b.enrolments.tutors().get().user.email == "tutor2@example.org"
    assert b.enrolments.trainees().filter(user__email="trainee3@example.org").exists()

    assert upcoming.enrolments.filter(status=Enrolment.Status.APPLIED).count() == 2
    graduates = ended.enrolments.trainees()
    assert graduates.exists() and all(e.status == Enrolment.Status.COMPLETED for e in graduates)
    assert Certificate.objects.filter(enrolment__cohort=ended).count() == graduates.count()

    for course in Course.objects.all():
        weeks = list(course.weeks.all())
        assert len(weeks) == 6 and all(week.reading_ids for week in weeks)


def test_loading_the_demo_again_creates_nothing_new(demo):
    counts = [
        model.objects.count()
        for model in (Course, Cohort, Enrolment, ReadingProgress, Certificate, CourseAuditEntry, Institution)
    ]
    again = load_demo_cohorts()
    assert [
        model.objects.count()
        for model in (Course, Cohort, Enrolment, ReadingProgress, Certificate, CourseAuditEntry, Institution)
    ] == counts
    assert again["a"].pk == demo["a"].pk


def test_demo_trainees_answered_gender_and_role(demo):
    from reports.models import ParticipantProfile

    trainees = Enrolment.objects.filter(role=Enrolment.Role.TRAINEE, cohort__in=demo.values())
    profiles = ParticipantProfile.objects.filter(enrolment__in=trainees)
    assert profiles.count() == trainees.count()
    assert {"woman", "man", "undisclosed"} <= set(profiles.values_list("gender", flat=True))
    assert profiles.get(enrolment__user__display_name="Kwame Mensah").professional_role == "judge"
