"""Pseudonyms: shown where the cohort allows them, with the real name for tutors only."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.names import display_name_for
from courses.models import Enrolment

from .conftest import enrol, make_cohort, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    cohort = make_cohort("cohort-a")
    amina = user("amina@example.org")
    amina.display_name, amina.pseudonym = "Amina Haddad", "Judge A"
    amina.save()
    carlos, tutor, outsider = user("carlos@example.org"), user("tutor@example.org"), user("x@example.org")
    enrol(amina, cohort)
    enrol(carlos, cohort)
    enrol(tutor, cohort, Enrolment.Role.TUTOR)
    return {"cohort": cohort, "amina": amina, "carlos": carlos, "tutor": tutor, "outsider": outsider}


@pytest.mark.parametrize(
    ("viewer", "allowed", "expected"),
    [
        ("carlos", True, "Judge A"),
        ("outsider", True, "Judge A"),
        ("amina", True, "Judge A"),
        ("tutor", True, "Judge A (Amina Haddad)"),
        ("carlos", False, "Amina Haddad"),
        ("tutor", False, "Amina Haddad"),
    ],
)
def test_who_sees_which_name(people, viewer, allowed, expected):
    cohort = people["cohort"]
    cohort.pseudonyms_allowed = allowed
    cohort.save()
    assert display_name_for(people[viewer], people["amina"], cohort) == expected


def test_outside_a_cohort_and_without_a_pseudonym_the_public_name_shows(people):
    assert display_name_for(people["carlos"], people["amina"], None) == "Amina Haddad"
    people["cohort"].pseudonyms_allowed = True
    assert display_name_for(people["amina"], people["carlos"], people["cohort"]) == "Carlos"


def test_a_deleted_author_is_a_former_participant(people):
    assert display_name_for(people["carlos"], None, people["cohort"]) == "Former participant"


def test_with_the_viewers_role_given_no_query_is_made(people):
    people["cohort"].pseudonyms_allowed = True
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(20):
            display_name_for(people["tutor"], people["amina"], people["cohort"], viewer_is_tutor=True)
    assert len(ctx.captured_queries) == 0
