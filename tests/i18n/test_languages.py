from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup

from django.conf import settings
from django.core import mail

from wagtail.models import Locale

from courses.models import CourseWeek, Enrolment
from courses.services import nudge_send
from forums import services as forum_services
from modules.factories import CurriculumIndexPageFactory, ModulePageFactory, make_reading
from modules.models import TranslationRequest
from tests.forums.conftest import enrol, make_cohort, user

pytestmark = pytest.mark.django_db


def html(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def bilingual(home):
    """A reading in English and French, and one in English only."""
    curriculum = CurriculumIndexPageFactory(parent=home)
    module = ModulePageFactory(parent=curriculum, title="Foundations", slug="foundations")
    module.save_revision().publish()
    both = make_reading(module, title="Extradition", slug="extradition", passages=3)
    only_english = make_reading(module, title="Assistance", slug="assistance", passages=3)
    fr, _ = Locale.objects.get_or_create(language_code="fr")
    french = both.copy_for_translation(fr, copy_parents=True, alias=False)
    french.title = "Extradition (fr)"
    french.save_revision().publish()
    return both, french.specific, only_english


def test_every_language_gets_its_lang_and_direction(client, home):
    for code, _name in settings.LANGUAGES:
        page = html(client.get(f"/{code}/glossary/"))
        assert page.html["lang"] == code
        assert page.html["dir"] == ("rtl" if code == "ar" else "ltr")


def test_switcher_links_to_the_same_page_in_each_language(client, bilingual):
    both, french, _ = bilingual
    links = {a["hreflang"]: a["href"] for a in html(client.get(both.url)).select(".language-switcher a")}
    assert set(links) == {code for code, _ in settings.LANGUAGES}
    assert links["fr"] == french.url  # the translation
    assert links["ar"].startswith("/ar/")  # no translation: same path, other prefix
    glossary = {
        a["hreflang"]: a["href"] for a in html(client.get("/en/glossary/")).select(".language-switcher a")
    }
    assert glossary["ru"] == "/ru/glossary/"


def test_language_is_remembered_per_browser_and_per_person(client, home):
    response = client.get("/fr/glossary/")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert client.get("/glossary/")["Location"].startswith("/fr/")
    person = user("remember@example.org")
    client.force_login(person)
    client.get("/es/glossary/")
    person.refresh_from_db()
    assert person.preferred_language == "es"
    fresh = type(client)()
    fresh.force_login(person)
    assert fresh.get("/glossary/")["Location"].startswith("/es/")


def test_cohort_reading_in_the_cohorts_language_or_english_with_a_notice(client, bilingual):
    both, french, only_english = bilingual
    cohort = make_cohort("fr-cohort")
    cohort.language = "fr"
    cohort.save()
    week = CourseWeek.objects.get(course=cohort.course, sort_order=0)
    week.readings = [{"type": "reading", "value": both.pk}, {"type": "reading", "value": only_english.pk}]
    week.save()
    forum_services.cohort_space_ensure(cohort)
    trainee = user("fr-trainee@example.org")
    enrol(trainee, cohort)
    client.force_login(trainee)
    translated = html(client.get(f"/en/cohorts/{cohort.slug}/readings/{both.pk}/"))
    assert translated.select_one("h1").get_text() == "Extradition (fr)"
    assert translated.select_one("article")["lang"] == "fr"
    assert translated.select_one("#translation-fallback") is None
    fallback = html(client.get(f"/en/cohorts/{cohort.slug}/readings/{only_english.pk}/"))
    assert fallback.select_one("h1").get_text() == "Assistance"
    notice = fallback.select_one("#translation-fallback")
    assert notice is not None
    form = notice.select_one("form")
    response = client.post(form["action"], {"language": "fr", "next": f"/en/cohorts/{cohort.slug}/"})
    assert response.status_code == HTTPStatus.FOUND
    client.post(form["action"], {"language": "fr"})
    assert TranslationRequest.objects.filter(page=only_english, language="fr").count() == 1


def test_emails_go_out_in_the_recipients_language(bilingual, monkeypatch, django_capture_on_commit_callbacks):
    """The nudge is rendered with the recipient's language active (catalogues give the words)."""
    from django.template import loader
    from django.utils import translation

    rendered_in: list[tuple[str, str]] = []
    original = loader.render_to_string

    def spy(template_name, context=None, *args, **kwargs):
        rendered_in.append((context["enrolment"].user.email, translation.get_language()))
        return original(template_name, context, *args, **kwargs)

    monkeypatch.setattr("courses.services.render_to_string", spy)
    cohort = make_cohort("mail-cohort")
    tutor = user("mail-tutor@example.org")
    enrol(tutor, cohort, Enrolment.Role.TUTOR)
    for email, language in (("ar-reader@example.org", "ar"), ("fr-reader@example.org", "fr")):
        person = user(email)
        person.preferred_language = language
        person.save()
        enrolment = enrol(person, cohort)
        with django_capture_on_commit_callbacks(execute=True):
            nudge_send(actor=tutor, enrolment=enrolment, message="Please catch up")
    assert rendered_in == [("ar-reader@example.org", "ar"), ("fr-reader@example.org", "fr")]
    assert [m.to for m in mail.outbox] == [["ar-reader@example.org"], ["fr-reader@example.org"]]
