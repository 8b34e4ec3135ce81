"""Every page a trainee uses, in all six languages: direction, no horizontal overflow,
no English left in the interface, and a switcher that reaches the same page."""

import re

import pytest
from playwright.sync_api import expect

from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from courses.models import Cohort
from modules.models import ReadingPage
from tests.browser.conftest import ARTIFACTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Interface words that must not appear, as whole labels, outside English.
ENGLISH_LABELS = {
    "Curriculum",
    "Glossary",
    "Instruments",
    "My courses",
    "Log out",
    "Search",
    "Discuss",
    "Threads",
    "Online now",
    "Post",
    "Readings",
    "Modules",
    "Language",
    "Cited by",
    "Comment",
}
LABEL_SELECTOR = "nav a, button, summary, h2, label, .site-search button, .discuss__label"


def untranslated_in(code: str) -> set[str]:
    """The English labels that would betray a gap in `code` (some words are the same in
    both languages, like "Modules" in French, and are not gaps)."""
    with translation.override(code):
        return {label for label in ENGLISH_LABELS if translation.gettext(label) != label}


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)
    cohort = Cohort.objects.get(slug="general-cohort-a")
    reading = ReadingPage.objects.get(slug="universal-instruments", locale__language_code="en")
    return cohort, reading


def assert_fits(page, where: str) -> None:
    overflow = page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const wide = [...document.querySelectorAll('body *')].filter(el => {
                const box = el.getBoundingClientRect();
                return box.width > 0 && (box.right > width + 1 || box.left < -1)
                    && getComputedStyle(el).position !== 'absolute';
            }).map(el => el.tagName + '.' + el.className);
            return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5)};
        }"""
    )
    assert overflow["scroll"] <= overflow["width"] and not overflow["wide"], (where, overflow)


def test_trainee_pages_in_all_six_languages(new_context, demo):
    cohort, reading = demo
    codes = [code for code, _ in settings.LANGUAGES]
    context = new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    login(page, "trainee1@example.org", password=settings.DEMO_PASSWORD)
    for n, code in enumerate(codes):
        paths = {
            "home": f"/{code}/",
            "module": f"/{code}/curriculum/foundations/",
            "reading": f"/{code}/cohorts/{cohort.slug}/readings/{reading.pk}/",
            "room": f"/{code}/cohorts/{cohort.slug}/room/",
            "dashboard": f"/{code}/cohorts/{cohort.slug}/",
        }
        for name, path in paths.items():
            response = page.goto(path)
            assert response.status == 200, (code, path, response.status)
            assert page.evaluate("() => document.documentElement.lang") == code
            assert page.evaluate("() => document.documentElement.dir") == ("rtl" if code == "ar" else "ltr")
            assert_fits(page, f"{code} {name}")
            if code != "en":
                labels = {t.strip() for t in page.locator(LABEL_SELECTOR).all_inner_texts()}
                untranslated = labels & untranslated_in(code)
                assert not untranslated, (code, name, untranslated)
            page.screenshot(path=str(ARTIFACTS / f"i18n-{code}-{name}.png"))
        # The switcher reaches the same page in the next language.
        other = codes[(n + 1) % len(codes)]
        page.goto(paths["reading"])
        page.locator(f".language-switcher a[hreflang='{other}']").click()
        expect(page).to_have_url(re.compile(rf"/{other}/cohorts/{cohort.slug}/readings/{reading.pk}/$"))
        page.goto(paths["module"])
        page.locator(f".language-switcher a[hreflang='{other}']").click()
        expect(page).to_have_url(re.compile(rf"/{other}/curriculum/foundations/$"))
