"""Programme staff manage courses, cohorts, enrolments and institutions in the Wagtail admin."""

from http import HTTPStatus

import pytest

from courses.factories import UserFactory
from courses.models import Cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, home):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


@pytest.mark.parametrize("model", ["course", "cohort", "enrolment", "institution"])
def test_snippet_listing_and_add_form_load(staff_client, model, cohort):
    assert staff_client.get(f"/admin/snippets/courses/{model}/").status_code == HTTPStatus.OK
    assert staff_client.get(f"/admin/snippets/courses/{model}/add/").status_code == HTTPStatus.OK


def test_course_edit_form_has_its_weeks_inline(staff_client, course):
    response = staff_client.get(f"/admin/snippets/courses/course/edit/{course.pk}/")
    assert response.status_code == HTTPStatus.OK
    assert "weeks-TOTAL_FORMS" in response.text


def test_staff_create_a_cohort_and_its_dates_are_derived(staff_client, course):
    response = staff_client.post(
        "/admin/snippets/courses/cohort/add/",
        {
            "course": course.pk,
            "title": "Cohort from the admin",
            "slug": "from-admin",
            "start_date": "2027-01-11",
            "weeks": 6,
            "time_zone": "Africa/Nairobi",
            "language": "fr",
            "capacity": 25,
            "accepts_codes": "on",
            "invitation_code": "admn2345",
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.context["form"].errors
    cohort = Cohort.objects.get(slug="from-admin")
    assert cohort.invitation_code == "ADMN2345"
    assert cohort.starts_at.isoformat() == "2027-01-10T21:00:00+00:00"


def test_reserved_slug_is_refused_in_the_admin(staff_client, course):
    response = staff_client.post(
        "/admin/snippets/courses/cohort/add/",
        {
            "course": course.pk,
            "title": "x",
            "slug": "join",
            "start_date": "2027-01-11",
            "weeks": 6,
            "time_zone": "UTC",
            "language": "en",
            "capacity": 25,
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert not Cohort.objects.filter(slug="join").exists()


def test_trainees_cannot_reach_the_snippets(client, trainee):
    client.force_login(trainee)
    assert client.get("/admin/snippets/courses/cohort/").status_code == HTTPStatus.FOUND
