import pytest

from home.services import ensure_site_home
from modules.factories import CurriculumIndexPageFactory, ModulePageFactory


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
