"""courses.services: joining with a code, applying, deciding, bulk invitations, accepting them."""

from datetime import timedelta
from http import HTTPStatus

import pytest

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from courses import services
from courses.factories import (
    CohortFactory,
    EnrolmentFactory,
    InvitationFactory,
    TutorFactory,
    UserFactory,
    start_for_week,
)
from courses.models import CourseAuditEntry, Enrolment, Invitation
from lms.errors import PermissionDenied, ServiceError

pytestmark = pytest.mark.django_db

# The two questions every enrolment form asks for the results reports.
ANSWERS = {"gender": "woman", "professional_role": "prosecutor"}


# ---- Invitation code --------------------------------------------------------------------------


def test_join_with_code_enrols_a_trainee_with_country_and_agency(cohort, user):
    enrolment = services.enrolment_join_with_code(
        user=user, code="  legala26 ", country="GH", agency_type=Enrolment.AgencyType.JUDICIARY
    )
    assert (enrolment.cohort, enrolment.role, enrolment.status) == (
        cohort,
        Enrolment.Role.TRAINEE,
        Enrolment.Status.ACTIVE,
    )
    assert (enrolment.country, enrolment.agency_type) == ("GH", "judiciary")
    # Joining twice is harmless.
    assert services.enrolment_join_with_code(user=user, code="LEGALA26") == enrolment


def test_wrong_code_gets_a_clear_message(cohort, user, client):
    with pytest.raises(ServiceError) as error:
        services.enrolment_join_with_code(user=user, code="WRONG123")
    assert error.value.code == "bad_code"

    client.force_login(user)
    response = client.post("/en/cohorts/join/", {"code": "WRONG123", **ANSWERS})
    assert response.status_code == HTTPStatus.OK
    assert "That code does not match an open cohort. Check it and try again." in response.text
    assert not Enrolment.objects.filter(user=user).exists()


def test_codes_of_ended_or_code_less_cohorts_are_refused(course, user):
    CohortFactory(course=course, invitation_code="ENDED222", start_date=start_for_week(9))
    CohortFactory(course=course, invitation_code="NOCODE22", accepts_codes=False)
    for code in ("ENDED222", "NOCODE22"):
        with pytest.raises(ServiceError, match="does not match"):
            services.enrolment_join_with_code(user=user, code=code)


def test_code_attempts_are_rate_limited_per_user(cohort, user, client):
    for _ in range(services.CODE_ATTEMPTS_PER_USER):
        with pytest.raises(ServiceError):
            services.enrolment_join_with_code(user=user, code="WRONG123")
    # Even the right code is refused once the limit is reached.
    with pytest.raises(ServiceError) as error:
        services.enrolment_join_with_code(user=user, code="LEGALA26")
    assert error.value.code == "rate_limited"

    client.force_login(user)
    response = client.post("/en/cohorts/join/", {"code": "LEGALA26", **ANSWERS})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many attempts. Please wait a few minutes and try again." in response.text


def test_code_attempts_are_rate_limited_per_ip(cohort):
    for _ in range(services.CODE_ATTEMPTS_PER_IP):
        with pytest.raises(ServiceError):
            services.enrolment_join_with_code(user=UserFactory(), code="WRONG123", ip="203.0.113.9")
    with pytest.raises(ServiceError, match="Too many attempts"):
        services.enrolment_join_with_code(user=UserFactory(), code="LEGALA26", ip="203.0.113.9")
    # Another address is not affected.
    services.enrolment_join_with_code(user=UserFactory(), code="LEGALA26", ip="198.51.100.7")


def test_a_full_cohort_says_so(course, client):
    cohort = CohortFactory(course=course, capacity=2, invitation_code="FULL2222")
    EnrolmentFactory.create_batch(2, cohort=cohort)
    TutorFactory(cohort=cohort)  # tutors do not take places
    late = UserFactory()
    with pytest.raises(ServiceError) as error:
        services.enrolment_join_with_code(user=late, code="FULL2222")
    assert error.value.code == "cohort_full"

    client.force_login(late)
    response = client.post("/en/cohorts/join/", {"code": "FULL2222", **ANSWERS})
    assert response.status_code == HTTPStatus.CONFLICT
    assert "This cohort is full." in response.text
    assert cohort.enrolments.trainees().count() == 2


def test_a_withdrawn_place_frees_capacity_and_a_removed_trainee_cannot_rejoin(course):
    cohort = CohortFactory(course=course, capacity=1, invitation_code="ONEPLACE")
    first = EnrolmentFactory(cohort=cohort)
    first.status = Enrolment.Status.REMOVED
    first.save()
    with pytest.raises(PermissionDenied, match="removed"):
        services.enrolment_join_with_code(user=first.user, code="ONEPLACE")
    services.enrolment_join_with_code(user=UserFactory(), code="ONEPLACE")


def test_join_page_redirects_to_the_dashboard(cohort, user, client):
    client.force_login(user)
    assert client.get("/en/cohorts/join/?code=LEGALA26").status_code == HTTPStatus.OK
    response = client.post(
        "/en/cohorts/join/", {"code": "legala26", "country": "gh", "agency_type": "prosecution", **ANSWERS}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/en/cohorts/{cohort.slug}/"
    assert Enrolment.objects.get(user=user).country == "GH"


def test_join_form_checks_the_country_code(cohort, user, client):
    client.force_login(user)
    response = client.post("/en/cohorts/join/", {"code": "LEGALA26", "country": "Kenya", **ANSWERS})
    assert "Use the two-letter country code" in response.text
    assert not Enrolment.objects.filter(user=user).exists()


# ---- Applications -----------------------------------------------------------------------------


@pytest.fixture
def open_cohort(course):
    return CohortFactory(course=course, start_date=start_for_week(-2), accepts_applications=True)


def test_apply_needs_a_statement_and_an_open_cohort(open_cohort, cohort, user):
    with pytest.raises(ServiceError, match="why you want to join"):
        services.enrolment_apply(user=user, cohort=open_cohort, statement="  ")
    with pytest.raises(ServiceError, match="does not take applications"):
        services.enrolment_apply(user=user, cohort=cohort, statement="Please")
    enrolment = services.enrolment_apply(user=user, cohort=open_cohort, statement="I prosecute cases.")
    assert enrolment.status == Enrolment.Status.APPLIED
    # Applying again before the decision revises the statement.
    again = services.enrolment_apply(user=user, cohort=open_cohort, statement="Revised.")
    assert again.pk == enrolment.pk and again.statement == "Revised."


def test_apply_through_the_page(open_cohort, user, client):
    client.force_login(user)
    page = client.get("/en/cohorts/open/")
    assert open_cohort.title in page.text
    response = client.post(
        f"/en/cohorts/{open_cohort.slug}/apply/",
        {"statement": "I am an investigating judge.", "country": "sn", "agency_type": "judiciary", **ANSWERS},
    )
    assert response.status_code == HTTPStatus.FOUND
    enrolment = Enrolment.objects.get(user=user)
    assert (enrolment.status, enrolment.country) == (Enrolment.Status.APPLIED, "SN")


@pytest.mark.parametrize("accept", [True, False])
def test_tutor_decides_and_the_applicant_is_emailed(
    open_cohort, user, accept, django_capture_on_commit_callbacks
):
    tutor = TutorFactory(cohort=open_cohort).user
    enrolment = services.enrolment_apply(user=user, cohort=open_cohort, statement="Please.")
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_decide(actor=tutor, enrolment=enrolment, accept=accept)
    enrolment.refresh_from_db()
    assert enrolment.status == (Enrolment.Status.ACTIVE if accept else Enrolment.Status.DECLINED)
    assert [m.to for m in mail.outbox] == [[user.email]]
    body = mail.outbox[0].body
    if accept:
        assert "has been accepted" in body and f"/en/cohorts/{open_cohort.slug}/" in body
    else:
        assert "could not offer you a place" in body
    assert CourseAuditEntry.objects.get().action == ("accept" if accept else "decline")
    with pytest.raises(ServiceError, match="already been decided"):
        services.enrolment_decide(actor=tutor, enrolment=enrolment, accept=True)


def test_declined_applicants_cannot_reapply_and_trainees_cannot_decide(open_cohort, user):
    trainee = EnrolmentFactory(cohort=open_cohort).user
    enrolment = services.enrolment_apply(user=user, cohort=open_cohort, statement="Please.")
    with pytest.raises(PermissionDenied):
        services.enrolment_decide(actor=trainee, enrolment=enrolment, accept=True)
    services.enrolment_decide(actor=TutorFactory(cohort=open_cohort).user, enrolment=enrolment, accept=False)
    with pytest.raises(ServiceError, match="declined"):
        services.enrolment_apply(user=user, cohort=open_cohort, statement="Again.")


def test_accepting_into_a_full_cohort_is_refused_and_the_application_stays(course, client):
    cohort = CohortFactory(course=course, capacity=1, accepts_applications=True)
    EnrolmentFactory(cohort=cohort)
    applicant = EnrolmentFactory(cohort=cohort, status=Enrolment.Status.APPLIED, statement="Me too.")
    client.force_login(TutorFactory(cohort=cohort).user)
    response = client.post(
        f"/en/cohorts/{cohort.slug}/applications/{applicant.pk}/", {"decision": "accept"}, follow=True
    )
    assert "This cohort is full." in response.text
    applicant.refresh_from_db()
    assert applicant.status == Enrolment.Status.APPLIED


# ---- Bulk invitations -------------------------------------------------------------------------

ROWS = """email,name,country
amina@example.org,Amina Haddad,JO
not-an-email,Someone,KE
carlos@example.org,Carlos Mendes,BR
irina@example.org,Irina Volkova,Kazakhstan

tom@example.org
"""


def test_bulk_invitation_reports_bad_rows_by_line_and_sends_the_good_ones(
    cohort, tutor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.invitations_bulk_create(
            actor=tutor, cohort=cohort, text=ROWS, base_url="https://legis.example"
        )
    assert report.invited == ["amina@example.org", "carlos@example.org", "tom@example.org"]
    assert [line for line, _message in report.errors] == [3, 5]
    assert "not-an-email" in report.errors[0][1]
    assert "two-letter" in report.errors[1][1]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(report.invited)
    invitation = Invitation.objects.get(email="amina@example.org")
    amina_mail = next(m for m in mail.outbox if m.to == ["amina@example.org"])
    assert f"https://legis.example/en/invitations/{invitation.token}/" in amina_mail.body
    assert "Dear Amina Haddad" in amina_mail.body
    assert (invitation.name, invitation.country, invitation.invited_by) == ("Amina Haddad", "JO", tutor)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = services.invitations_bulk_create(actor=tutor, cohort=cohort, text="amina@example.org")
    assert (again.invited, again.already, mail.outbox) == ([], ["amina@example.org"], [])


def test_bulk_invitation_page_takes_a_csv_upload(cohort, tutor, client, django_capture_on_commit_callbacks):
    client.force_login(tutor)
    upload = SimpleUploadedFile("people.csv", ROWS.encode("utf-8-sig"), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/cohorts/{cohort.slug}/invitations/", {"csv_file": upload})
    assert response.status_code == HTTPStatus.OK
    assert "3 invitations sent." in response.text
    assert "Line 3:" in response.text and "Line 5:" in response.text
    assert len(mail.outbox) == 3


def test_bulk_invitation_page_needs_some_input(cohort, tutor, client):
    client.force_login(tutor)
    response = client.post(f"/en/cohorts/{cohort.slug}/invitations/", {"rows": "  "})
    assert "Paste some e-mail addresses or upload a CSV file." in response.text


def test_only_tutors_invite(cohort, trainee):
    with pytest.raises(PermissionDenied):
        services.invitations_bulk_create(actor=trainee, cohort=cohort, text="x@example.org")


# ---- Accepting an invitation ------------------------------------------------------------------


def test_invitation_link_needs_login_then_enrols_the_invited_address(cohort, client):
    invitation = InvitationFactory(cohort=cohort, email="invited@example.org", country="KE")
    url = f"/en/invitations/{invitation.token}/"
    response = client.get(url)
    assert response.status_code == HTTPStatus.FOUND and "/accounts/login/" in response["Location"]

    client.force_login(UserFactory(email="someone.else@example.org"))
    response = client.post(url)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "sent to another e-mail address" in response.text

    invited = UserFactory(email="Invited@example.org", country="")
    client.force_login(invited)
    assert client.get(url).status_code == HTTPStatus.OK
    response = client.post(url, ANSWERS)
    assert response["Location"] == f"/en/cohorts/{cohort.slug}/"
    enrolment = Enrolment.objects.get(user=invited)
    assert (enrolment.status, enrolment.country) == (Enrolment.Status.ACTIVE, "KE")
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_invitation_to_an_ended_cohort_or_a_bad_token(course, user):
    ended = CohortFactory(course=course, start_date=timezone.localdate() - timedelta(weeks=10))
    invitation = InvitationFactory(cohort=ended, email=user.email)
    with pytest.raises(ServiceError, match="ended"):
        services.invitation_accept(user=user, token=invitation.token)
    with pytest.raises(ServiceError, match="not valid"):
        services.invitation_accept(user=user, token="nope")
