"""Nominations (academies.services): who may nominate and decide, the invitation an accepted
nominee receives, and cohorts whose self-applications need a nomination."""

import pytest

from django.core import mail

from academies import services
from academies.models import CohortSettings, Nomination
from courses import services as course_services
from courses.factories import CohortFactory, UserFactory
from courses.models import Enrolment, Invitation
from lms.errors import PermissionDenied, ServiceError

from .conftest import nominate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("admin_a", True),  # admin of the cohort's institution
        ("focal_a", True),  # its national focal point
        ("admin_b", False),  # admin of another institution
        ("focal_b", False),
        ("tutor", False),  # tutors decide; they do not nominate
        ("trainee", False),
        ("staff", False),  # programme staff speak for no institution
        ("outsider", False),
    ],
)
def test_who_may_nominate_for_an_institution_cohort(people, cohort, role, allowed):
    actor = people[role]
    if allowed:
        nomination = nominate(actor, cohort)
        assert nomination.status == Nomination.Status.PENDING
        assert nomination.institution == cohort.institution
        assert nomination.nominated_by == actor
    else:
        with pytest.raises(PermissionDenied):
            nominate(actor, cohort)
        assert not Nomination.objects.exists()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("tutor", True),
        ("admin_a", True),  # the owning institution's admin counts as a tutor (courses.policies)
        ("staff", True),
        ("focal_a", False),  # the nominating side does not vet its own nominees
        ("admin_b", False),
        ("trainee", False),
        ("outsider", False),
    ],
)
def test_who_may_accept_a_nomination(people, cohort, role, allowed, django_capture_on_commit_callbacks):
    nomination = nominate(people["focal_a"], cohort)
    if not allowed:
        with pytest.raises(PermissionDenied):
            services.nomination_decide(actor=people[role], nomination=nomination, accept=True)
        nomination.refresh_from_db()
        assert nomination.status == Nomination.Status.PENDING
        assert not Invitation.objects.exists()
        return
    with django_capture_on_commit_callbacks(execute=True):
        services.nomination_decide(actor=people[role], nomination=nomination, accept=True)
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.ACCEPTED
    assert nomination.decided_by == people[role]


def test_the_nominator_cannot_accept_their_own_nomination(people, cohort):
    nomination = nominate(people["admin_a"], cohort)  # admin_a is also a tutor of A's cohorts
    with pytest.raises(PermissionDenied, match="Another tutor"):
        services.nomination_decide(actor=people["admin_a"], nomination=nomination, accept=True)


def test_accepting_invites_the_nominee_through_courses_invitations(
    people, cohort, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        nomination = nominate(people["focal_a"], cohort, email="Nina@Example.org")
    assert [m.to for m in mail.outbox] == [["tutor@example.org"]]  # the tutor hears of it
    assert "Nina Nominee" in mail.outbox[0].body
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.nomination_decide(
            actor=people["tutor"], nomination=nomination, accept=True, base_url="http://testserver"
        )
    nomination.refresh_from_db()
    invitation = Invitation.objects.get(cohort=cohort)
    assert nomination.invitation == invitation
    assert (invitation.email, invitation.name, invitation.country) == (
        "nina@example.org",
        "Nina Nominee",
        "KE",
    )
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["focal-a@example.org", "nina@example.org"]
    invite_mail = next(m for m in mail.outbox if m.to == ["nina@example.org"])
    assert f"http://testserver/en/invitations/{invitation.token}/" in invite_mail.body

    # The nominee takes the place like any invitee.
    nina = UserFactory(email="nina@example.org")
    enrolment = course_services.invitation_accept(user=nina, token=invitation.token)
    assert (enrolment.role, enrolment.status) == (Enrolment.Role.TRAINEE, Enrolment.Status.ACTIVE)


def test_declining_tells_the_nominator_and_sends_no_invitation(
    people, cohort, django_capture_on_commit_callbacks
):
    nomination = nominate(people["focal_a"], cohort)
    with django_capture_on_commit_callbacks(execute=True):
        services.nomination_decide(
            actor=people["tutor"], nomination=nomination, accept=False, reason="Cohort full"
        )
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.DECLINED
    assert not Invitation.objects.exists()
    assert [m.to for m in mail.outbox] == [["focal-a@example.org"]]
    assert "Cohort full" in mail.outbox[0].body
    with pytest.raises(ServiceError, match="already been decided"):
        services.nomination_decide(actor=people["tutor"], nomination=nomination, accept=True)


def test_one_standing_nomination_per_person_and_cohort(people, cohort):
    first = nominate(people["focal_a"], cohort, email="same@example.org")
    with pytest.raises(ServiceError, match="already been nominated"):
        nominate(people["admin_a"], cohort, email="SAME@example.org")
    services.nomination_withdraw(actor=people["focal_a"], nomination=first)
    again = nominate(
        people["admin_a"], cohort, email="same@example.org"
    )  # withdrawn: may be put forward again
    assert again.status == Nomination.Status.PENDING


def test_only_the_nominating_side_withdraws(people, cohort):
    nomination = nominate(people["focal_a"], cohort)
    for role in ("admin_b", "tutor", "trainee"):
        with pytest.raises(PermissionDenied):
            services.nomination_withdraw(actor=people[role], nomination=nomination)
    services.nomination_withdraw(actor=people["admin_a"], nomination=nomination)  # its institution's admin
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.WITHDRAWN


def test_an_international_cohort_takes_nominations_from_every_institution_only_when_open(people, course):
    international = CohortFactory(course=course, institution=None, slug="international")
    with pytest.raises(PermissionDenied):
        nominate(people["admin_b"], international)
    CohortSettings.objects.create(cohort=international, open_to_all_institutions=True)
    international.refresh_from_db()
    from_b = nominate(people["focal_b"], international, email="b@example.org")
    from_a = nominate(people["admin_a"], international, email="a@example.org")
    assert (from_b.institution.name, from_a.institution.name) == ("Academy B", "Academy A")


def test_a_cohort_that_requires_a_nomination_refuses_self_applications(people, cohort):
    cohort.accepts_applications = True
    cohort.save()
    services.cohort_settings_update(
        actor=people["admin_a"], cohort=cohort, requires_nomination=True, training_of_trainers=False
    )
    cohort.refresh_from_db()
    applicant = UserFactory(email="applicant@example.org")
    with pytest.raises(ServiceError, match="only from officials their institution has nominated"):
        course_services.enrolment_apply(user=applicant, cohort=cohort, statement="I judge such cases.")

    nominate(people["focal_a"], cohort, email="Applicant@example.org")
    enrolment = course_services.enrolment_apply(
        user=applicant, cohort=cohort, statement="I judge such cases."
    )
    assert enrolment.status == Enrolment.Status.APPLIED


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("admin_a", True), ("staff", True), ("tutor", False), ("admin_b", False), ("focal_a", False)],
)
def test_who_may_set_up_a_cohort(people, cohort, role, allowed):
    if allowed:
        services.cohort_settings_update(
            actor=people[role], cohort=cohort, requires_nomination=True, training_of_trainers=True
        )
        assert CohortSettings.objects.get(cohort=cohort).training_of_trainers
    else:
        with pytest.raises(PermissionDenied):
            services.cohort_settings_update(
                actor=people[role], cohort=cohort, requires_nomination=True, training_of_trainers=True
            )
