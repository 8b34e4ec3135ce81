"""A trainee's first week, in a real browser: enrol with a code, open week 1, mark a reading read."""

import re

import pytest
from playwright.sync_api import expect

from courses.factories import CohortFactory, TutorFactory, UserFactory, make_course, start_for_week
from courses.models import ReadingProgress
from home.services import ensure_site_home
from modules.factories import CurriculumIndexPageFactory, ModulePageFactory
from tests.browser.conftest import ARTIFACTS, assert_no_axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cohort_in_week_1():
    # Transactional tests flush the database: build everything here, site root included.
    home = ensure_site_home()
    curriculum = CurriculumIndexPageFactory(parent=home)
    curriculum.save_revision().publish()
    module = ModulePageFactory(parent=curriculum, title="Foundations", slug="foundations")
    module.save_revision().publish()
    course, readings = make_course(module, weeks=6, readings_per_week=2, title="The universal framework")
    cohort = CohortFactory(
        course=course,
        title="Universal framework, cohort A",
        slug="cohort-a",
        start_date=start_for_week(1),
        time_zone="Europe/Vienna",
        invitation_code="LEGALA26",
    )
    TutorFactory(cohort=cohort)
    trainee = UserFactory(email="amina@example.org", display_name="Amina Haddad", country="JO")
    return cohort, readings, trainee


def test_trainee_enrols_with_a_code_marks_a_reading_read_and_the_progress_bar_moves(page, cohort_in_week_1):
    cohort, readings, trainee = cohort_in_week_1
    login(page, trainee.email)

    page.goto("/en/cohorts/")
    page.get_by_role("link", name="Join with a code").click()
    page.get_by_label("Invitation code").fill("WRONG999")
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_text("Choose a gender, or “Prefer not to say”.")).to_be_visible()
    expect(page.get_by_label("Invitation code")).to_have_value("WRONG999")
    page.get_by_label("Gender").select_option("woman")
    page.get_by_label("Professional role").select_option("undisclosed")
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_text("That code does not match an open cohort")).to_be_visible()
    expect(page.get_by_label("Gender")).to_have_value("woman")

    page.get_by_label("Invitation code").fill("legala26")
    page.get_by_label("Where you work").select_option("prosecution")
    page.get_by_role("button", name="Join").click()
    expect(page).to_have_url(re.compile(r"/en/cohorts/cohort-a/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Universal framework, cohort A")
    expect(page.get_by_text("Welcome to Universal framework, cohort A.")).to_be_visible()
    course_bar = page.locator("#progress-course")
    expect(course_bar).to_have_attribute("value", "0")
    expect(page.get_by_role("link", name="Open the cohort discussion room")).to_have_attribute(
        "href", "/en/cohorts/cohort-a/room/"
    )
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Week 1: Week 1 topic").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Week 1: Week 1 topic")
    first = readings[0][0]
    page.get_by_role("link", name=first.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first.title)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Mark as read").click()
    expect(page.get_by_text("You have marked this reading as read.")).to_be_visible()

    page.goto("/en/cohorts/cohort-a/")
    expect(course_bar).to_have_attribute("value", "8")  # 1 of 12 readings
    expect(page.locator("#progress-week-1")).to_have_attribute("value", "50")
    expect(page.locator("#progress-this-week")).to_have_attribute("value", "50")
    expect(page.get_by_text("1 of 12 readings read")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "cohort-dashboard-en.png"), full_page=True)
    assert_no_axe_violations(page)

    page.goto("/ar/cohorts/cohort-a/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.screenshot(path=str(ARTIFACTS / "cohort-dashboard-ar.png"), full_page=True)
    assert_no_axe_violations(page)


def test_reaching_the_end_of_a_reading_marks_it_read(page, cohort_in_week_1):
    cohort, readings, trainee = cohort_in_week_1
    from courses.factories import EnrolmentFactory

    EnrolmentFactory(cohort=cohort, user=trainee)
    login(page, trainee.email)
    page.clock.install()
    reading = readings[0][1]
    page.goto(f"/en/cohorts/cohort-a/readings/{reading.pk}/")
    page.locator("#reading-end").scroll_into_view_if_needed()
    page.clock.fast_forward(31_000)  # the script waits until the page has been open long enough
    expect(page.locator("#mark-read-status")).to_contain_text("Marked as read.")
    assert ReadingProgress.objects.filter(enrolment__user=trainee, reading=reading).exists()
