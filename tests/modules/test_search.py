from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup

from modules.factories import GlossaryTermFactory, make_reading, paragraph

pytestmark = pytest.mark.django_db


def test_search_finds_reading_by_a_word_in_its_body(client, module):
    make_reading(
        module,
        title="Seizure of aircraft",
        passages=0,
        extra_blocks=[paragraph("<p>The hijacker diverted the airliner to a remote airfield.</p>")],
    )
    make_reading(
        module,
        title="Unrelated",
        passages=0,
        extra_blocks=[paragraph("<p>Freezing of bank accounts.</p>")],
    )
    response = client.get("/en/search/", {"q": "airliner"})
    assert response.status_code == HTTPStatus.OK
    titles = [
        a.get_text() for a in BeautifulSoup(response.content, "html.parser").select(".search-results a")
    ]
    assert titles == ["Seizure of aircraft"]


def test_search_finds_glossary_terms(client, home):
    GlossaryTermFactory(term="Hawala", slug="hawala", definition="An informal value transfer system.")
    response = client.get("/en/search/", {"q": "hawala"})
    assert "Hawala" in response.content.decode()


def test_empty_search_shows_the_form_only(client, home):
    response = client.get("/en/search/", {"q": ""})
    assert response.status_code == HTTPStatus.OK
    assert b"search-results" not in response.content
