"""Two alumni in real Chromium contexts against a real daphne: a post in an alumni room reaches
the other's open page live, and the alumni pages pass axe."""

import pytest
from playwright.sync_api import expect

from alumni import services
from courses.models import Enrolment
from home.services import ensure_site_home
from tests.browser.conftest import ARTIFACTS, assert_no_axe_violations, login

from .conftest import ended_start, enrol, make_cohort, user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def community():
    ensure_site_home()
    services.alumni_rooms_ensure()
    cohort = make_cohort("browser-pilot", start=ended_start())
    people = {}
    for email in ("amina@example.org", "carlos@example.org"):
        people[email] = user(email)
        enrol(people[email], cohort, status=Enrolment.Status.COMPLETED)
    services.profile_save(
        user=people["carlos@example.org"],
        display_name="Carlos M.",
        visibility="community",
        country="BR",
        languages=["pt", "en"],
        themes=["internet"],
        role="Investigator",
    )
    return people


def open_room(new_context, email: str, key: str = "cooperation"):
    page = new_context().new_page()
    login(page, email)
    page.goto(f"/en/alumni/{key}/room/")
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "live")
    return page


def test_an_alumnus_sees_another_alumnus_post_live(new_context, community):
    amina = open_room(new_context, "amina@example.org")
    carlos = open_room(new_context, "carlos@example.org")
    expect(amina.locator("#presence-list")).to_contain_text("Carlos")

    carlos.fill("#composer textarea[name=body]", "Who has a contact at the **central authority** in Nairobi?")
    carlos.click("#composer button[type=submit]")
    expect(carlos.locator("#composer textarea[name=body]")).to_have_value("")
    post = amina.locator(".post", has_text="central authority")
    expect(post).to_be_visible()
    expect(post.locator("strong")).to_have_text("central authority")
    expect(post.locator(".post__author")).to_have_text("Carlos")
    assert "@" not in amina.locator("#posts").inner_text()
    assert_no_axe_violations(amina)
    ARTIFACTS.mkdir(exist_ok=True)
    amina.screenshot(path=str(ARTIFACTS / "alumni-room-en.png"), full_page=True)

    for url in (
        "/en/alumni/",
        "/en/alumni/directory/",
        "/en/alumni/directory/me/",
        "/ar/alumni/cooperation/room/",
    ):
        amina.goto(url)
        assert_no_axe_violations(amina)
    expect(amina.locator("html")).to_have_attribute("dir", "rtl")
    amina.screenshot(path=str(ARTIFACTS / "alumni-room-ar.png"), full_page=True)
