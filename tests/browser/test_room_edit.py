"""Editing and deleting one's own post in the room, live, in real Chromium against daphne."""

import pytest
from playwright.sync_api import expect

from courses.models import Enrolment
from forums import services
from home.services import ensure_site_home
from tests.browser.conftest import assert_no_axe_violations, edit_own_post, login
from tests.forums.conftest import enrol, make_cohort, user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def room():
    ensure_site_home()
    cohort = make_cohort("edit-room")
    space = services.cohort_space_ensure(cohort)
    people = {}
    for email in ("amina@example.org", "carlos@example.org"):
        people[email.split("@")[0]] = user(email)
        enrol(people[email.split("@")[0]], cohort, Enrolment.Role.TRAINEE)
    general = space.threads.get(kind="general")
    services.post_create(user=people["carlos"], thread=general, body="Carlos's *own* view")
    services.post_create(user=people["amina"], thread=general, body="Extradition needs **dual** criminality.")
    return cohort


def open_room(new_context, email, cohort):
    page = new_context().new_page()
    login(page, email)
    page.goto(f"/en/cohorts/{cohort.slug}/room/")
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "live")
    return page


def test_a_trainee_edits_her_post_and_the_other_sees_it_live(new_context, room):
    amina = open_room(new_context, "amina@example.org", room)
    carlos = open_room(new_context, "carlos@example.org", room)

    own = amina.locator(".post", has_text="Extradition")
    others = amina.locator(".post", has_text="Carlos's")
    expect(own.get_by_role("link", name="Edit")).to_be_visible()
    expect(others.get_by_role("link", name="Edit")).to_be_hidden()
    expect(
        carlos.locator(".post", has_text="Extradition needs").get_by_role("link", name="Edit")
    ).to_be_hidden()

    edit_own_post(
        amina,
        own,
        before="Extradition needs **dual** criminality.",
        after="Extradition usually needs **double** criminality.",
    )
    expect(own.locator(".post__body strong")).to_have_text("double")

    seen = carlos.locator(".post", has_text="usually needs")
    expect(seen.locator(".post__body strong")).to_have_text("double")
    expect(seen.locator(".post__edited")).to_be_visible()
    expect(seen.locator(".post__edited")).to_have_text("(edited)")
    expect(carlos.locator(".post", has_text="needs **dual**")).to_have_count(0)
    assert_no_axe_violations(carlos)


def test_a_trainee_deletes_her_post_after_confirming(new_context, room):
    amina = open_room(new_context, "amina@example.org", room)
    carlos = open_room(new_context, "carlos@example.org", room)
    own = amina.locator(".post", has_text="Extradition")
    own.locator("details.tool--own-delete summary").click()
    expect(own.locator("details.tool--own-delete")).to_contain_text("Delete this post?")
    own.get_by_role("button", name="Delete post").click()
    for page in (amina, carlos):
        expect(page.locator(".post.post--deleted")).to_have_count(1)
        expect(page.locator(".post", has_text="Extradition needs")).to_have_count(0)


def test_a_refused_action_is_said_next_to_its_post(new_context, room):
    """A post action the server refuses (here a flag whose reason is only spaces, which the
    browser's `required` lets through) shows the server's message beside that post, and a
    later success clears it."""
    carlos = open_room(new_context, "carlos@example.org", room)
    theirs = carlos.locator(".post", has_text="Extradition")
    theirs.locator("details.tool--flag summary").click()
    theirs.locator("form[data-ws-action=flag] input[name=reason]").fill("   ")
    theirs.get_by_role("button", name="Send to moderators").click()
    alert = theirs.locator(".post__error[role=alert]")
    expect(alert).to_contain_text("Tell the moderators what is wrong")
    assert_no_axe_violations(carlos)
    theirs.locator("details.tool--flag summary").click()
    theirs.locator("form[data-ws-action=flag] input[name=reason]").fill("Unsourced claim about the treaty.")
    theirs.get_by_role("button", name="Send to moderators").click()
    expect(alert).to_have_count(0)
