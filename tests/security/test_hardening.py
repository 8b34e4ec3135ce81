import os
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from modules.factories import make_reading
from modules.models import ReadingPage

ROOT = Path(__file__).resolve().parents[2]


def test_production_settings_pass_check_deploy_with_no_warnings():
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL", "REDIS_URL"}},
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "SECRET_KEY": "k" + "9Xq#vR2!mZ7@pL4$wT8^nB1&cF6*hJ3(dS5)gK0_eY".replace(" ", "") * 2,
        "ALLOWED_HOSTS": "legis.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_public_pages_carry_a_strict_content_security_policy(client, home):
    response = client.get("/en/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_no_inline_scripts_on_public_pages(client, module):
    reading = make_reading(module, passages=2)
    for url in ("/en/", reading.url, "/en/glossary/", "/en/accounts/login/"):
        page = BeautifulSoup(client.get(url).content, "html.parser")
        for script in page.find_all("script"):
            assert script.get("src") or script.get("type") == "application/json", (url, script)


@pytest.fixture
def exhibit_reading(module):
    return make_reading(
        module,
        title="Evidence in propaganda cases",
        passages=1,
        extra_blocks=[
            {
                "type": "sensitive_exhibit",
                "value": {
                    "warning": "Violent extremist video transcript",
                    "description": "A recruitment video seized in a fictional case.",
                    "image": None,
                    "transcript": "Zxqvbn slogan recited in the video",
                },
            }
        ],
    )


@pytest.mark.django_db
def test_sensitive_exhibit_is_behind_a_warning_never_cached_and_never_searchable(client, exhibit_reading):
    response = client.get(exhibit_reading.url)
    assert "no-store" in response["Cache-Control"]
    page = BeautifulSoup(response.content, "html.parser")
    gate = page.select_one(".exhibit details.exhibit__gate")
    assert gate is not None and not gate.has_attr("open")
    assert "Violent extremist video transcript" in gate.select_one("summary").get_text()
    search = client.get("/en/search/", {"q": "Zxqvbn"})
    assert b"Evidence in propaganda cases" not in search.content
    assert not ReadingPage.objects.search("Zxqvbn")


@pytest.mark.django_db
def test_pages_without_exhibits_stay_cacheable(client, module):
    reading = make_reading(module, passages=1)
    assert "no-store" not in client.get(reading.url).get("Cache-Control", "")


@pytest.mark.django_db
def test_documents_download_as_attachments(settings):
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"
    assert settings.WAGTAILDOCS_INLINE_CONTENT_TYPES == []
    assert "svg" not in settings.WAGTAILIMAGES_EXTENSIONS
