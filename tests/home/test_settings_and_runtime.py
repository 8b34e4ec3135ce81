import os
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_settings(module: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": module, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_settings("lms.settings.production", ALLOWED_HOSTS="legis.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_settings("lms.settings.production", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_debug_off_when_configured():
    result = run_settings("lms.settings.production", SECRET_KEY="x" * 50, ALLOWED_HOSTS="legis.example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_base_settings_are_safe_by_default():
    result = run_settings("lms.settings.base")
    assert result.stdout.strip() == "False"


@pytest.mark.django_db
def test_healthz_answers(client):
    assert client.get("/healthz").status_code == HTTPStatus.OK


def test_asgi_wraps_websockets_in_origin_and_auth_checks():
    from channels.security.websocket import OriginValidator

    from lms.asgi import application

    websocket_app = application.application_mapping["websocket"]
    assert isinstance(websocket_app, OriginValidator)
