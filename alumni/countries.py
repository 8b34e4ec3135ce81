"""Country names for the directory, in the active language (pycountry's ISO 3166 catalogues)."""

import gettext
from functools import cache

import pycountry

from django.utils.translation import get_language

_LOCALES = {"zh-hans": "zh_CN", "zh-hant": "zh_TW"}


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    locale = _LOCALES.get(language, language.split("-")[0])
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale], fallback=True)


@cache
def _english() -> dict[str, str]:
    return {c.alpha_2: getattr(c, "common_name", None) or c.name for c in pycountry.countries}


def country_name(code: str) -> str:
    """The name in the active language; the code itself when it is not a known country."""
    english = _english().get((code or "").upper())
    if not english:
        return code or ""
    return _catalogue(get_language() or "en").gettext(english)


def country_choices(codes: list[str] | None = None) -> list[tuple[str, str]]:
    """(code, name) sorted by name in the active language; every country, or only `codes`."""
    pool = codes if codes is not None else list(_english())
    return sorted(((code, country_name(code)) for code in pool), key=lambda item: item[1].casefold())
