"""Two-factor authentication: who must have it, what they reach before and after, and how it
is stored."""

from http import HTTPStatus

import pytest
from allauth.mfa.models import Authenticator

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import selectors
from courses.models import Enrolment

from .conftest import enrol, give_totp, make_cohort, make_person, password_login, reauthenticate, totp_code

pytestmark = pytest.mark.django_db

SETUP = "/en/accounts/security/required/"
FORCED = [
    "tutor",
    "institution_admin",
    "editor",
    "reviewer",
    "admin_group_member",
    "moderator",
    "staff",
    "superuser",
]
NOT_FORCED = ["trainee", "observer", "former_tutor"]


@pytest.mark.parametrize(("kind", "forced"), [(k, True) for k in FORCED] + [(k, False) for k in NOT_FORCED])
def test_who_is_sent_to_set_up_a_second_factor(client, home, cohort, kind, forced):
    person = make_person(kind, cohort)
    client.force_login(person)
    response = client.get("/en/cohorts/")
    if forced:
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(SETUP)
        assert "next=%2Fen%2Fcohorts%2F" in response["Location"]
    else:
        assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("kind", FORCED)
def test_with_an_authenticator_app_they_pass(client, home, cohort, kind):
    person = make_person(kind, cohort)
    give_totp(person)
    client.force_login(person)
    assert client.get("/en/cohorts/").status_code == HTTPStatus.OK
    assert client.get(SETUP).status_code == HTTPStatus.FOUND  # nothing left to set up


@pytest.mark.parametrize("kind", ["tutor", "editor", "staff"])
def test_every_kind_of_request_is_stopped_until_then(client, home, cohort, kind):
    person = make_person(kind, cohort)
    client.force_login(person)
    for response in (
        client.get("/admin/"),
        client.post(f"/en/cohorts/{cohort.slug}/", {}),
        client.get("/en/accounts/data/"),
    ):
        assert response.status_code == HTTPStatus.FOUND
        assert SETUP in response["Location"]


def test_setup_page_names_the_powers_and_offers_both_factors(client, home, cohort):
    person = make_person("tutor", cohort)
    client.force_login(person)
    page = client.get(SETUP).content.decode()
    assert "tutor of a cohort" in page
    assert "/en/accounts/2fa/totp/activate/" in page
    assert "/en/accounts/2fa/webauthn/add/" in page
    for url in ("/en/accounts/2fa/", "/en/accounts/reauthenticate/", "/i18n/setlang/"):
        assert SETUP not in client.get(url).get("Location", ""), url


def test_a_tutor_sets_up_an_app_through_allauth_and_then_passes(client, home, cohort):
    tutor = make_person("tutor", cohort)
    password_login(client, tutor.email)
    assert client.get("/en/cohorts/")["Location"].startswith(SETUP)
    reauthenticate(client)  # allauth wants the password again before two-factor changes

    page = client.get("/en/accounts/2fa/totp/activate/")
    assert page.status_code == HTTPStatus.OK
    assert b"<svg" in page.content  # the QR code inline, not as a data: image
    secret = page.context["form"].secret
    response = client.post("/en/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == HTTPStatus.FOUND
    assert Authenticator.objects.filter(user=tutor, type="totp").exists()
    assert client.get("/en/cohorts/").status_code == HTTPStatus.OK


def test_login_asks_for_the_code_once_a_factor_is_set(client, home, cohort):
    tutor = make_person("tutor", cohort)
    secret = give_totp(tutor)
    response = password_login(client, tutor.email)
    assert response["Location"] == "/en/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session  # not signed in on the password alone
    assert client.post("/en/accounts/2fa/authenticate/", {"code": "000000"}).status_code == HTTPStatus.OK
    assert "_auth_user_id" not in client.session
    response = client.post("/en/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == HTTPStatus.FOUND
    assert client.session["_auth_user_id"] == str(tutor.pk)
    assert client.get("/en/cohorts/").status_code == HTTPStatus.OK


def test_a_trainee_may_opt_in(client, home, cohort):
    trainee = make_person("trainee", cohort)
    password_login(client, trainee.email)
    reauthenticate(client)
    page = client.get("/en/accounts/2fa/totp/activate/")
    secret = page.context["form"].secret
    client.post("/en/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    client.post("/en/accounts/logout/")
    assert password_login(client, trainee.email)["Location"] == "/en/accounts/2fa/authenticate/"


def test_someone_who_must_have_a_factor_cannot_remove_the_last(client, home, cohort):
    tutor = make_person("tutor", cohort)
    secret = give_totp(tutor)
    password_login(client, tutor.email)
    client.post("/en/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    reauthenticate(client)
    response = client.post("/en/accounts/2fa/totp/deactivate/", {})
    assert response.status_code == HTTPStatus.OK  # the form refuses
    assert Authenticator.objects.filter(user=tutor, type="totp").exists()


def test_a_trainee_may_remove_theirs(client, home, cohort):
    trainee = make_person("trainee", cohort)
    secret = give_totp(trainee)
    password_login(client, trainee.email)
    client.post("/en/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    reauthenticate(client)
    assert client.post("/en/accounts/2fa/totp/deactivate/", {}).status_code == HTTPStatus.FOUND
    assert not Authenticator.objects.filter(user=trainee, type="totp").exists()


def test_totp_secrets_are_encrypted_at_rest(home, cohort):
    tutor = make_person("tutor", cohort)
    secret = give_totp(tutor)
    stored = Authenticator.objects.get(user=tutor).data["secret"]
    assert secret not in stored and stored.startswith("fernet:")
    assert Authenticator.objects.get(user=tutor).wrap().validate_code(totp_code(secret))


def test_becoming_a_tutor_mid_session_triggers_the_requirement(client, home, cohort):
    person = make_person("trainee", cohort)
    client.force_login(person)
    assert client.get("/en/cohorts/").status_code == HTTPStatus.OK
    Enrolment.objects.filter(user=person).update(role=Enrolment.Role.TUTOR)
    assert client.get("/en/cohorts/")["Location"].startswith(SETUP)


def test_enforcement_can_be_switched_off_for_test_suites(client, home, cohort, settings):
    settings.ACCOUNTS_MFA_ENFORCED = False
    client.force_login(make_person("tutor", cohort))
    assert client.get("/en/cohorts/").status_code == HTTPStatus.OK


def test_deciding_takes_one_query_however_many_roles(home, cohort):
    person = make_person("editor", cohort)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            profile = selectors.security_profile(person)
        assert profile.mfa_missing
        return len(ctx.captured_queries)

    small = count()
    for n in range(8):
        enrol(person, make_cohort(f"more-{n}"), Enrolment.Role.TUTOR)
    assert count() == small == 1
