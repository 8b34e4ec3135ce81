import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from home.services import ensure_site_home
from modules.factories import CurriculumIndexPageFactory, ModulePageFactory
from tests.browser.conftest import CHROMIUM, DaphneServer


def pytest_report_header(config: pytest.Config) -> list[str]:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]
    tier = "services" if engine == "postgresql" and "Redis" in layer else "embedded"
    return [f"Legis test tier: {tier} (database: {engine}, channel layer: {layer})"]


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters live in the cache (Redis on the service tier): start each test clean."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def home(db):
    return ensure_site_home()


@pytest.fixture
def curriculum(home):
    return CurriculumIndexPageFactory(parent=home)


@pytest.fixture
def module(curriculum):
    page = ModulePageFactory(parent=curriculum, title="Foundations", slug="foundations")
    page.save_revision().publish()
    return page


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API keeps an event loop running in this
    thread from its first use, and async tests (consumers) cannot run after that."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


# ---- browser fixtures: one Chromium and one daphne for the whole session ----
@pytest.fixture(scope="session")
def daphne_server(django_db_setup, django_db_blocker) -> Iterator[DaphneServer]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium).")
    server = DaphneServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; Django's ORM
    # calls made by the tests themselves are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def new_context(browser, daphne_server):
    contexts = []

    def make(**kwargs):
        context = browser.new_context(base_url=daphne_server.url, **kwargs)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()
