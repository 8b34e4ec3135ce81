"""Sign-up with a verified e-mail, login by e-mail, password reset: allauth's flows, on pages
that look like the rest of Legis."""

from http import HTTPStatus

import pytest

from django.core import mail

from accounts.models import SecurityEvent, User

from .conftest import PASSWORD, link_in_last_mail, password_login, user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-long-passphrase-9"


def test_sign_up_needs_the_emailed_link_before_login(client, home):
    response = client.post(
        "/en/accounts/signup/",
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/en/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1 and "new@example.org" in mail.outbox[0].to
    assert mail.outbox[0].subject.startswith("[Legis]")

    # Unverified, the password alone does not sign in: it sends the link again.
    assert password_login(client, "new@example.org")["Location"] == "/en/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session

    confirm = link_in_last_mail()
    assert client.get(confirm).status_code == HTTPStatus.OK
    assert client.post(confirm).status_code == HTTPStatus.FOUND
    assert password_login(client, "new@example.org").status_code == HTTPStatus.FOUND
    assert client.session["_auth_user_id"] == str(User.objects.get(email="new@example.org").pk)
    assert SecurityEvent.objects.filter(kind="signup", user_label="new@example.org").exists()


def test_sign_up_refuses_a_taken_address_and_a_weak_password(client, home):
    user("taken@example.org")
    response = client.post(
        "/en/accounts/signup/", {"email": "new@example.org", "password1": "12345678", "password2": "12345678"}
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["password1"]
    client.post(
        "/en/accounts/signup/", {"email": "TAKEN@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1


def test_login_is_by_email_case_insensitively(client, home):
    user("someone@example.org")
    assert password_login(client, "Someone@Example.org").status_code == HTTPStatus.FOUND
    assert client.session["_auth_user_id"]


def test_password_reset_by_emailed_link(client, home):
    person = user("someone@example.org")
    response = client.post("/en/accounts/password/reset/", {"email": "someone@example.org"})
    assert response.status_code == HTTPStatus.FOUND
    link = link_in_last_mail()
    response = client.get(link)  # allauth moves the key into the session and redirects
    form_url = response["Location"] if response.status_code == HTTPStatus.FOUND else link
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert password_login(client, person.email, PASSWORD).status_code == HTTPStatus.OK  # old one refused
    assert password_login(client, person.email, NEW_PASSWORD).status_code == HTTPStatus.FOUND
    assert SecurityEvent.objects.filter(kind="password_reset", user=person).exists()


def test_password_reset_for_an_unknown_address_looks_the_same(client, home):
    response = client.post("/en/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == HTTPStatus.FOUND  # no hint whether the address exists


@pytest.mark.parametrize(
    "url",
    [
        "/en/accounts/login/",
        "/en/accounts/signup/",
        "/en/accounts/password/reset/",
        "/ar/accounts/login/",
    ],
)
def test_entrance_pages_wear_the_site_frame(client, home, url):
    page = client.get(url).content.decode()
    assert 'class="site-header"' in page and 'class="skip-link"' in page
    assert "accounts/accounts.css" in page
    assert 'class="stack-form"' in page
    assert "<script>" not in page  # no inline scripts (the Content-Security-Policy forbids them)
    if url.startswith("/ar/"):
        assert 'dir="rtl"' in page


@pytest.mark.parametrize(
    "url",
    [
        "/en/accounts/profile/",
        "/en/accounts/email/",
        "/en/accounts/password/change/",
        "/en/accounts/2fa/",
        "/en/accounts/sessions/",
        "/en/accounts/data/",
    ],
)
def test_account_pages_share_one_navigation(client, home, url):
    client.force_login(user("someone@example.org"))
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert 'class="account-nav"' in html and 'aria-current="page"' in html
    assert 'class="site-header"' in html


def test_profile_sets_a_pseudonym_but_not_ones_own_name(client, home):
    person = user("someone@example.org")
    client.force_login(person)
    response = client.post("/en/accounts/profile/", {"display_name": "Amina Haddad", "pseudonym": "Judge A"})
    assert response.status_code == HTTPStatus.FOUND
    person.refresh_from_db()
    assert (person.display_name, person.pseudonym) == ("Amina Haddad", "Judge A")
    response = client.post(
        "/en/accounts/profile/", {"display_name": "Amina Haddad", "pseudonym": "amina haddad"}
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["pseudonym"]
