"""The results dashboard in Chromium: charts and tables render, a filter applies, a figure
leads to its records, the printable report fits one A4 page, and axe finds nothing serious."""

import re

import pytest
from playwright.sync_api import expect

from home.services import ensure_site_home
from modules.factories import CurriculumIndexPageFactory, ModulePageFactory
from tests.browser.conftest import ARTIFACTS, assert_no_axe_violations, login
from tests.reports.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    # Transactional tests flush the database: build everything here, site root included.
    curriculum = CurriculumIndexPageFactory(parent=ensure_site_home())
    curriculum.save_revision().publish()
    module = ModulePageFactory(parent=curriculum, title="Foundations", slug="foundations")
    module.save_revision().publish()
    return build_world(module)


def kpi(browser_page, term: str):
    return (
        browser_page.locator(".kpis > div")
        .filter(has=browser_page.get_by_text(term, exact=True))
        .locator("dd")
    )


def test_manager_reads_the_dashboard_filters_it_and_prints_a_report(page, world):  # noqa: F811
    login(page, world.users["manager"].email)
    page.goto("/en/")
    page.get_by_role("link", name="Results").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Results")

    # Charts (server-rendered SVG) and the tables beside them.
    charts = page.locator("svg.chart[role=img]")
    assert charts.count() >= 10
    expect(page.locator("#table-weeks tbody tr")).to_have_count(2)
    expect(page.locator("#table-cohorts tbody tr")).to_have_count(4)
    expect(kpi(page, "Enrolled")).to_have_text("7")
    expect(kpi(page, "Officials trained")).to_have_text("4")
    assert_no_axe_violations(page)

    # A filter is a plain GET form.
    page.get_by_role("form", name="Filters").get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/en/reports/\?.*language=fr"))
    expect(page.locator("#table-cohorts tbody tr")).to_have_count(1)
    expect(page.locator("#table-cohorts tbody tr th")).to_have_text("Cohort A2")
    expect(kpi(page, "Enrolled")).to_have_text("2")
    page.screenshot(path=str(ARTIFACTS / "reports-dashboard-filtered.png"), full_page=True)

    # The figure leads to the records behind it, with the filter kept.
    kpi(page, "Enrolled").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enrolments")
    expect(page.get_by_text("2 records behind the figure.")).to_be_visible()
    expect(page.locator("table.report-table tbody tr")).to_have_count(2)
    assert_no_axe_violations(page)

    # The printable report for this selection fits on one A4 sheet.
    page.goto("/en/reports/print/?language=fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Results report")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1
    page.emulate_media(media="screen")
    assert_no_axe_violations(page)


def test_institution_admin_sees_own_cohorts_in_arabic(page, world):  # noqa: F811
    login(page, world.users["admin_a"].email)
    page.goto("/ar/reports/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    rows = page.locator("#table-cohorts tbody tr th")
    expect(rows).to_have_count(2)
    expect(page.get_by_text("Zed Secret")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "reports-dashboard-ar.png"), full_page=True)
    assert_no_axe_violations(page)
