"""Two trainees and a tutor in real Chromium contexts against a real daphne."""

import pytest
from playwright.sync_api import expect

from courses.models import Enrolment
from forums import services
from home.services import ensure_site_home
from tests.browser.conftest import ARTIFACTS, assert_no_axe_violations, login
from tests.forums.conftest import enrol, make_cohort, user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def room():
    ensure_site_home()
    cohort = make_cohort("live-room")
    space = services.cohort_space_ensure(cohort)
    people = {}
    for email, role in (
        ("amina@example.org", Enrolment.Role.TRAINEE),
        ("carlos@example.org", Enrolment.Role.TRAINEE),
        ("tutor@example.org", Enrolment.Role.TUTOR),
    ):
        people[email.split("@")[0]] = user(email)
        enrol(people[email.split("@")[0]], cohort, role)
    return cohort, space, people


def open_room(new_context, email, cohort):
    page = new_context().new_page()
    login(page, email)
    page.goto(f"/en/cohorts/{cohort.slug}/room/")
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "live")
    return page


def test_two_trainees_see_each_others_posts_and_a_tutor_hide_live(new_context, room):
    cohort, _space, _people = room
    amina = open_room(new_context, "amina@example.org", cohort)
    carlos = open_room(new_context, "carlos@example.org", cohort)
    tutor = open_room(new_context, "tutor@example.org", cohort)
    expect(amina.locator("#presence-list")).to_contain_text("Carlos")

    amina.fill("#composer textarea[name=body]", "Does **dual criminality** apply here?")
    amina.click("#composer button[type=submit]")
    expect(amina.locator("#composer textarea[name=body]")).to_have_value("")
    post = carlos.locator(".post", has_text="dual criminality")
    expect(post).to_be_visible()
    expect(post.locator("strong")).to_have_text("dual criminality")

    # A reaction reaches the author's open page.
    post.locator("button[data-kind=agree]").click()
    expect(
        amina.locator(".post", has_text="dual criminality").locator("[data-kind=agree] .reaction__count")
    ).to_have_text("1")

    carlos.fill("#composer textarea[name=body]", "Only for the offence as defined in both States.")
    carlos.click("#composer button[type=submit]")
    expect(amina.locator(".post", has_text="both States")).to_be_visible()
    assert_no_axe_violations(amina)
    amina.screenshot(path=str(ARTIFACTS / "room-en.png"), full_page=True)

    # The tutor hides Carlos's post: it disappears from both trainees' open pages.
    target = tutor.locator(".post", has_text="both States")
    target.locator("details.tool--hide summary").click()
    target.locator("form[data-ws-action=hide] input[name=reason]").fill(
        "Answer given too early; let others try"
    )
    target.locator("form[data-ws-action=hide] button[type=submit]").click()
    for page in (amina, carlos):
        hidden = page.locator(".post.post--hidden")
        expect(hidden).to_have_count(1)
        expect(hidden).to_contain_text("Hidden by a moderator")
        expect(page.locator(".post", has_text="both States")).to_have_count(0)


def test_dropped_connection_catches_up_on_what_was_posted_meanwhile(new_context, room):
    cohort, _space, _people = room
    amina = open_room(new_context, "amina@example.org", cohort)
    carlos = open_room(new_context, "carlos@example.org", cohort)

    carlos.context.set_offline(True)
    expect(carlos.locator("#connection-state")).to_have_attribute("data-state", "offline")
    for text in ("first while you were away", "second while you were away"):
        amina.fill("#composer textarea[name=body]", text)
        amina.click("#composer button[type=submit]")
        expect(amina.locator(".post", has_text=text)).to_be_visible()
    expect(carlos.locator(".post", has_text="while you were away")).to_have_count(0)

    carlos.context.set_offline(False)
    expect(carlos.locator("#connection-state")).to_have_attribute("data-state", "live")
    posts = carlos.locator(".post .post__body")
    expect(posts).to_have_count(2)
    assert [p.strip() for p in posts.all_inner_texts()] == [
        "first while you were away",
        "second while you were away",
    ]


def test_room_works_without_javascript(new_context, room):
    cohort, _space, _people = room
    page = new_context(java_script_enabled=False).new_page()
    login(page, "amina@example.org")
    page.goto(f"/en/cohorts/{cohort.slug}/room/")
    page.fill("#composer textarea[name=body]", "Posted with a plain form")
    page.click("#composer button[type=submit]")
    expect(page.locator(".post", has_text="Posted with a plain form")).to_be_visible()
