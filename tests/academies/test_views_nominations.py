"""The nominations page over HTTP: who sees it, who sees which nominations, who nominates and
who decides, and the apply page of a cohort that needs a nomination."""

from http import HTTPStatus

import pytest

from academies.models import CohortSettings, Nomination
from courses.factories import CohortFactory, TutorFactory, UserFactory

from .conftest import nominate

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Omar Okafor",
    "email": "omar@example.org",
    "professional_role": "Prosecutor",
    "agency": "DPP",
}


def url(cohort, suffix=""):
    return f"/en/academies/cohorts/{cohort.slug}/nominations/{suffix}"


@pytest.mark.parametrize(
    ("role", "status", "can_post"),
    [
        ("admin_a", HTTPStatus.OK, True),
        ("focal_a", HTTPStatus.OK, True),
        ("tutor", HTTPStatus.OK, False),
        ("staff", HTTPStatus.OK, False),
        ("admin_b", HTTPStatus.FORBIDDEN, False),
        ("focal_b", HTTPStatus.FORBIDDEN, False),
        ("trainee", HTTPStatus.FORBIDDEN, False),
        ("outsider", HTTPStatus.FORBIDDEN, False),
    ],
)
def test_nominations_page_matrix(client, people, cohort, role, status, can_post):
    client.force_login(people[role])
    response = client.get(url(cohort))
    assert response.status_code == status
    if status == HTTPStatus.OK:
        assert ('name="professional_role"' in response.content.decode()) is can_post
    response = client.post(url(cohort), FORM)
    if can_post:
        assert response.status_code == HTTPStatus.FOUND
        assert Nomination.objects.get().nominated_by == people[role]
    else:
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert not Nomination.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, cohort):
    response = client.get(url(cohort))
    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]


def test_nominators_see_their_own_institution_nominations_tutors_see_all(
    client, people, course, academy_a, academy_b
):
    international = CohortFactory(course=course, institution=None, slug="intl")
    CohortSettings.objects.create(cohort=international, open_to_all_institutions=True)
    international.refresh_from_db()
    tutor = TutorFactory(cohort=international).user
    nominate(people["focal_a"], international, email="from-a@example.org", name="From Academy A")
    nominate(people["focal_b"], international, email="from-b@example.org", name="From Academy B")

    client.force_login(people["admin_b"])
    html = client.get(url(international)).content.decode()
    assert "From Academy B" in html and "From Academy A" not in html

    client.force_login(tutor)
    html = client.get(url(international)).content.decode()
    assert "From Academy B" in html and "From Academy A" in html


@pytest.mark.parametrize(
    ("role", "decides"),
    [("tutor", True), ("admin_a", True), ("focal_a", False), ("admin_b", False), ("trainee", False)],
)
def test_decision_matrix_over_http(client, people, cohort, role, decides):
    nomination = nominate(people["focal_a"], cohort)
    client.force_login(people[role])
    response = client.post(url(cohort, f"{nomination.pk}/decide/"), {"decision": "accept", "reason": ""})
    nomination.refresh_from_db()
    if decides:
        assert response.status_code == HTTPStatus.FOUND
        assert nomination.status == Nomination.Status.ACCEPTED
    else:
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert nomination.status == Nomination.Status.PENDING


def test_a_duplicate_nomination_keeps_the_input_and_says_why(client, people, cohort):
    nominate(people["focal_a"], cohort, email="omar@example.org")
    client.force_login(people["admin_a"])
    response = client.post(url(cohort), FORM)
    assert response.status_code == HTTPStatus.CONFLICT
    html = response.content.decode()
    assert "already been nominated" in html
    assert 'value="Omar Okafor"' in html


def test_the_apply_page_of_a_nomination_only_cohort(client, people, cohort):
    cohort.accepts_applications = True
    cohort.save()
    CohortSettings.objects.create(cohort=cohort, requires_nomination=True)
    applicant = UserFactory(email="omar@example.org")
    client.force_login(applicant)
    response = client.get(f"/en/cohorts/{cohort.slug}/apply/")
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "only from officials their institution has nominated" in response.content.decode()
    nominate(people["focal_a"], cohort, email="omar@example.org")
    assert client.get(f"/en/cohorts/{cohort.slug}/apply/").status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    ("role", "status"), [("admin_a", 200), ("staff", 200), ("tutor", 403), ("admin_b", 403)]
)
def test_cohort_settings_page_matrix(client, people, cohort, role, status):
    client.force_login(people[role])
    settings_url = f"/en/academies/cohorts/{cohort.slug}/settings/"
    assert client.get(settings_url).status_code == status
    client.post(settings_url, {"requires_nomination": "on", "training_of_trainers": "on"})
    assert CohortSettings.objects.filter(cohort=cohort, training_of_trainers=True).exists() is (status == 200)


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin_a", 200), ("focal_a", 200), ("staff", 200), ("admin_b", 403), ("tutor", 403), ("trainee", 403)],
)
def test_institution_page_matrix(client, people, academy_a, role, status):
    client.force_login(people[role])
    assert client.get(f"/en/academies/institutions/{academy_a.pk}/").status_code == status


@pytest.mark.parametrize(("role", "allowed"), [("admin_a", True), ("focal_a", False), ("admin_b", False)])
def test_people_management_matrix(client, people, academy_a, home, role, allowed):
    newcomer = UserFactory(email="newcomer@example.org")
    client.force_login(people[role])
    response = client.post(
        f"/en/academies/institutions/{academy_a.pk}/people/",
        {"action": "add_focal_point", "email": "newcomer@example.org"},
    )
    assert academy_a.focal_points.filter(user=newcomer).exists() is allowed
    assert response.status_code == (HTTPStatus.FOUND if allowed else HTTPStatus.FORBIDDEN)
