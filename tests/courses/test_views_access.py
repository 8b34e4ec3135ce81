"""Who may open which cohort page: every cohort URL × every role, as one table.

Columns (ROLES): anonymous, trainee of this cohort, trainee of another cohort, tutor of
this cohort, tutor of another cohort, admin of the institution that owns this cohort,
admin of another institution, superuser. 302 for anonymous is the login redirect; for
members on "apply" it is the redirect to their dashboard; for POSTs it is the redirect
after the action.
"""

from dataclasses import dataclass
from http import HTTPStatus

import pytest

from django.test import Client

from courses.factories import (
    CertificateFactory,
    CohortFactory,
    EnrolmentFactory,
    InstitutionFactory,
    TutorFactory,
    UserFactory,
    make_course,
    start_for_week,
)
from courses.models import Enrolment

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "trainee",
    "other_trainee",
    "tutor",
    "other_tutor",
    "institution_admin",
    "other_institution_admin",
    "superuser",
)

OK, FOUND, FORBIDDEN = HTTPStatus.OK, HTTPStatus.FOUND, HTTPStatus.FORBIDDEN
MEMBERS_ONLY = (FOUND, OK, FORBIDDEN, OK, FORBIDDEN, OK, FORBIDDEN, OK)
TUTORS_ONLY = (FOUND, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK, FORBIDDEN, OK)
TUTOR_ACTIONS = (FOUND, FORBIDDEN, FORBIDDEN, FOUND, FORBIDDEN, FOUND, FORBIDDEN, FOUND)
TRAINEE_ONLY = (FOUND, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)
LOCKED_FOR_TRAINEES = (FOUND, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK, FORBIDDEN, OK)


@dataclass
class World:
    cohort: object
    users: dict
    week1_reading: int
    week6_reading: int
    trainee_enrolment: int
    applicant_enrolment: int
    certificate_code: str


def build_world(module, week: int) -> World:
    course, readings = make_course(module, weeks=6, readings_per_week=1)
    owner, elsewhere = InstitutionFactory(), InstitutionFactory()
    cohort = CohortFactory(
        course=course, institution=owner, start_date=start_for_week(week), accepts_applications=True
    )
    other = CohortFactory(course=course, institution=elsewhere, start_date=start_for_week(week))
    users = {"anonymous": None}
    users["trainee"] = (trainee := EnrolmentFactory(cohort=cohort)).user
    users["other_trainee"] = EnrolmentFactory(cohort=other).user
    users["tutor"] = TutorFactory(cohort=cohort).user
    users["other_tutor"] = TutorFactory(cohort=other).user
    users["institution_admin"] = UserFactory()
    owner.admins.add(users["institution_admin"])
    users["other_institution_admin"] = UserFactory()
    elsewhere.admins.add(users["other_institution_admin"])
    users["superuser"] = UserFactory(is_superuser=True, is_staff=True)
    applicant = EnrolmentFactory(cohort=cohort, status=Enrolment.Status.APPLIED, statement="Please.")
    graduate = CertificateFactory(enrolment__cohort=cohort)
    return World(
        cohort=cohort,
        users=users,
        week1_reading=readings[0][0].pk,
        week6_reading=readings[5][0].pk,
        trainee_enrolment=trainee.pk,
        applicant_enrolment=applicant.pk,
        certificate_code=graduate.code,
    )


# (id, HTTP method, path under /en/ built from the world, data, week the cohort is in, expected per role)
MATRIX = [
    ("dashboard", "get", "cohorts/{slug}/", None, 2, MEMBERS_ONLY),
    ("week open", "get", "cohorts/{slug}/weeks/1/", None, 2, MEMBERS_ONLY),
    ("week locked", "get", "cohorts/{slug}/weeks/6/", None, 2, LOCKED_FOR_TRAINEES),
    ("reading open", "get", "cohorts/{slug}/readings/{week1_reading}/", None, 2, MEMBERS_ONLY),
    ("reading locked", "get", "cohorts/{slug}/readings/{week6_reading}/", None, 2, LOCKED_FOR_TRAINEES),
    (
        "mark read",
        "post",
        "cohorts/{slug}/readings/{week1_reading}/done/",
        {},
        2,
        (FOUND, FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ),
    (
        "apply",
        "get",
        "cohorts/{slug}/apply/",
        None,
        2,
        (FOUND, FOUND, OK, FOUND, OK, FOUND, OK, FOUND),
    ),
    ("complete, week 2", "post", "cohorts/{slug}/complete/", {}, 2, (FOUND, *[FORBIDDEN] * 7)),
    (
        "complete, last week",
        "post",
        "cohorts/{slug}/complete/",
        {},
        6,
        (FOUND, FOUND, *[FORBIDDEN] * 6),
    ),
    ("about you", "get", "cohorts/about-you/", None, 2, (FOUND, *[OK] * 7)),
    ("feedback, week 2", "get", "cohorts/{slug}/feedback/", None, 2, (FOUND, *[FORBIDDEN] * 7)),
    ("feedback, last week", "get", "cohorts/{slug}/feedback/", None, 6, TRAINEE_ONLY),
    ("roster", "get", "cohorts/{slug}/roster/", None, 2, TUTORS_ONLY),
    ("nudge", "post", "cohorts/{slug}/roster/{trainee_enrolment}/nudge/", {}, 2, TUTOR_ACTIONS),
    ("completion", "get", "cohorts/{slug}/roster/{trainee_enrolment}/completion/", None, 2, TUTORS_ONLY),
    (
        "completion override",
        "post",
        "cohorts/{slug}/roster/{trainee_enrolment}/completion/",
        {"reason": ""},
        2,
        TUTORS_ONLY,  # an empty reason re-shows the form
    ),
    ("applications", "get", "cohorts/{slug}/applications/", None, 2, TUTORS_ONLY),
    (
        "decide",
        "post",
        "cohorts/{slug}/applications/{applicant_enrolment}/",
        {"decision": "decline"},
        2,
        TUTOR_ACTIONS,
    ),
    ("invitations", "get", "cohorts/{slug}/invitations/", None, 2, TUTORS_ONLY),
    (
        "invite",
        "post",
        "cohorts/{slug}/invitations/",
        {"rows": "new.person@example.org"},
        2,
        TUTORS_ONLY,
    ),
    (
        "certificate of another trainee",
        "get",
        "certificates/{certificate_code}/",
        None,
        2,
        (FOUND, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK, FORBIDDEN, OK),
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "data", "week", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in MATRIX],
)
def test_cohort_url_access_matrix(module, method, path, data, week, expected):
    assert len(expected) == len(ROLES)
    world = build_world(module, week)
    url = "/en/" + path.format(slug=world.cohort.slug, **vars(world))
    got = {}
    for role in ROLES:
        client = Client()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        response = getattr(client, method)(url, data or {})
        got[role] = response.status_code
        if role == "anonymous":
            assert "/accounts/login/" in response["Location"]
    assert got == dict(zip(ROLES, expected, strict=True))


def test_other_cohorts_pages_are_403_not_a_leak(client, module):
    """A refusal names neither the reading nor the roster of a cohort one is not in."""
    world = build_world(module, 2)
    client.force_login(world.users["other_trainee"])
    response = client.get(f"/en/cohorts/{world.cohort.slug}/readings/{world.week1_reading}/")
    assert response.status_code == FORBIDDEN
    assert "Passage 1" not in response.text
    assert world.cohort.title not in response.text


@pytest.mark.parametrize(
    ("path", "anonymous", "signed_in"),
    [
        ("cohorts/", FOUND, OK),
        ("cohorts/join/", FOUND, OK),
        ("cohorts/open/", OK, OK),
        ("verify/", OK, OK),
        ("verify/NOPE-NOPE-NOPE/", HTTPStatus.NOT_FOUND, HTTPStatus.NOT_FOUND),
    ],
)
def test_pages_outside_a_cohort(client, db, path, anonymous, signed_in):
    assert client.get(f"/en/{path}").status_code == anonymous
    client.force_login(UserFactory())
    assert client.get(f"/en/{path}").status_code == signed_in


def test_unknown_cohort_is_404_for_everyone(client, db):
    client.force_login(UserFactory(is_superuser=True))
    assert client.get("/en/cohorts/no-such-cohort/").status_code == HTTPStatus.NOT_FOUND
