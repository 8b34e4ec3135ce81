"""Factories for courses and cohorts, for tests and benchmarks."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import factory
from allauth.account.models import EmailAddress

from django.utils import timezone

from accounts.models import User
from modules.factories import make_reading
from modules.models import ModulePage, ReadingPage

from .models import (
    Certificate,
    Cohort,
    Course,
    CourseWeek,
    Enrolment,
    Institution,
    Invitation,
    ReadingProgress,
)

PASSWORD = "pw-for-tests-1"


class UserFactory(factory.django.DjangoModelFactory):
    """A user who can log in at once: password PASSWORD and a verified e-mail address."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    username = factory.LazyAttribute(lambda o: o.email.split("@", 1)[0])
    display_name = factory.Sequence(lambda n: f"Person {n}")
    country = "KE"

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs) -> None:
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"National Academy {n}")
    country = "KE"
    kind = Institution.Kind.JUDICIAL_ACADEMY


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    hours = 30
    min_posts = 0
    min_post_weeks = 0


class CourseWeekFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseWeek

    course = factory.SubFactory(CourseFactory)
    sort_order = factory.Sequence(lambda n: n)
    title = factory.LazyAttribute(lambda o: f"Week {o.sort_order + 1}")


def make_course(
    module: ModulePage, *, weeks: int = 6, readings_per_week: int = 2, **kwargs: object
) -> tuple[Course, list[list[ReadingPage]]]:
    """A course whose weeks each have `readings_per_week` new published readings and one prompt."""
    course = CourseFactory(**kwargs)
    pages: list[list[ReadingPage]] = []
    for n in range(weeks):
        readings = [
            make_reading(module, title=f"{course.title}: week {n + 1} reading {i + 1}", passages=2)
            for i in range(readings_per_week)
        ]
        pages.append(readings)
        CourseWeekFactory(
            course=course,
            sort_order=n,
            title=f"Week {n + 1} topic",
            readings=[("reading", page) for page in readings],
            prompts=[{"type": "prompt", "value": f"Discuss week {n + 1}.", "id": f"prompt-{course.pk}-{n}"}],
            assignment="Write a short post." if n == 0 else "",
        )
    return course, pages


def start_for_week(week: int, *, time_zone: str = "UTC", days_into_week: int = 2) -> date:
    """A start date that puts a cohort today in `week` (0 or less: not started; past the end: ended)."""
    today = timezone.localdate(timezone=ZoneInfo(time_zone))
    return today - timedelta(days=7 * (week - 1) + days_into_week)


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Cohort {n}")
    slug = factory.Sequence(lambda n: f"cohort-{n}")
    start_date = factory.LazyFunction(lambda: start_for_week(2))
    time_zone = "UTC"
    capacity = 30
    invitation_code = factory.Sequence(lambda n: f"CODE{n:04d}"[:8])


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    user = factory.SubFactory(UserFactory)
    cohort = factory.SubFactory(CohortFactory)
    role = Enrolment.Role.TRAINEE
    status = Enrolment.Status.ACTIVE
    country = factory.LazyAttribute(lambda o: o.user.country)
    decided_at = factory.LazyFunction(timezone.now)


class TutorFactory(EnrolmentFactory):
    role = Enrolment.Role.TUTOR


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    cohort = factory.SubFactory(CohortFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")


class ReadingProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadingProgress

    enrolment = factory.SubFactory(EnrolmentFactory)
    week = 1


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    enrolment = factory.SubFactory(EnrolmentFactory, status=Enrolment.Status.COMPLETED)
    code = factory.Sequence(lambda n: f"TEST-CERT-{n:04d}")
