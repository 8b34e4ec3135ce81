"""Gender and professional role asked at enrolment (code, application, invitation), edited
later by the trainee, and counted — only counted — in the results reports."""

from http import HTTPStatus

import pytest

from courses.factories import CohortFactory, EnrolmentFactory, InvitationFactory, UserFactory
from courses.models import Enrolment
from reports import selectors as report_selectors
from reports.forms import Filters
from reports.models import ParticipantProfile
from reports.policies import report_scope

pytestmark = pytest.mark.django_db

ANSWERS = {"gender": "woman", "professional_role": "prosecutor"}


def csv_text(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def breakdowns(user) -> tuple[dict, dict]:
    results = report_selectors.results(report_scope(user), Filters())
    return (
        {row.key: row.enrolled for row in results.genders},
        {row.key: row.enrolled for row in results.roles},
    )


def test_joining_without_answering_says_so_and_keeps_the_code(cohort, user, client):
    client.force_login(user)
    response = client.post("/en/cohorts/join/", {"code": "LEGALA26", "country": "KE"})
    assert response.status_code == HTTPStatus.OK
    assert "Choose a gender, or “Prefer not to say”." in response.text
    assert "Choose your professional role, or “Prefer not to say”." in response.text
    assert 'value="LEGALA26"' in response.text
    assert not Enrolment.objects.filter(user=user).exists()


def test_the_service_refuses_a_missing_answer_before_taking_a_place(cohort, user):
    from courses import services
    from lms.errors import ServiceError

    with pytest.raises(ServiceError) as error:
        services.enrolment_join_with_code(user=user, code="LEGALA26", gender="woman", professional_role="")
    assert error.value.code == "professional_role_required"
    assert not Enrolment.objects.filter(user=user).exists()


def test_an_answer_given_when_joining_is_counted_in_the_reports(cohort, user, client):
    manager = UserFactory(is_superuser=True, is_staff=True)
    genders_before, roles_before = breakdowns(manager)
    client.force_login(user)
    response = client.post("/en/cohorts/join/", {"code": "LEGALA26", **ANSWERS})
    assert response.status_code == HTTPStatus.FOUND
    genders, roles = breakdowns(manager)
    assert genders.get("woman", 0) == genders_before.get("woman", 0) + 1
    assert roles.get("prosecutor", 0) == roles_before.get("prosecutor", 0) + 1

    client.force_login(manager)
    table = csv_text(client.get("/en/reports/tables/genders.csv"))
    assert "Woman" in table


def test_prefer_not_to_say_is_a_valid_answer(cohort, user, client):
    client.force_login(user)
    response = client.get("/en/cohorts/join/")
    assert response.text.count("Prefer not to say") == 2
    client.post(
        "/en/cohorts/join/", {"code": "LEGALA26", "gender": "undisclosed", "professional_role": "undisclosed"}
    )
    profile = ParticipantProfile.objects.get(enrolment__user=user)
    assert (profile.gender, profile.professional_role) == ("undisclosed", "undisclosed")


def test_an_application_without_answers_keeps_the_statement(course, user, client):
    open_cohort = CohortFactory(course=course, accepts_applications=True, accepts_codes=False)
    client.force_login(user)
    url = f"/en/cohorts/{open_cohort.slug}/apply/"
    response = client.post(url, {"statement": "I prosecute financing cases.", "gender": "man"})
    assert "Choose your professional role" in response.text
    assert "I prosecute financing cases." in response.text
    assert not Enrolment.objects.filter(user=user).exists()

    client.post(
        url, {"statement": "I prosecute financing cases.", "gender": "man", "professional_role": "judge"}
    )
    profile = ParticipantProfile.objects.get(enrolment__user=user, enrolment__cohort=open_cohort)
    assert (profile.gender, profile.professional_role) == ("man", "judge")


def test_accepting_an_invitation_asks_too(cohort, client):
    invited = UserFactory(email="invited@example.org")
    invitation = InvitationFactory(cohort=cohort, email=invited.email)
    client.force_login(invited)
    url = f"/en/invitations/{invitation.token}/"
    response = client.post(url, {})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Choose a gender" in response.text
    assert not Enrolment.objects.filter(user=invited).exists()

    response = client.post(url, ANSWERS)
    assert response.status_code == HTTPStatus.FOUND
    assert ParticipantProfile.objects.get(enrolment__user=invited).gender == "woman"


def test_the_trainee_changes_their_answers_for_all_their_cohorts(cohort, course, trainee_enrolment, client):
    other = EnrolmentFactory(user=trainee_enrolment.user, cohort=CohortFactory(course=course))
    ParticipantProfile.objects.create(enrolment=trainee_enrolment, gender="man", professional_role="judge")
    client.force_login(trainee_enrolment.user)
    response = client.get("/en/accounts/profile/")
    assert "/en/cohorts/about-you/" in response.text

    response = client.post("/en/cohorts/about-you/", {"gender": "woman"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Choose your professional role" in response.text
    assert '<option value="woman" selected>' in response.text

    response = client.post("/en/cohorts/about-you/", {"gender": "woman", "professional_role": "prosecutor"})
    assert response.status_code == HTTPStatus.FOUND
    answers = {
        (p.gender, p.professional_role)
        for p in ParticipantProfile.objects.filter(enrolment__in=[trainee_enrolment, other])
    }
    assert answers == {("woman", "prosecutor")}


def test_a_trainee_never_sees_another_trainees_answers(cohort, trainee_enrolment, client):
    ParticipantProfile.objects.create(
        enrolment=trainee_enrolment, gender="another", professional_role="prison"
    )
    classmate = EnrolmentFactory(cohort=cohort).user
    client.force_login(classmate)
    page = client.get("/en/cohorts/about-you/").text
    assert "selected>Another gender" not in page and 'value="another" selected' not in page
    assert 'value="prison" selected' not in page
    # The reports (and their per-person lists) are closed to trainees.
    assert client.get("/en/reports/records/enrolments/").status_code == HTTPStatus.FORBIDDEN


def test_the_reports_list_no_ones_answer(cohort, trainee_enrolment, client):
    ParticipantProfile.objects.create(
        enrolment=trainee_enrolment, gender="another", professional_role="prison"
    )
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    records = csv_text(client.get("/en/reports/records/enrolments.csv"))
    assert trainee_enrolment.user.public_name in records
    assert "Another gender" not in records and "Prison officer" not in records
    dashboard = client.get("/en/reports/").text
    assert "records/enrolments/?gender=" not in dashboard and "role=prison" not in dashboard
