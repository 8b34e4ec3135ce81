"""Hostile HTML posted through the real stack never runs in a reader's browser."""

import pytest
from playwright.sync_api import expect

from courses.models import Enrolment
from forums import services
from home.services import ensure_site_home
from tests.browser.conftest import login
from tests.forums.conftest import enrol, make_cohort, user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOADS = [
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 2">',
    "[click](javascript:window.__pwned=3)",
    '<svg onload="window.__pwned = 4"></svg>',
    '<a href="javascript:window.__pwned=5">x</a>',
    '<iframe srcdoc="<script>parent.__pwned=6</script>"></iframe>',
    '<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned=7">',
]


def test_hostile_posts_run_no_script_live_or_on_reload(new_context):
    ensure_site_home()
    cohort = make_cohort("hostile")
    services.cohort_space_ensure(cohort)
    enrol(user("attacker@example.org"), cohort)
    enrol(user("reader@example.org"), cohort, Enrolment.Role.TRAINEE)

    pages = {}
    dialogs: list[str] = []
    for who in ("attacker", "reader"):
        page = new_context().new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        login(page, f"{who}@example.org")
        page.goto(f"/en/cohorts/{cohort.slug}/room/")
        expect(page.locator("#connection-state")).to_have_attribute("data-state", "live")
        pages[who] = page
    attacker, reader = pages["attacker"], pages["reader"]

    # Posted through the real socket while the reader's page is open: the live path.
    for n, payload in enumerate(PAYLOADS):
        attacker.fill("#composer textarea[name=body]", f"case {n}: {payload}")
        attacker.click("#composer button[type=submit]")
        expect(reader.locator("#posts .post", has_text=f"case {n}:")).to_have_count(1)
    for page in (reader, attacker):
        assert page.evaluate("() => window.__pwned") is None
        for link in page.locator("#posts a").all():
            href = (link.get_attribute("href") or "").strip().lower()
            assert not href.startswith(("javascript:", "data:", "vbscript:")), href
        assert page.locator("#posts script, #posts iframe, #posts svg, #posts img, #posts style").count() == 0
    reader.reload()
    expect(reader.locator("#posts .post")).to_have_count(len(PAYLOADS))
    assert reader.evaluate("() => window.__pwned") is None
    assert reader.locator("#posts script, #posts iframe, #posts svg, #posts img").count() == 0
    assert dialogs == []
