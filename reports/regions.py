"""Countries and the United Nations geoscheme (M49): country code → sub-region → region.

`Enrolment.country` holds an ISO 3166-1 alpha-2 code. Names come from pycountry,
translated through its own gettext catalogues into the page's language.
"""

import gettext
from functools import cache

import pycountry

from django.db.models import Case, CharField, Q, Value, When
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

REGIONS = {
    "002": _("Africa"),
    "019": _("Americas"),
    "142": _("Asia"),
    "150": _("Europe"),
    "009": _("Oceania"),
}
UNKNOWN_REGION = ""

# sub-region code → (region code, name, member countries)
SUBREGIONS: dict[str, tuple[str, object, str]] = {
    "015": ("002", _("Northern Africa"), "DZ EG EH LY MA SD TN"),
    "011": ("002", _("Western Africa"), "BF BJ CI CV GH GM GN GW LR ML MR NE NG SH SL SN TG"),
    "017": ("002", _("Middle Africa"), "AO CD CF CG CM GA GQ ST TD"),
    "014": ("002", _("Eastern Africa"), "BI DJ ER ET KE KM MG MU MW MZ RE RW SC SO SS TZ UG YT ZM ZW"),
    "018": ("002", _("Southern Africa"), "BW LS NA SZ ZA"),
    "029": (
        "019",
        _("Caribbean"),
        "AG AI AW BB BL BQ BS CU CW DM DO GD GP HT JM KN KY LC MF MQ MS PR SX TC TT VC VG VI",
    ),
    "013": ("019", _("Central America"), "BZ CR GT HN MX NI PA SV"),
    "005": ("019", _("South America"), "AR BO BR CL CO EC FK GF GY PE PY SR UY VE"),
    "021": ("019", _("Northern America"), "BM CA GL PM US"),
    "143": ("142", _("Central Asia"), "KG KZ TJ TM UZ"),
    "030": ("142", _("Eastern Asia"), "CN HK JP KP KR MN MO TW"),
    "035": ("142", _("South-eastern Asia"), "BN ID KH LA MM MY PH SG TH TL VN"),
    "034": ("142", _("Southern Asia"), "AF BD BT IN IR LK MV NP PK"),
    "145": ("142", _("Western Asia"), "AE AM AZ BH CY GE IL IQ JO KW LB OM PS QA SA SY TR YE"),
    "151": ("150", _("Eastern Europe"), "BG BY CZ HU MD PL RO RU SK UA"),
    "154": ("150", _("Northern Europe"), "AX DK EE FI FO GB GG IE IM IS JE LT LV NO SE SJ"),
    "039": ("150", _("Southern Europe"), "AD AL BA ES GI GR HR IT ME MK MT PT RS SI SM VA XK"),
    "155": ("150", _("Western Europe"), "AT BE CH DE FR LI LU MC NL"),
    "053": ("009", _("Australia and New Zealand"), "AU NF NZ"),
    "054": ("009", _("Melanesia"), "FJ NC PG SB VU"),
    "057": ("009", _("Micronesia"), "FM GU KI MH MP NR PW"),
    "061": ("009", _("Polynesia"), "AS CK NU PF PN TK TO TV WF WS"),
}

COUNTRY_SUBREGION: dict[str, str] = {
    country: code for code, (_region, _name, members) in SUBREGIONS.items() for country in members.split()
}
COUNTRY_REGION: dict[str, str] = {country: SUBREGIONS[code][0] for country, code in COUNTRY_SUBREGION.items()}


def countries_in_region(region: str) -> list[str]:
    return sorted(c for c, r in COUNTRY_REGION.items() if r == region)


def region_of(country: str) -> str:
    return COUNTRY_REGION.get((country or "").upper(), UNKNOWN_REGION)


def region_name(region: str) -> str:
    return str(REGIONS.get(region, _("Region not known")))


def subregion_name(country: str) -> str:
    code = COUNTRY_SUBREGION.get((country or "").upper())
    return str(SUBREGIONS[code][1]) if code else ""


def region_expression(field: str = "country") -> Case:
    """The M49 region of a country field, computed in the database (so counts group there)."""
    return Case(
        *[When(Q(**{f"{field}__in": countries_in_region(code)}), then=Value(code)) for code in REGIONS],
        default=Value(UNKNOWN_REGION),
        output_field=CharField(),
    )


_PYCOUNTRY_LOCALES = {"zh-hans": "zh_CN", "zh-hant": "zh_TW"}


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    locale = _PYCOUNTRY_LOCALES.get(language, language.split("-")[0])
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale], fallback=True)


@cache
def _english_name(code: str) -> str:
    if code == "XK":
        return "Kosovo"
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return ""
    return getattr(country, "common_name", None) or country.name


def country_name(code: str) -> str:
    """The country's name in the active language; the code itself if it is not a known country."""
    code = (code or "").upper()
    if not code:
        return str(_("Not given"))
    english = _english_name(code)
    if not english:
        return code
    return _catalogue(get_language() or "en").gettext(english)
