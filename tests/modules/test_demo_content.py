import re
from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup

from django.core.management import call_command

from wagtail.models import Locale

from modules.models import CaseDigest, GlossaryTerm, LegalInstrument, ModulePage, ReadingPage, Theme

pytestmark = pytest.mark.django_db

UNIVERSAL_INSTRUMENT_YEARS = {
    "tokyo-convention-1963": 1963,
    "hague-convention-1970": 1970,
    "montreal-convention-1971": 1971,
    "protected-persons-convention-1973": 1973,
    "hostages-convention-1979": 1979,
    "cppnm-1980": 1980,
    "sua-convention-1988": 1988,
    "terrorist-bombings-convention-1997": 1997,
    "financing-convention-1999": 1999,
    "nuclear-terrorism-convention-2005": 2005,
    "beijing-convention-2010": 2010,
    "montreal-protocol-2014": 2014,
}


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def test_load_demo_twice_loads_nothing_twice(demo):
    models = [ReadingPage, GlossaryTerm, LegalInstrument, CaseDigest]
    counts = [model.objects.count() for model in models]
    assert GlossaryTerm.objects.filter(locale__language_code="fr").count() == 38
    call_command("load_demo", verbosity=0)
    assert [model.objects.count() for model in models] == counts


def test_demo_curriculum_has_foundations_and_four_thematic_modules(demo):
    themes = set(ModulePage.objects.live().values_list("theme", flat=True))
    assert themes == {t.value for t in Theme}
    for module in ModulePage.objects.all():
        assert ReadingPage.objects.child_of(module).live().count() >= 3


def test_demo_snippets_are_complete_and_instruments_have_correct_years(demo):
    english = Locale.get_default()
    assert GlossaryTerm.objects.filter(locale=english).count() >= 30
    assert CaseDigest.objects.filter(locale=english).count() >= 6
    assert all("fictional" in case.jurisdiction.lower() for case in CaseDigest.objects.filter(locale=english))
    assert all(
        "(fictif" in case.jurisdiction or "(fictive" in case.jurisdiction
        for case in CaseDigest.objects.filter(locale__language_code="fr")
    )
    years = dict(LegalInstrument.objects.values_list("slug", "year"))
    assert len(years) == 19
    for slug, year in UNIVERSAL_INSTRUMENT_YEARS.items():
        assert years[slug] == year, slug


def test_every_demo_reading_is_substantial_and_hyperlinked(demo, client):
    for reading in ReadingPage.objects.live().filter(locale=Locale.get_default()):
        response = client.get(reading.url)
        assert response.status_code == HTTPStatus.OK, reading.url
        body = BeautifulSoup(response.content, "html.parser").select_one(".reading-body")
        words = sum(len(re.findall(r"\w+", p.get_text())) for p in body.select(".passage--paragraph"))
        assert words >= 600, (reading.slug, words)
        links = body.select(".passage--paragraph a[href]")
        assert len(links) >= 2, reading.slug
        for link in links:
            assert client.get(link["href"]).status_code == HTTPStatus.OK, (reading.slug, link["href"])


def test_foundations_exist_in_all_six_languages_with_the_same_passage_anchors(demo, client):
    english = ReadingPage.objects.filter(locale=Locale.get_default(), slug="universal-instruments").get()
    translations = {p.locale.language_code: p for p in english.get_translations().select_related("locale")}
    assert set(translations) >= {"ar", "zh-hans", "fr", "ru", "es"}
    for code, page in translations.items():
        page = page.specific
        assert [b.id for b in page.body] == [b.id for b in english.body], code
        response = client.get(page.url)
        assert response.status_code == HTTPStatus.OK
        html = BeautifulSoup(response.content, "html.parser")
        assert html.html["lang"] == code
        assert html.html["dir"] == ("rtl" if code == "ar" else "ltr")
        assert html.select_one("h1").get_text() != english.title


def test_untranslated_module_is_listed_in_english_with_a_notice(demo, client):
    response = client.get("/ar/curriculum/")
    html = BeautifulSoup(response.content, "html.parser")
    cards = html.select(".card")
    assert len(cards) == 5
    fallback = [c for c in cards if c.select_one("a[hreflang=en]")]
    assert len(fallback) == 4  # only foundations is translated into Arabic


def test_french_demo_cites_french_instruments_and_cases(demo, client):
    reading = ReadingPage.objects.get(slug="universal-instruments", locale__language_code="fr")
    cited = [b.value["instrument"] for b in reading.body if b.block_type == "instrument"]
    cited += [b.value["case"] for b in reading.body if b.block_type == "case_study"]
    assert cited
    assert {obj.locale.language_code for obj in cited} == {"fr"}
    html = BeautifulSoup(client.get(reading.url).content, "html.parser")
    assert "Convention internationale pour la répression des attentats terroristes à l'explosif" in [
        a.get_text() for a in html.select("a.instrument-link")
    ]
    french_module = reading.get_parent().specific
    assert {i.locale.language_code for i in french_module.instruments.all()} == {"fr"}
    module = BeautifulSoup(client.get(french_module.url).content, "html.parser")
    covered = [a.get_text() for a in module.select("#instruments-heading + ul a")]
    assert "Convention internationale pour la répression du financement du terrorisme" in covered
