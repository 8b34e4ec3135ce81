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
    attacker, reader = user("attacker@example.org"), user("reader@example.org")
    enrol(attacker, cohort)
    enrol(reader, cohort, Enrolment.Role.TRAINEE)

    page = new_context().new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login(page, "reader@example.org")
    page.goto(f"/en/cohorts/{cohort.slug}/room/")
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "live")

    general = cohort.space.threads.get(kind="general")
    # Posted while the reader's page is open: the live path inserts the server-sanitised HTML.
    for n, payload in enumerate(PAYLOADS):
        services.post_create(user=attacker, thread=general, body=payload, client_msg_id=f"h{n}")
    expect(page.locator("#posts .post")).to_have_count(len(PAYLOADS))
    for link in page.locator("#posts a").all():
        href = link.get_attribute("href") or ""
        assert not href.lower().startswith(("javascript:", "data:")), href
    assert page.evaluate("() => window.__pwned") is None
    page.reload()
    expect(page.locator("#posts .post")).to_have_count(len(PAYLOADS))
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("#posts script, #posts iframe, #posts svg, #posts img").count() == 0
    assert dialogs == []
