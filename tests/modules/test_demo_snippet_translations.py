"""Translated glossary terms, instruments and case digests: the loader
(modules/demo.py `load_snippet_translations`) and what a reader in /fr/ sees."""

import json
import shutil
from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Locale

from courses.factories import UserFactory
from modules.demo import CONTENT_DIR, LoadReport, ensure_locales, load_snippet_translations, load_snippets
from modules.factories import make_reading, paragraph
from modules.models import CaseDigest, GlossaryTerm, LegalInstrument, ReadingPage

pytestmark = pytest.mark.django_db

FRENCH = CONTENT_DIR / "translations" / "fr"
FINANCING_FR = "Convention internationale pour la répression du financement du terrorisme"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def snippets(home):
    """The English demo snippets and their French translations."""
    ensure_locales()
    load_snippets(Locale.get_default(), LoadReport())
    report = LoadReport()
    load_snippet_translations(FRENCH, Locale.objects.get(language_code="fr"), report)
    return report


@pytest.fixture
def french_reading(snippets, module):
    """A reading citing the *English* financing convention and hawala case (as an editor's copy
    made in the admin would), linking a glossary term, and its French translation."""
    instrument = LegalInstrument.objects.get(slug="financing-convention-1999", locale=Locale.get_default())
    case = CaseDigest.objects.get(slug="case-hawala-courier", locale=Locale.get_default())
    english = make_reading(
        module,
        title="Reading in English",
        passages=1,
        extra_blocks=[
            paragraph('<p>See <a href="/glossary/dual-criminality/">dual criminality</a>.</p>'),
            {"type": "instrument", "value": {"instrument": instrument.pk, "note": "Art. 2."}},
            {"type": "case_study", "value": {"case": case.pk, "prompt": "Knowledge?"}},
        ],
    )
    french = english.copy_for_translation(Locale.objects.get(language_code="fr"), copy_parents=True)
    french.title = "Lecture en français"
    french.save_revision().publish()
    return french.specific


def test_french_snippets_are_translations_of_the_english_ones(snippets):
    english, french = Locale.get_default(), Locale.objects.get(language_code="fr")
    for model, count in ((GlossaryTerm, 38), (LegalInstrument, 19), (CaseDigest, 8)):
        originals = {o.slug: o for o in model.objects.filter(locale=english)}
        translations = list(model.objects.filter(locale=french))
        assert len(translations) == count, model
        for obj in translations:
            assert obj.translation_key == originals[obj.slug].translation_key, obj.slug
    convention = LegalInstrument.objects.get(slug="financing-convention-1999", locale=french)
    assert convention.title == FINANCING_FR
    assert convention.depositary == "Secrétaire général de l'Organisation des Nations Unies"
    original = LegalInstrument.objects.get(slug=convention.slug, locale=english)
    assert (convention.year, convention.entry_into_force) == (original.year, original.entry_into_force)
    term = GlossaryTerm.objects.get(slug="dual-criminality", locale=french)
    assert term.term == "Double incrimination"
    case = CaseDigest.objects.get(slug="case-hawala-courier", locale=french)
    assert case.jurisdiction == "République d'Arvelia (fictive)"
    assert case.year == 2019
    # The French case cites the French convention, not the English one.
    assert [i.title for i in case.instruments.all()] == [FINANCING_FR]


def test_loading_the_translations_again_creates_nothing(snippets):
    assert snippets.created == {"fr glossary": 38, "fr instruments": 19, "fr cases": 8}
    models = (GlossaryTerm, LegalInstrument, CaseDigest)
    before = [model.objects.count() for model in models]
    again = LoadReport()
    load_snippet_translations(FRENCH, Locale.objects.get(language_code="fr"), again)
    assert again.created == {}
    assert [model.objects.count() for model in models] == before


def test_a_language_with_only_a_glossary_keeps_english_instruments_and_cases(snippets, tmp_path, client):
    spanish_dir = tmp_path / "es"
    spanish_dir.mkdir()
    shutil.copy(FRENCH / "glossary.json", spanish_dir / "glossary.json")  # stands in for Spanish text
    report = LoadReport()
    load_snippet_translations(spanish_dir, Locale.objects.get(language_code="es"), report)
    assert report.created == {"es glossary": 38}
    assert not LegalInstrument.objects.filter(locale__language_code="es").exists()
    page = soup(client.get("/es/instruments/financing-convention-1999/"))
    assert page.select_one("h1").get_text() == (
        "International Convention for the Suppression of the Financing of Terrorism"
    )


def test_an_unknown_slug_in_a_translation_file_is_an_error(snippets, tmp_path):
    lang_dir = tmp_path / "es"
    lang_dir.mkdir()
    (lang_dir / "glossary.json").write_text(
        json.dumps([{"slug": "no-such-term", "term": "x", "definition": "y"}]), encoding="utf-8"
    )
    with pytest.raises(ValueError, match="no-such-term"):
        load_snippet_translations(lang_dir, Locale.objects.get(language_code="es"), LoadReport())


def test_french_reading_popover_and_blocks_show_the_french_snippets(client, french_reading):
    response = client.get(french_reading.url)
    assert response.status_code == HTTPStatus.OK
    page = soup(response)
    popovers = json.loads(page.select_one("#glossary-terms").string)
    assert popovers["dual-criminality"]["term"] == "Double incrimination"
    assert popovers["dual-criminality"]["url"] == "/fr/glossary/dual-criminality/"
    link = page.select_one("a.instrument-link")
    assert link.get_text() == FINANCING_FR
    assert link["href"] == "/fr/instruments/financing-convention-1999/"
    case_study = page.select_one(".case-study").get_text()
    assert "Ministère public c. N. (fictif)" in case_study
    assert "République d'Arvelia (fictive)" in case_study


def test_french_instrument_page_shows_french_text_cases_and_readings(client, french_reading):
    page = soup(client.get("/fr/instruments/financing-convention-1999/"))
    assert page.select_one("h1").get_text() == FINANCING_FR
    assert "Secrétaire général de l'Organisation des Nations Unies" in page.select_one(".facts").get_text()
    assert "il n'est pas nécessaire que les fonds aient effectivement servi" in page.get_text()
    assert "Ministère public c. N. (fictif)" in [a.get_text() for a in page.select("li a")]
    # The French reading cites the English convention; it is still listed here, once.
    assert [a.get_text() for a in page.select(".cited-by a")] == ["Lecture en français"]
    english = soup(client.get("/en/instruments/financing-convention-1999/"))
    assert [a.get_text() for a in english.select(".cited-by a")] == ["Reading in English"]


def test_french_lists_show_french_snippets(client, snippets):
    glossary = soup(client.get("/fr/glossary/")).get_text()
    assert "Double incrimination" in glossary
    assert "Dual criminality" not in glossary
    cases = soup(client.get("/fr/cases/")).get_text()
    assert "Ministère public c. N. (fictif)" in cases
    case = soup(client.get("/fr/cases/case-hawala-courier/"))
    assert FINANCING_FR in [a.get_text() for a in case.select("li a")]


def test_french_reading_query_count_does_not_grow_with_cited_snippets(client, snippets, module):
    english = Locale.get_default()
    french = Locale.objects.get(language_code="fr")
    instruments = list(LegalInstrument.objects.filter(locale=english))

    def french_copy(count: int) -> ReadingPage:
        blocks = [
            {"type": "instrument", "value": {"instrument": i.pk, "note": ""}} for i in instruments[:count]
        ]
        reading = make_reading(module, passages=1, extra_blocks=blocks)
        copy = reading.copy_for_translation(french, copy_parents=True)
        copy.save_revision().publish()
        return copy

    small, large = french_copy(1), french_copy(12)
    # Signed in: measured renders, not copies from the anonymous page cache.
    client.force_login(UserFactory(email="reader@example.org"))
    client.get(small.url)  # warm per-process caches
    with CaptureQueriesContext(connection) as small_q:
        client.get(small.url)
    with CaptureQueriesContext(connection) as large_q:
        response = client.get(large.url)
    assert len(large_q.captured_queries) == len(small_q.captured_queries)
    titles = [a.get_text() for a in soup(response).select("a.instrument-link")]
    assert titles == [
        LegalInstrument.objects.get(translation_key=i.translation_key, locale=french).title
        for i in instruments[:12]
    ]
