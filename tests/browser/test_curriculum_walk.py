import re

import pytest
from playwright.sync_api import expect

from home.services import ensure_site_home
from modules.factories import (
    CurriculumIndexPageFactory,
    GlossaryTermFactory,
    ModulePageFactory,
    make_reading,
    paragraph,
)
from tests.browser.conftest import ARTIFACTS, assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def small_curriculum():
    home = ensure_site_home()
    curriculum = CurriculumIndexPageFactory(parent=home)
    curriculum.save_revision().publish()
    module = ModulePageFactory(parent=curriculum, title="International cooperation", slug="cooperation")
    module.save_revision().publish()
    GlossaryTermFactory(slug="dual-criminality", term="Dual criminality", definition="Both states punish it.")
    extradition = make_reading(module, title="Extradition", slug="extradition", passages=5)
    assistance = make_reading(
        module,
        title="Mutual legal assistance",
        slug="mutual-legal-assistance",
        passages=0,
        extra_blocks=[
            paragraph("<p>Requests for evidence travel through central authorities.</p>"),
            paragraph(
                f'<p>Compare <a linktype="page" id="{extradition.pk}">extradition</a> and '
                '<a href="/glossary/dual-criminality/">dual criminality</a>.</p>'
            ),
        ],
    )
    return module, extradition, assistance


def test_walk_home_module_reading_and_follow_a_hypertext_link(page, small_curriculum):
    module, extradition, assistance = small_curriculum
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/en/$"))
    assert_no_axe_violations(page)

    page.get_by_role("link", name="International cooperation").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("International cooperation")
    page.get_by_role("link", name="Mutual legal assistance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mutual legal assistance")
    assert_no_axe_violations(page)

    # Every passage carries its block UUID as its anchor.
    anchors = page.locator(".reading-body > .passage").evaluate_all("els => els.map(e => e.id)")
    assert anchors == [f"p-{block.id}" for block in assistance.body]

    page.get_by_role("link", name="extradition", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Extradition")
    # The reading we came from is listed under "Cited by", from Wagtail's reference index.
    expect(page.locator(".cited-by")).to_contain_text("Mutual legal assistance")

    # A deep link to a passage lands on it and highlights it (CSS :target).
    third = extradition.body[2].id
    page.goto(f"{extradition.url}#p-{third}")
    target = page.locator(f"#p-{third}")
    expect(target).to_be_visible()
    assert page.evaluate("() => location.hash") == f"#p-{third}"
    background = target.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background != "rgba(0, 0, 0, 0)"
    page.screenshot(path=str(ARTIFACTS / "reading-en.png"), full_page=True)


def test_glossary_popover_opens_is_announced_and_closes_with_escape(page, small_curriculum):
    _module, _extradition, assistance = small_curriculum
    page.goto(assistance.url)
    link = page.locator("a.term-link")
    link.focus()
    page.keyboard.press("Enter")
    popover = page.get_by_role("dialog", name="Dual criminality")
    expect(popover).to_be_visible()
    expect(popover).to_contain_text("Both states punish it.")
    expect(popover).to_be_focused()
    assert link.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    expect(popover).to_have_count(0)
    expect(link).to_be_focused()
