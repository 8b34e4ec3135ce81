"""An institution admin nominates an official in a real browser and sees the nomination listed."""

import re

import pytest
from playwright.sync_api import expect

from academies.models import Nomination
from courses.factories import (
    CohortFactory,
    CourseFactory,
    InstitutionFactory,
    TutorFactory,
    UserFactory,
    start_for_week,
)
from home.services import ensure_site_home
from tests.browser.conftest import ARTIFACTS, assert_no_axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def academy_cohort():
    # Transactional tests flush the database: build everything here, site root included.
    ensure_site_home()
    academy = InstitutionFactory(name="National Judicial Academy", country="KE")
    admin = UserFactory(email="academy@example.org", display_name="Academy admin")
    academy.admins.add(admin)
    cohort = CohortFactory(
        course=CourseFactory(title="International cooperation"),
        institution=academy,
        title="Cooperation, academy cohort",
        slug="academy-cohort",
        start_date=start_for_week(-1),
    )
    TutorFactory(cohort=cohort, user=UserFactory(email="tutor@example.org"))
    return academy, admin, cohort


def test_institution_admin_nominates_an_official_and_sees_it_listed(page, academy_cohort):
    academy, admin, cohort = academy_cohort
    login(page, admin.email)

    page.goto("/en/academies/")
    page.get_by_role("link", name="National Judicial Academy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("National Judicial Academy")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=re.compile(r"^Nominations")).click()
    expect(page).to_have_url(re.compile(r"/en/academies/cohorts/academy-cohort/nominations/$"))
    expect(page.get_by_text("No nominations yet.")).to_be_visible()

    page.get_by_label("Full name").fill("Wanjiku Mwangi")
    page.get_by_label("E-mail address").fill("wanjiku@example.org")
    page.get_by_label("Professional role").fill("Senior state counsel")
    page.get_by_label("Agency", exact=True).fill("Office of the Director of Public Prosecutions")
    page.get_by_role("button", name="Nominate").click()

    expect(page.get_by_text("Wanjiku Mwangi was nominated. The cohort's tutors will decide.")).to_be_visible()
    row = page.locator(".nominations-table tbody tr").filter(has_text="Wanjiku Mwangi")
    expect(row).to_contain_text("wanjiku@example.org")
    expect(row).to_contain_text("Senior state counsel")
    expect(row).to_contain_text("Awaiting decision")
    expect(row.get_by_role("button", name=re.compile("Withdraw"))).to_be_visible()
    assert Nomination.objects.get().nominated_by == admin
    page.screenshot(path=str(ARTIFACTS / "academies-nominations-en.png"), full_page=True)
    assert_no_axe_violations(page)

    page.goto("/ar/academies/cohorts/academy-cohort/nominations/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator(".nominations-table")).to_contain_text("Wanjiku Mwangi")
    page.screenshot(path=str(ARTIFACTS / "academies-nominations-ar.png"), full_page=True)
    assert_no_axe_violations(page)
