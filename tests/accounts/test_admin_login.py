"""The Wagtail and Django admin logins go through allauth: same rate limits, same second factor."""

from http import HTTPStatus

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import SecurityEvent
from modules.editorial import ensure_editorial_setup

from .conftest import PASSWORD, give_totp, make_person, password_login, totp_code, user

pytestmark = pytest.mark.django_db


def test_wagtail_admin_sends_anonymous_people_to_the_site_login(client, home):
    response = client.get("/admin/pages/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/en/accounts/login/?next=")
    assert "%2Fadmin%2Fpages%2F" in response.redirect_chain[-1][0]


def test_wagtails_own_login_form_no_longer_signs_anyone_in(client, home):
    editor = user("ed@example.org")
    editor.is_superuser = True
    editor.save()
    response = client.post("/admin/login/", {"username": editor.email, "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/en/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_django_admin_login_is_allauths(client, home):
    response = client.get("/django-admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/en/accounts/login/?next=")
    response = client.post("/django-admin/login/", {"username": "x", "password": "y"})
    assert response["Location"].startswith("/en/accounts/login/")


def test_an_editor_signs_in_with_a_code_and_reaches_the_admin(client, curriculum):
    editors, _reviewers, _workflow = ensure_editorial_setup(curriculum)
    editor = user("ed@example.org")
    editor.groups.add(editors)
    secret = give_totp(editor)
    response = client.post(
        "/en/accounts/login/", {"login": editor.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert response["Location"] == "/en/accounts/2fa/authenticate/"
    assert client.get("/admin/").status_code == HTTPStatus.FOUND
    response = client.post("/en/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_the_admin_login_counts_against_the_same_limit(client, home):
    admin = make_person("superuser")
    for _ in range(5):
        password_login(client, admin.email, "wrong")
    response = client.post(
        "/en/accounts/login/", {"login": admin.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == HTTPStatus.OK  # refused: too many failed attempts
    assert "_auth_user_id" not in client.session


def test_a_trainee_at_the_admin_gets_a_refusal_not_a_loop(client, home, cohort):
    client.force_login(make_person("trainee", cohort))
    response = client.get("/admin/", follow=True)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert len(response.redirect_chain) == 1
    assert b"No access to the administration" in response.content


def test_the_security_log_listing_does_not_grow_in_queries(client, home):
    admin = make_person("superuser")
    give_totp(admin)
    client.force_login(admin)

    def count() -> int:
        client.get("/admin/security-events/")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/admin/security-events/").status_code == HTTPStatus.OK
        return len(ctx.captured_queries)

    for n in range(3):
        SecurityEvent.objects.create(kind="login", user=admin, actor=admin, user_label=f"u{n}@example.org")
    small = count()
    for n in range(40):
        SecurityEvent.objects.create(kind="login", user=admin, actor=admin, user_label=f"v{n}@example.org")
    assert count() == small
