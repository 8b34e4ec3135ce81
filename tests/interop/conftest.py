"""Fixtures for exports and LTI: a module with readings (one translated into French), a
programme built on them, an institution's cohort, and people in every role that matters."""

import io
import zipfile

import pytest

from django.contrib.auth.models import Permission

from wagtail.models import Locale

from courses.factories import (
    CohortFactory,
    CourseFactory,
    CourseWeekFactory,
    EnrolmentFactory,
    InstitutionFactory,
    TutorFactory,
    UserFactory,
)
from modules.editorial import ensure_editorial_setup
from modules.factories import heading, make_reading, paragraph

PLATFORM = "http://testserver"


def quotation(text: str, block_id: str) -> dict:
    return {"type": "quotation", "value": {"text": text, "attribution": "A judge"}, "id": block_id}


@pytest.fixture
def readings(module):
    """Three readings; the first has a heading, links in and out of Legis, and a quotation."""
    first = make_reading(
        module,
        title="The universal instruments",
        slug="universal-instruments",
        passages=0,
        extra_blocks=[
            heading("A framework built piece by piece", "aaaaaaaa-0000-4000-8000-000000000001"),
            paragraph(
                '<p>See the <a href="/glossary/aut-dedere/">extradite or prosecute</a> rule and '
                '<a href="https://treaties.example.org/x">the treaty text</a>.</p>',
                "aaaaaaaa-0000-4000-8000-000000000002",
            ),
            quotation(
                "No safe haven for those who commit terrorist acts.", "aaaaaaaa-0000-4000-8000-000000000003"
            ),
            paragraph(
                "<p>The last passage of the first reading.</p>", "aaaaaaaa-0000-4000-8000-000000000004"
            ),
        ],
    )
    second = make_reading(module, title="Rule of law", slug="rule-of-law", passages=3)
    third = make_reading(module, title="International cooperation", slug="cooperation", passages=2)
    return [first, second, third]


@pytest.fixture
def french(readings):
    """The first reading translated into French (the others stay English only)."""
    fr, _ = Locale.objects.get_or_create(language_code="fr")
    copy = readings[0].copy_for_translation(fr, copy_parents=True, alias=False)
    copy.title = "Les instruments universels"
    copy.save_revision().publish()
    return copy.specific


@pytest.fixture
def course(readings):
    course = CourseFactory(title="National programme", slug="national-programme")
    CourseWeekFactory(
        course=course,
        sort_order=0,
        title="Week 1: the framework",
        readings=[("reading", readings[0]), ("reading", readings[1])],
        prompts=[{"type": "prompt", "value": "Which instrument applies?", "id": "prompt-1"}],
        assignment="Write a short note.",
    )
    CourseWeekFactory(
        course=course, sort_order=1, title="Week 2: cooperation", readings=[("reading", readings[2])]
    )
    return course


@pytest.fixture
def institution(db):
    return InstitutionFactory(name="National Judicial Academy")


@pytest.fixture
def cohort(course, institution):
    return CohortFactory(
        course=course, institution=institution, title="Academy cohort", slug="academy-cohort"
    )


@pytest.fixture
def people(cohort, institution, curriculum):
    """One person per role that the export policy distinguishes."""
    editors, reviewers, _ = ensure_editorial_setup(curriculum)
    editor = UserFactory(email="editor@example.org")
    editor.groups.add(editors)
    reviewer = UserFactory(email="reviewer@example.org")
    reviewer.groups.add(reviewers)
    staff = UserFactory(email="staff@example.org")
    staff.user_permissions.add(Permission.objects.get(codename="manage_any_cohort"))
    admin = UserFactory(email="academy@example.org")
    institution.admins.add(admin)
    return {
        "trainee": EnrolmentFactory(cohort=cohort, user=UserFactory(email="trainee@example.org")).user,
        "tutor": TutorFactory(cohort=cohort, user=UserFactory(email="tutor@example.org")).user,
        "outsider": UserFactory(email="outsider@example.org"),
        "editor": editor,
        "reviewer": reviewer,
        "staff": staff,
        "institution_admin": admin,
        "superuser": UserFactory(email="root@example.org", is_superuser=True, is_staff=True),
    }


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
