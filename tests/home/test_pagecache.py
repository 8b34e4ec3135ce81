"""The anonymous page cache (home.pagecache): shared copies for anonymous readers only, and
never an older copy than what is published."""

from http import HTTPStatus

import pytest

from django.conf import settings
from django.db import connection
from django.middleware.csrf import get_token
from django.test import Client
from django.test.utils import CaptureQueriesContext

from modules.factories import GlossaryTermFactory, make_reading, paragraph
from modules.models import GlossaryTerm, ReadingPage
from tests.forums.conftest import user

pytestmark = pytest.mark.django_db


@pytest.fixture
def reading(module):
    return make_reading(module, title="Extradition in practice", slug="extradition", passages=3)


def test_anonymous_readers_share_one_copy_with_no_query(reading, django_assert_num_queries):
    first = Client().get(reading.url)
    assert first.status_code == HTTPStatus.OK
    returning = Client()
    returning.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with django_assert_num_queries(0):
        newcomer_copy = Client().get(reading.url)
        returning_copy = returning.get(reading.url)
    assert newcomer_copy.content == returning_copy.content == first.content
    # A newcomer's browser still learns its language; a returning one is not told again.
    assert newcomer_copy.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert settings.LANGUAGE_COOKIE_NAME not in returning_copy.cookies
    assert "default-src 'self'" in newcomer_copy["Content-Security-Policy"]


def test_publishing_unpublishing_and_snippet_edits_reach_the_next_reader(module):
    GlossaryTermFactory(slug="dual-criminality", term="Dual criminality", definition="Old definition.")
    page = make_reading(
        module,
        title="First title",
        passages=0,
        extra_blocks=[paragraph('<p>On <a href="/glossary/dual-criminality/">dual criminality</a>.</p>')],
    )
    reader = Client()
    assert b"First title" in reader.get(page.url).content
    page = ReadingPage.objects.get(pk=page.pk)
    page.title = "Second title"
    page.save_revision().publish()
    assert b"Second title" in reader.get(page.url).content
    # A snippet edit changes no page revision, yet the page shows the term's definition.
    glossary = GlossaryTerm.objects.get(slug="dual-criminality")
    glossary.definition = "New definition."
    glossary.save()
    assert b"New definition." in reader.get(page.url).content
    page.unpublish()
    assert reader.get(page.url).status_code == HTTPStatus.NOT_FOUND


def test_signed_in_readers_never_get_or_leave_a_shared_copy(reading):
    Client().get(reading.url)  # an anonymous copy exists
    person = user("reader@example.org")
    signed_in = Client()
    signed_in.force_login(person)
    page = signed_in.get(reading.url).content.decode()
    assert person.public_name in page and "Log out" in page
    # The other way round: a page rendered for someone signed in is not shared.
    other = Client()
    other.force_login(person)
    reading.title = "Retitled"
    reading.save_revision().publish()
    assert person.public_name in other.get(reading.url).content.decode()
    anonymous = Client().get(reading.url).content.decode()
    assert person.public_name not in anonymous and "Log in" in anonymous


def _sets_a_cookie(request, response) -> None:
    response.set_cookie("seen", "1")


def _uses_a_csrf_token(request, response) -> None:
    get_token(request)  # as a page with a form would


@pytest.mark.parametrize("personalise", [_sets_a_cookie, _uses_a_csrf_token])
def test_a_page_rendered_with_a_cookie_is_not_shared(reading, monkeypatch, personalise):
    original = ReadingPage.serve

    def serve(self, request, *args, **kwargs):
        response = original(self, request, *args, **kwargs)
        personalise(request, response)
        return response

    monkeypatch.setattr(ReadingPage, "serve", serve)
    for _ in range(2):
        response = Client().get(reading.url)
        assert response.cookies  # rendered afresh each time: the cookie is set again
        assert {"seen", settings.CSRF_COOKIE_NAME} & set(response.cookies)


def test_sensitive_readings_are_not_shared(module):
    exhibit = make_reading(
        module,
        passages=1,
        extra_blocks=[
            {"type": "sensitive_exhibit", "value": {"warning": "W", "description": "D", "image": None}}
        ],
    )
    Client().get(exhibit.url)
    with CaptureQueriesContext(connection) as rendered_again:
        response = Client().get(exhibit.url)
    assert "no-store" in response["Cache-Control"]
    assert len(rendered_again) > 0


def test_each_language_has_its_own_copy(reading, django_assert_num_queries):
    english = Client().get(reading.url)
    arabic_url = reading.url.replace("/en/", "/ar/", 1)
    arabic = Client().get(arabic_url)
    assert arabic.status_code == HTTPStatus.OK
    with django_assert_num_queries(0):
        assert Client().get(arabic_url).content == arabic.content
        assert Client().get(reading.url).content == english.content
    assert b'dir="rtl"' in arabic.content and b'dir="ltr"' in english.content
