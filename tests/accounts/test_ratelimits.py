"""Rate limits on login, sign-up and password reset: allauth's, counted in the shared cache,
per client address as seen behind the configured number of trusted proxies."""

from http import HTTPStatus

import pytest

from django.core import mail

from accounts.models import SecurityEvent

from .conftest import PASSWORD, password_login, user

pytestmark = pytest.mark.django_db


def refused(response) -> bool:
    if response.status_code == HTTPStatus.TOO_MANY_REQUESTS:
        return True
    form = response.context and response.context.get("form")
    return bool(form) and any("too many" in str(e).lower() for e in form.non_field_errors())


def test_the_sixth_wrong_password_within_five_minutes_is_refused(client, home):
    person = user("someone@example.org")
    for _ in range(5):
        response = password_login(client, person.email, "wrong-password")
        assert response.status_code == HTTPStatus.OK and not refused(response)
    sixth = password_login(client, person.email, "wrong-password")
    assert refused(sixth)
    # Even the right password waits now: guessing has stopped paying.
    assert refused(password_login(client, person.email, PASSWORD))
    assert "_auth_user_id" not in client.session
    kinds = list(SecurityEvent.objects.filter(user_label=person.email).values_list("kind", flat=True))
    assert kinds.count("login_failed") == 5 and "login_throttled" in kinds


def test_the_window_passes(client, home, time_machine):
    person = user("someone@example.org")
    time_machine.move_to("2030-01-01 09:00:00+00:00", tick=False)
    for _ in range(5):
        password_login(client, person.email, "wrong-password")
    assert refused(password_login(client, person.email, PASSWORD))
    time_machine.move_to("2030-01-01 09:05:30+00:00", tick=False)
    assert password_login(client, person.email, PASSWORD).status_code == HTTPStatus.FOUND


def test_another_account_is_not_locked_by_someone_elses_failures(client, home):
    victim, other = user("victim@example.org"), user("other@example.org")
    for _ in range(6):
        password_login(client, victim.email, "wrong-password")
    assert password_login(client, other.email).status_code == HTTPStatus.FOUND


def test_per_address_limit_uses_the_trusted_proxy_hop(client, home, settings):
    """Behind one proxy, the address it appends is the client's; anything the client wrote in
    X-Forwarded-For before it is ignored, so a forged header buys no fresh allowance."""
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(10):  # ten failures from 203.0.113.7, each for a different address
        forged = f"198.51.100.{n}, 203.0.113.7"
        response = password_login(client, f"nobody{n}@example.org", "x", HTTP_X_FORWARDED_FOR=forged)
        assert not refused(response)
    response = password_login(client, "fresh@example.org", "x", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7")
    assert refused(response)
    other_client = password_login(client, "fresh@example.org", "x", HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert not refused(other_client)
    event = SecurityEvent.objects.get(kind="login_failed", user_label="nobody0@example.org")
    assert event.ip == "203.0.113.7"


def test_without_trusted_proxies_the_header_is_ignored(client, home, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    password_login(client, "a@example.org", "x", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert SecurityEvent.objects.get(kind="login_failed").ip == "127.0.0.1"


def test_password_reset_mails_are_limited_per_address(client, home):
    user("someone@example.org")
    for _ in range(5):
        client.post("/en/accounts/password/reset/", {"email": "someone@example.org"})
    sent = len(mail.outbox)
    response = client.post("/en/accounts/password/reset/", {"email": "someone@example.org"})
    assert refused(response)
    assert len(mail.outbox) == sent


def test_sign_ups_are_limited_per_client(client, home):
    for n in range(20):
        client.post(
            "/en/accounts/signup/",
            {"email": f"new{n}@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
    response = client.post(
        "/en/accounts/signup/",
        {"email": "one-more@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert refused(response)
    assert b"Too many attempts" in response.content  # Legis's own page, in the site frame
