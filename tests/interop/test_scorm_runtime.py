"""The SCORM 1.2 package in Chromium against an independent runtime: scorm-again (from the npm
registry, loaded from a local file) hosted by a small test LMS on loopback. The LMS keeps what
the package commits; a second session resumes from it and completes the module."""

import io
import json
import shutil
import subprocess
import sys
import threading
import zipfile
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from django.urls import reverse

from modules.factories import make_reading, paragraph

HERE = Path(__file__).resolve().parent
JS = HERE / "js"
RUNTIME = JS / "node_modules" / "scorm-again" / "dist" / "scorm12.js"
CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def ensure_scorm_again() -> Path:
    """Install scorm-again from the npm registry into tests/interop/js/node_modules if missing."""
    if not RUNTIME.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail(
                "npm is missing: the SCORM runtime test installs scorm-again from the npm registry. "
                "Install Node.js and npm (apt-get install nodejs npm) and run the test again."
            )
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS, check=True, timeout=300)  # noqa: S603
    assert RUNTIME.exists(), f"npm did not install {RUNTIME}"
    return RUNTIME


class LoopbackLms:
    """Serves the harness, the runtime and the unpacked package; records every commit."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.commits: list[dict] = []
        lms = self

        class Handler(SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(root), **kwargs)

            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path == "/state":
                    body = json.dumps(lms.commits[-1] if lms.commits else {}).encode()
                    return self._json(body)
                return super().do_GET()

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                if self.path.split("?")[0] == "/commit":
                    lms.commits.append(json.loads(self.rfile.read(length) or b"{}"))
                    return self._json(b'{"result": true, "errorCode": 0}')
                self.send_error(HTTPStatus.NOT_FOUND)

            def _json(self, body: bytes):
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def core(self, index: int = -1) -> dict:
        return self.commits[index]["cmi"]["core"]


def run_browser(url: str, phase: str) -> dict:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium).")
    done = subprocess.run(  # noqa: S603
        [sys.executable, str(HERE / "scorm_runner.py"), url, phase],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def long_readings(module):
    """Readings long enough that reaching their end takes scrolling."""
    text = "<p>" + "The court must weigh the evidence against the elements of the offence. " * 12 + "</p>"
    return [
        make_reading(
            module,
            title=f"Reading {n}",
            slug=f"long-reading-{n}",
            passages=0,
            extra_blocks=[paragraph(text) for _ in range(8)],
        )
        for n in range(1, 4)
    ]


@pytest.fixture
def lms(tmp_path, client, long_readings, admin_user):
    runtime = ensure_scorm_again()
    client.force_login(admin_user)
    response = client.get(
        reverse("interop:download_module", args=[long_readings[0].get_parent().pk]),
        {"format": "scorm12", "language": "en"},
    )
    assert response.status_code == HTTPStatus.OK
    with zipfile.ZipFile(io.BytesIO(response.content)) as package:
        package.extractall(tmp_path / "pkg")
    shutil.copy(runtime, tmp_path / "scorm12.js")
    for name in ("harness.html", "harness.js"):
        shutil.copy(HERE / "harness" / name, tmp_path / name)
    server = LoopbackLms(tmp_path)
    yield server
    server.stop()


def test_reading_to_the_end_completes_and_the_lms_keeps_the_suspend_point(lms, long_readings):
    first = run_browser(f"{lms.url}/harness.html", "stop-midway")
    assert first["status_at_start"] == "incomplete"
    assert first["status_before_leaving"] == "incomplete"
    expected = f"r02.html#{first['stopped_at']}"
    assert first["location_before_leaving"] == expected
    assert first["stopped_at"] == f"p-{long_readings[1].body[2].id}"
    # What the LMS stored when the package finished: the suspend point, not yet complete.
    assert lms.commits, "the package committed to the LMS"
    assert lms.core()["lesson_location"] == expected
    assert lms.core()["lesson_status"] == "incomplete"
    assert lms.core()["exit"] == "suspend"

    second = run_browser(f"{lms.url}/harness.html", "resume-and-finish")
    assert second["resumed_at"] == expected
    assert second["status_on_last_page_before_its_end"] == "incomplete"
    assert second["runtime_status"] == "completed"
    assert "Completed" in second["status_text"]
    assert any(commit["cmi"]["core"]["lesson_status"] == "completed" for commit in lms.commits)
    assert lms.core()["lesson_status"] == "completed"
