"""Passage-by-passage discussion in real Chromium: keyboard only, live across contexts,
a tutor's hide reaching everyone, and the margin on the correct side in Arabic."""

import pytest
from playwright.sync_api import expect

from courses.models import CourseWeek, Enrolment
from forums import services
from home.services import ensure_site_home
from modules.factories import CurriculumIndexPageFactory, ModulePageFactory, make_reading
from tests.browser.conftest import ARTIFACTS, assert_no_axe_violations, edit_own_post, login
from tests.forums.conftest import enrol, make_cohort, user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting():
    home = ensure_site_home()
    curriculum = CurriculumIndexPageFactory(parent=home)
    module = ModulePageFactory(parent=curriculum)
    reading = make_reading(module, title="Mutual legal assistance", passages=8)
    cohort = make_cohort("passages")
    week = CourseWeek.objects.get(course=cohort.course, sort_order=0)
    week.readings = [{"type": "reading", "value": reading.pk}]
    week.save()
    services.cohort_space_ensure(cohort)
    for email, role in (
        ("amina@example.org", "trainee"),
        ("carlos@example.org", "trainee"),
        ("tutor@example.org", Enrolment.Role.TUTOR),
    ):
        enrol(user(email), cohort, role)
    return cohort, reading


def open_reading(new_context, email, cohort, reading, lang="en"):
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(page, email)
    page.goto(f"/{lang}/cohorts/{cohort.slug}/readings/{reading.pk}/")
    expect(page.locator("article.reading")).to_have_attribute("data-connection", "live")
    return page


def test_keyboard_comment_appears_live_and_a_tutor_hide_removes_it_everywhere(new_context, setting):
    cohort, reading = setting
    third = reading.body[2].id
    amina = open_reading(new_context, "amina@example.org", cohort, reading)
    carlos = open_reading(new_context, "carlos@example.org", cohort, reading)
    tutor = open_reading(new_context, "tutor@example.org", cohort, reading)
    assert_no_axe_violations(amina)

    # Keyboard only: jump to passage 3, Tab to its "Discuss" control, open it, write, send.
    amina.goto(f"/en/cohorts/{cohort.slug}/readings/{reading.pk}/#p-{third}")
    expect(amina.locator("article.reading")).to_have_attribute("data-connection", "live")
    amina.keyboard.press("Tab")
    focused = amina.evaluate(
        "() => document.activeElement.closest('.passage') && document.activeElement.closest('.passage').id"
    )
    assert focused == f"p-{third}"
    amina.keyboard.press("Enter")
    amina.keyboard.press("Tab")
    amina.keyboard.type("Is a request through the central authority enough here?")
    amina.keyboard.press("Tab")
    amina.keyboard.press("Enter")

    count = carlos.locator(f"#d-{third} .discuss__count")
    expect(count).to_have_text("1")
    carlos.locator(f"#d-{third} > summary").click()
    comment = carlos.locator(f"#d-{third} .post", has_text="central authority")
    expect(comment).to_be_visible()
    expect(amina.locator(f"#d-{third} textarea")).to_have_value("")

    tutor_comment = tutor.locator(f"#d-{third} .post", has_text="central authority")
    tutor.locator(f"#d-{third} > summary").click()
    tutor_comment.locator("details.tool--hide summary").click()
    tutor_comment.locator("input[name=reason]").fill("Please keep the question for Friday's session")
    tutor_comment.locator("form[data-ws-action=hide] button[type=submit]").click()
    for page in (amina, carlos):
        expect(page.locator(f"#d-{third} .post", has_text="central authority")).to_have_count(0)
        expect(page.locator(f"#d-{third} .discuss__count")).to_have_text("0")


def test_arabic_margin_threads_sit_on_the_inline_end_side_without_overlap(new_context, setting):
    cohort, reading = setting
    services.passage_post_create(
        user=Enrolment.objects.get(user__email="carlos@example.org").user,
        space=cohort.space,
        reading=reading,
        block_id=reading.body[1].id,
        body="تعليق على الفقرة",
        language="ar",
    )
    page = open_reading(new_context, "amina@example.org", cohort, reading, lang="ar")
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    page.locator(f"#d-{reading.body[1].id} > summary").click()
    page.screenshot(path=str(ARTIFACTS / "reading-discussion-ar.png"), full_page=True)
    for block in reading.body[:4]:
        text = page.locator(f"#p-{block.id} .passage__text").bounding_box()
        margin = page.locator(f"#d-{block.id}").bounding_box()
        # Right to left: the margin column is on the left of the text, and they do not overlap.
        assert margin["x"] + margin["width"] <= text["x"] + 1, (block.id, margin, text)
    viewport = page.viewport_size["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport


def test_a_trainee_edits_her_passage_comment_and_the_other_sees_it_live(new_context, setting):
    cohort, reading = setting
    second = reading.body[1].id
    carlos_user = Enrolment.objects.get(user__email="carlos@example.org").user
    services.passage_post_create(
        user=carlos_user, space=cohort.space, reading=reading, block_id=second, body="Carlos's *own* view"
    )
    amina = open_reading(new_context, "amina@example.org", cohort, reading)
    carlos = open_reading(new_context, "carlos@example.org", cohort, reading)
    amina.locator(f"#d-{second} > summary").click()
    carlos.locator(f"#d-{second} > summary").click()

    # Amina comments: her new comment has "Edit", Carlos's does not; Carlos sees no tools on hers.
    amina.locator(f"#c-{second}").fill("Extradition needs **dual** criminality.")
    amina.locator(f"#d-{second}").get_by_role("button", name="Comment", exact=True).click()
    own = amina.locator(f"#d-{second} .post", has_text="Extradition")
    expect(own.get_by_role("link", name="Edit")).to_be_visible()
    expect(
        amina.locator(f"#d-{second} .post", has_text="Carlos's").get_by_role("link", name="Edit")
    ).to_be_hidden()
    seen = carlos.locator(f"#d-{second} .post", has_text="Extradition")
    expect(seen).to_be_visible()
    expect(seen.get_by_role("link", name="Edit")).to_be_hidden()
    expect(seen.locator("details.tool--own-delete")).to_be_hidden()
    expect(
        carlos.locator(f"#d-{second} .post", has_text="Carlos's").get_by_role("link", name="Edit")
    ).to_be_visible()

    edit_own_post(
        amina,
        own,
        before="Extradition needs **dual** criminality.",
        after="Extradition usually needs **double** criminality.",
    )
    expect(own.locator(".post__body strong")).to_have_text("double")

    expect(seen.locator(".post__body strong")).to_have_text("double")
    expect(seen.locator(".post__edited")).to_have_text("(edited)")
    expect(seen.locator(".post__edited")).to_be_visible()
    expect(seen.get_by_role("link", name="Edit")).to_be_hidden()
    assert_no_axe_violations(carlos)

    # Reloaded, both get the same cached discussion: "(edited)" for both, "Edit" for her only.
    for page in (amina, carlos):
        page.reload()
        expect(page.locator("article.reading")).to_have_attribute("data-connection", "live")
        page.locator(f"#d-{second} > summary").click()
        comment = page.locator(f"#d-{second} .post", has_text="usually needs")
        expect(comment.locator(".post__edited")).to_be_visible()
        edit = comment.get_by_role("link", name="Edit")
        if page is amina:
            expect(edit).to_be_visible()
        else:
            expect(edit).to_be_hidden()


def test_a_trainee_deletes_her_passage_comment_after_confirming(new_context, setting):
    cohort, reading = setting
    second = reading.body[1].id
    services.passage_post_create(
        user=Enrolment.objects.get(user__email="amina@example.org").user,
        space=cohort.space,
        reading=reading,
        block_id=second,
        body="Extradition needs dual criminality.",
    )
    amina = open_reading(new_context, "amina@example.org", cohort, reading)
    carlos = open_reading(new_context, "carlos@example.org", cohort, reading)
    amina.locator(f"#d-{second} > summary").click()
    own = amina.locator(f"#d-{second} .post", has_text="Extradition")
    own.locator("details.tool--own-delete summary").click()
    expect(own.locator("details.tool--own-delete")).to_contain_text("Delete this comment?")
    own.get_by_role("button", name="Delete comment").click()
    for page in (amina, carlos):
        expect(page.locator(f"#d-{second} .post.post--deleted")).to_have_count(1)
        expect(page.locator(f"#d-{second} .post", has_text="Extradition")).to_have_count(0)
        expect(page.locator(f"#d-{second} .discuss__count")).to_have_text("0")
    expect(amina.locator(f"#d-{second} .post--deleted").get_by_role("link", name="Edit")).to_be_hidden()
