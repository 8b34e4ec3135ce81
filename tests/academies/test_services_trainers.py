"""The trainer track: graduates of a training-of-trainers cohort become co-tutors of their
institution's cohorts, made so by that institution's admin."""

import pytest

from academies import selectors, services
from academies.models import CohortSettings, Nomination, TrainerPromotion
from courses import policies as course_policies
from courses.factories import CohortFactory, EnrolmentFactory, start_for_week
from courses.models import CourseAuditEntry, Enrolment
from lms.errors import PermissionDenied, ServiceError

from .conftest import graduate

pytestmark = pytest.mark.django_db


@pytest.fixture
def tot_cohort(academy_a, course):
    """A's training-of-trainers cohort, ended, with one graduate and one who did not finish."""
    cohort = CohortFactory(course=course, institution=academy_a, slug="a-tot", start_date=start_for_week(12))
    CohortSettings.objects.create(cohort=cohort, training_of_trainers=True)
    return cohort


@pytest.fixture
def graduation(tot_cohort):
    return graduate(tot_cohort, email="grad@example.org", display_name="Grace Graduate")


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("admin_a", True),
        ("staff", True),
        ("admin_b", False),  # another institution's admin
        ("focal_a", False),  # focal points nominate, nothing more
        ("tutor", False),
        ("trainee", False),
        ("graduate", False),  # nobody promotes themselves
    ],
)
def test_who_may_make_a_graduate_co_tutor(people, cohort, graduation, role, allowed):
    actor = graduation.user if role == "graduate" else people[role]
    if not allowed:
        with pytest.raises(PermissionDenied):
            services.trainer_promote(
                actor=actor, institution=cohort.institution, graduation=graduation, cohort=cohort
            )
        assert not Enrolment.objects.filter(cohort=cohort, user=graduation.user).exists()
        return
    enrolment = services.trainer_promote(
        actor=actor, institution=cohort.institution, graduation=graduation, cohort=cohort
    )
    assert (enrolment.role, enrolment.status) == (Enrolment.Role.TUTOR, Enrolment.Status.ACTIVE)
    # Real tutor powers in that cohort, through courses' own policy.
    assert course_policies.can_tutor(course_policies.cohort_access(graduation.user, cohort))
    promotion = TrainerPromotion.objects.get()
    assert (promotion.promoted_by, promotion.graduation, promotion.tutor_enrolment) == (
        actor,
        graduation,
        enrolment,
    )
    assert CourseAuditEntry.objects.filter(cohort=cohort, action="placed:trainer-track").exists()


def test_only_graduates_of_training_of_trainers_cohorts_qualify(
    admin_a, cohort, course, academy_a, tot_cohort
):
    unfinished = EnrolmentFactory(cohort=tot_cohort, status=Enrolment.Status.ACTIVE)
    ordinary = CohortFactory(
        course=course, institution=academy_a, slug="ordinary", start_date=start_for_week(12)
    )
    ordinary_graduate = graduate(ordinary)
    for enrolment in (unfinished, ordinary_graduate):
        with pytest.raises(ServiceError, match="Only graduates"):
            services.trainer_promote(
                actor=admin_a, institution=academy_a, graduation=enrolment, cohort=cohort
            )


def test_graduates_are_made_co_tutors_only_of_their_own_institution_cohorts(
    admin_a, academy_a, academy_b, course, graduation
):
    b_cohort = CohortFactory(
        course=course, institution=academy_b, slug="b-cohort", start_date=start_for_week(-1)
    )
    with pytest.raises(PermissionDenied):
        services.trainer_promote(actor=admin_a, institution=academy_a, graduation=graduation, cohort=b_cohort)
    with pytest.raises(PermissionDenied):  # nor by pretending to speak for B
        services.trainer_promote(actor=admin_a, institution=academy_b, graduation=graduation, cohort=b_cohort)


def test_an_institution_claims_graduates_of_international_cohorts_it_nominated(
    admin_a, admin_b, academy_a, academy_b, course, cohort
):
    international = CohortFactory(
        course=course, institution=None, slug="intl-tot", start_date=start_for_week(12)
    )
    CohortSettings.objects.create(cohort=international, training_of_trainers=True)
    from_a = graduate(international, email="from-a@example.org")
    from_b = graduate(international, email="from-b@example.org")
    Nomination.objects.create(
        cohort=international,
        institution=academy_a,
        name="From A",
        email="FROM-A@example.org",
        professional_role="Judge",
        agency="Court",
        status=Nomination.Status.ACCEPTED,
    )
    Nomination.objects.create(
        cohort=international,
        institution=academy_b,
        name="From B",
        email="from-b@example.org",
        professional_role="Judge",
        agency="Court",
        status=Nomination.Status.DECLINED,
    )
    assert [e.pk for e in selectors.trainer_pool(academy_a)] == [from_a.pk]
    assert selectors.trainer_pool(academy_b) == []
    services.trainer_promote(actor=admin_a, institution=academy_a, graduation=from_a, cohort=cohort)
    with pytest.raises(ServiceError, match="Only graduates"):
        services.trainer_promote(actor=admin_a, institution=academy_a, graduation=from_b, cohort=cohort)


def test_promotion_is_idempotent_and_respects_existing_places(admin_a, academy_a, cohort, graduation):
    first = services.trainer_promote(
        actor=admin_a, institution=academy_a, graduation=graduation, cohort=cohort
    )
    again = services.trainer_promote(
        actor=admin_a, institution=academy_a, graduation=graduation, cohort=cohort
    )
    assert first.pk == again.pk and TrainerPromotion.objects.count() == 1

    trainee = graduate(graduation.cohort, email="busy@example.org")
    EnrolmentFactory(cohort=cohort, user=trainee.user)  # already a trainee there
    with pytest.raises(ServiceError, match="already takes part"):
        services.trainer_promote(actor=admin_a, institution=academy_a, graduation=trainee, cohort=cohort)


def test_ended_cohorts_take_no_new_co_tutors(admin_a, academy_a, graduation, course):
    ended = CohortFactory(course=course, institution=academy_a, slug="ended", start_date=start_for_week(20))
    with pytest.raises(ServiceError, match="ended"):
        services.trainer_promote(actor=admin_a, institution=academy_a, graduation=graduation, cohort=ended)


def test_the_trainer_page_lists_graduates_and_promotes(client, admin_a, academy_a, cohort, graduation):
    client.force_login(admin_a)
    url = f"/en/academies/institutions/{academy_a.pk}/trainers/"
    response = client.get(url)
    assert response.status_code == 200
    assert "Grace Graduate" in response.content.decode()
    response = client.post(url, {"graduation": graduation.pk, "cohort": cohort.pk}, follow=True)
    assert "Grace Graduate is now a co-tutor of A&#x27;s cohort." in response.content.decode()
    assert Enrolment.objects.tutors().filter(cohort=cohort, user=graduation.user).exists()


@pytest.mark.parametrize("role", ["admin_b", "focal_a", "tutor", "trainee"])
def test_the_trainer_page_is_for_the_institution_admins(client, people, academy_a, cohort, graduation, role):
    client.force_login(people[role])
    url = f"/en/academies/institutions/{academy_a.pk}/trainers/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"graduation": graduation.pk, "cohort": cohort.pk}).status_code == 403
    assert not Enrolment.objects.filter(cohort=cohort, user=graduation.user).exists()
