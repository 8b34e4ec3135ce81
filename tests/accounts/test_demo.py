"""The demo accounts with powers sign in with their password and the documented demo code."""

from http import HTTPStatus

import pytest

from django.core.management import call_command

from accounts.demo import DEMO_ACCOUNTS, demo_totp_code, load_demo_accounts

from .conftest import password_login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("email", [a.email for a in DEMO_ACCOUNTS if a.second_factor])
def test_demo_accounts_with_powers_sign_in_with_the_demo_code(client, home, settings, email):
    load_demo_accounts()
    response = password_login(client, email, settings.DEMO_PASSWORD)
    assert response["Location"] == "/en/accounts/2fa/authenticate/"
    response = client.post("/en/accounts/2fa/authenticate/", {"code": demo_totp_code()})
    assert response.status_code == HTTPStatus.FOUND
    assert client.get("/en/accounts/profile/").status_code == HTTPStatus.OK


def test_demo_trainees_sign_in_with_the_password_alone(client, home, settings):
    load_demo_accounts()
    assert password_login(client, "trainee1@example.org", settings.DEMO_PASSWORD)["Location"] == "/"
    assert client.get("/en/cohorts/").status_code == HTTPStatus.OK


def test_loading_twice_keeps_one_authenticator_and_the_code_command_prints_it(home, capsys):
    load_demo_accounts()
    users = load_demo_accounts()
    assert users["tutor1@example.org"].authenticator_set.count() == 1
    call_command("demo_totp_code")
    assert capsys.readouterr().out.startswith(demo_totp_code())
