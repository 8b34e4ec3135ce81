"""The five non-English catalogues are complete for every string the platform shows:
none missing, empty or fuzzy — checked against a fresh extraction from the source."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
LANGS = ["ar", "zh_Hans", "fr", "ru", "es"]
DOMAINS = ["django", "djangojs"]
SKIP_DIRS = {
    ".venv",
    ".git",
    "staticfiles",
    "test-artifacts",
    "tests",
    "bench",
    "deploy",
    "node_modules",
    "media",
}


def catalogue_paths(lang: str, domain: str) -> list[Path]:
    """The project's catalogue and any app's own (e.g. interop/locale)."""
    paths = [ROOT / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"]
    paths += sorted(ROOT.glob(f"*/locale/{lang}/LC_MESSAGES/{domain}.po"))
    return [p for p in paths if p.exists() and ".venv" not in p.parts]


def key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("domain", DOMAINS)
def test_no_untranslated_or_fuzzy_entries(lang, domain):
    for path in catalogue_paths(lang, domain):
        po = polib.pofile(str(path))
        assert len(po) > 0
        assert [e.msgid for e in po.untranslated_entries()] == [], path
        assert [e.msgid for e in po.fuzzy_entries()] == [], path
        for entry in po.translated_entries():
            if entry.msgid_plural:
                assert all(entry.msgstr_plural.values()), (path, entry.msgid)


@pytest.fixture(scope="module")
def fresh_extraction(tmp_path_factory) -> dict[str, set]:
    if not shutil.which("xgettext"):
        pytest.fail("GNU gettext (xgettext) is needed to check the catalogues: apt-get install gettext")
    copy = tmp_path_factory.mktemp("source")
    for item in ROOT.iterdir():
        if item.name in SKIP_DIRS or item.name.startswith("."):
            continue
        if item.is_dir():
            shutil.copytree(item, copy / item.name, ignore=shutil.ignore_patterns("node_modules", "*.mo"))
        else:
            shutil.copy2(item, copy / item.name)
    # Extract everything into one fresh catalogue: drop every committed locale folder.
    for folder in [copy / "locale", *copy.glob("*/locale")]:
        shutil.rmtree(folder)
    (copy / "locale").mkdir()
    extracted: dict[str, set] = {}
    for domain in DOMAINS:
        args = [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "fr",
            "-d",
            domain,
            "--no-obsolete",
            "--ignore=interop/package_assets/*",
        ]
        subprocess.run(
            args,
            cwd=copy,
            check=True,
            capture_output=True,
            timeout=300,
            env={"DJANGO_SETTINGS_MODULE": "lms.settings.test", "PATH": "/usr/bin:/bin"},
        )
        po = polib.pofile(str(copy / "locale" / "fr" / "LC_MESSAGES" / f"{domain}.po"))
        extracted[domain] = {key(e) for e in po if e.msgid}
    return extracted


@pytest.mark.parametrize("domain", DOMAINS)
def test_catalogues_hold_every_string_in_the_source(fresh_extraction, domain):
    for lang in LANGS:
        committed = {
            key(e)
            for path in catalogue_paths(lang, domain)
            for e in polib.pofile(str(path)).translated_entries()
        }
        missing = sorted(m for _ctx, m in fresh_extraction[domain] - committed)
        assert missing == [], f"{lang}/{domain}: run `make messages` and translate: {missing[:20]}"


def test_languages_are_the_six_un_languages():
    assert [code for code, _ in settings.LANGUAGES] == ["ar", "zh-hans", "en", "fr", "ru", "es"]
