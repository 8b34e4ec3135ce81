"""Helpers for browser tests: a real daphne process on a free port sharing the test database,
login, axe. The fixtures themselves live in tests/conftest.py so every app's browser tests
share one Chromium (a second sync Playwright in the same thread cannot start)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.db import connection

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """The URL of the test database pytest-django created, for the server process."""
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class DaphneServer:
    def __init__(self, env_extra: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test", "DATABASE_URL": database_url()}
        env.update(env_extra or {})
        ARTIFACTS.mkdir(exist_ok=True)
        self.log = open(ARTIFACTS / f"daphne-{self.port}.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), "lms.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited early; see {self.log.name}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"daphne did not answer within {timeout}s; see {self.log.name}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def assert_no_axe_violations(page, *, impact: tuple[str, ...] = ("serious", "critical")) -> None:
    """Run axe-core (shipped inside axe-playwright-python, no download) on the open page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = [v for v in results.response["violations"] if v["impact"] in impact]
    assert not violations, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
    )


def login(page, email: str, password: str = "pw-for-tests-1") -> None:
    page.goto("/en/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_load_state()


def edit_own_post(page, own, *, before: str, after: str) -> None:
    """The author's walk through the inline editor, as a keyboard user would: Escape cancels
    and gives the focus back to "Edit"; Enter opens it again; an empty save is refused with
    the text kept; the new text is saved and shown. `own` is the post's locator on `page`."""
    from playwright.sync_api import expect

    own.get_by_role("link", name="Edit").click()
    editor = own.get_by_role("textbox", name="Edit your post")
    expect(editor).to_have_value(before)
    expect(editor).to_be_focused()
    editor.press("Escape")
    expect(editor).to_have_count(0)
    expect(own.get_by_role("link", name="Edit")).to_be_focused()

    own.get_by_role("link", name="Edit").press("Enter")
    editor = own.get_by_role("textbox", name="Edit your post")
    expect(editor).to_be_focused()
    assert_no_axe_violations(page)
    editor.fill("   ")
    own.get_by_role("button", name="Save").click()
    expect(own.locator(".post-editor [role=alert]")).to_contain_text("Write something")
    editor.fill(after)
    own.get_by_role("button", name="Save").click()
    expect(editor).to_have_count(0)
