"""The list of one's signed-in sessions, and signing any of them out."""

from http import HTTPStatus

import pytest
from allauth.usersessions.models import UserSession

from django.test import Client

from accounts.models import SecurityEvent

from .conftest import password_login, user

pytestmark = pytest.mark.django_db


def browser(email: str, agent: str) -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    assert password_login(client, email).status_code == HTTPStatus.FOUND
    return client


def test_sessions_are_listed_and_one_can_be_signed_out(home):
    person = user("someone@example.org")
    laptop, phone = browser(person.email, "Laptop browser"), browser(person.email, "Phone browser")
    page = laptop.get("/en/accounts/sessions/").content.decode()
    assert "Laptop browser" in page and "Phone browser" in page and "This browser" in page

    phone_session = UserSession.objects.get(user=person, user_agent="Phone browser")
    response = laptop.post(f"/en/accounts/sessions/{phone_session.pk}/end/")
    assert response.status_code == HTTPStatus.FOUND
    assert phone.get("/en/accounts/profile/").status_code == HTTPStatus.FOUND  # signed out
    assert laptop.get("/en/accounts/profile/").status_code == HTTPStatus.OK
    assert SecurityEvent.objects.filter(kind="sessions_ended", user=person).exists()


def test_sign_out_all_other_sessions(home):
    person = user("someone@example.org")
    laptop, phone, tablet = (browser(person.email, agent) for agent in ("a", "b", "c"))
    assert laptop.post("/en/accounts/sessions/").status_code == HTTPStatus.FOUND
    assert phone.get("/en/accounts/profile/").status_code == HTTPStatus.FOUND
    assert tablet.get("/en/accounts/profile/").status_code == HTTPStatus.FOUND
    assert laptop.get("/en/accounts/profile/").status_code == HTTPStatus.OK


def test_nobody_can_end_someone_elses_session(home):
    person, other = user("someone@example.org"), user("other@example.org")
    browser(other.email, "Theirs")
    mine = browser(person.email, "Mine")
    theirs = UserSession.objects.get(user=other)
    assert mine.post(f"/en/accounts/sessions/{theirs.pk}/end/").status_code == HTTPStatus.NOT_FOUND
    assert UserSession.objects.filter(pk=theirs.pk).exists()
    assert mine.get(f"/en/accounts/sessions/{theirs.pk}/end/").status_code == HTTPStatus.METHOD_NOT_ALLOWED
