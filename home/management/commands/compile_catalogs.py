"""Compile the gettext catalogues (.po -> .mo) in pure Python, so set-up needs no
GNU gettext tools. `make setup` runs it; compiled files are not committed."""

from pathlib import Path

import polib

from django.conf import settings
from django.core.management.base import BaseCommand

SKIP = {".venv", "node_modules", "staticfiles", "test-artifacts", ".git"}


class Command(BaseCommand):
    help = "Compile the project's locale/*/LC_MESSAGES/*.po files (root and apps) into .mo files."

    def handle(self, *args, **options) -> None:
        roots = [Path(p) for p in settings.LOCALE_PATHS]
        # App catalogues (e.g. interop/locale) as well as the project's own.
        roots += [p for p in Path(settings.BASE_DIR).glob("*/locale") if p.parent.name not in SKIP]
        count = 0
        for root in roots:
            for po_path in root.glob("*/LC_MESSAGES/*.po"):
                polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
                count += 1
        self.stdout.write(f"Compiled {count} catalogues.")
