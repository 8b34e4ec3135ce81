"""Fixtures for institutions: two academies, a cohort each, and people in every role that
matters to nominations, the trainer track and programmes. They compose; none builds more than
the test asks for."""

import pytest

from django.contrib.auth.models import Permission

from academies import services
from academies.models import FocalPoint
from courses.factories import (
    CohortFactory,
    CourseFactory,
    EnrolmentFactory,
    InstitutionFactory,
    TutorFactory,
    UserFactory,
    start_for_week,
)
from courses.models import Enrolment
from modules.factories import make_reading

# The browser fixtures (a daphne server and Chromium), for test_browser_nomination.py.


@pytest.fixture
def academy_a(db):
    return InstitutionFactory(name="Academy A", country="KE")


@pytest.fixture
def academy_b(db):
    return InstitutionFactory(name="Academy B", country="FR")


@pytest.fixture
def course(db):
    return CourseFactory(title="The universal framework")


@pytest.fixture
def cohort(academy_a, course):
    """Academy A's cohort, starting in two weeks."""
    return CohortFactory(
        course=course,
        institution=academy_a,
        title="A's cohort",
        slug="a-cohort",
        start_date=start_for_week(-1),
    )


@pytest.fixture
def admin_a(academy_a):
    user = UserFactory(email="admin-a@example.org", display_name="Admin A")
    academy_a.admins.add(user)
    return user


@pytest.fixture
def admin_b(academy_b):
    user = UserFactory(email="admin-b@example.org", display_name="Admin B")
    academy_b.admins.add(user)
    return user


@pytest.fixture
def focal_a(academy_a):
    user = UserFactory(email="focal-a@example.org", display_name="Focal A")
    FocalPoint.objects.create(institution=academy_a, user=user)
    return user


@pytest.fixture
def focal_b(academy_b):
    user = UserFactory(email="focal-b@example.org", display_name="Focal B")
    FocalPoint.objects.create(institution=academy_b, user=user)
    return user


@pytest.fixture
def tutor(cohort):
    return TutorFactory(
        cohort=cohort, user=UserFactory(email="tutor@example.org", display_name="Tutor T")
    ).user


@pytest.fixture
def trainee(cohort):
    return EnrolmentFactory(cohort=cohort, user=UserFactory(email="trainee@example.org")).user


@pytest.fixture
def staff(db):
    user = UserFactory(email="staff@example.org", display_name="Programme staff")
    user.user_permissions.add(Permission.objects.get(codename="manage_any_cohort"))
    return user


@pytest.fixture
def outsider(db):
    return UserFactory(email="outsider@example.org")


@pytest.fixture
def people(admin_a, admin_b, focal_a, focal_b, tutor, trainee, staff, outsider):
    return {
        "admin_a": admin_a,
        "admin_b": admin_b,
        "focal_a": focal_a,
        "focal_b": focal_b,
        "tutor": tutor,
        "trainee": trainee,
        "staff": staff,
        "outsider": outsider,
    }


@pytest.fixture
def section_a(home, academy_a):
    return services.section_ensure(actor=None, institution=academy_a)


@pytest.fixture
def section_b(home, academy_b):
    return services.section_ensure(actor=None, institution=academy_b)


@pytest.fixture
def editor_a(section_a, academy_a):
    return services.editor_add(
        actor=None,
        institution=academy_a,
        user=UserFactory(email="editor-a@example.org", display_name="Editor A"),
    )


@pytest.fixture
def editor_b(section_b, academy_b):
    return services.editor_add(
        actor=None,
        institution=academy_b,
        user=UserFactory(email="editor-b@example.org", display_name="Editor B"),
    )


@pytest.fixture
def shared_readings(module):
    return [
        make_reading(module, title="Shared reading one", slug="shared-one", passages=2),
        make_reading(module, title="Shared reading two", slug="shared-two", passages=2),
    ]


def nominate(actor, cohort, email="nominee@example.org", **kwargs):
    fields = {"name": "Nina Nominee", "professional_role": "Investigating judge", "agency": "High Court"}
    fields.update(kwargs)
    return services.nomination_create(actor=actor, cohort=cohort, email=email, **fields)


def graduate(cohort, **user_fields):
    return EnrolmentFactory(cohort=cohort, user=UserFactory(**user_fields), status=Enrolment.Status.COMPLETED)
