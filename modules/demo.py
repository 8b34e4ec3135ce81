"""Loads the demo curriculum from `modules/demo_content/*.json` (see FORMAT.md there).

Idempotent: objects are found by slug, so a second run creates nothing and
leaves any editor's later changes alone. Block ids are derived from the
reading's slug and position, so a fresh install has the same anchors as any
other and deep links in the README and the tests stay valid.
"""

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction

from wagtail.models import Locale

from home.services import ensure_site_home

from .models import (
    CaseDigest,
    CurriculumIndexPage,
    GlossaryTerm,
    LegalInstrument,
    ModulePage,
    ReadingPage,
)

CONTENT_DIR = Path(__file__).resolve().parent / "demo_content"
MODULE_ORDER = [
    "foundations",
    "terrorist-financing",
    "cbrn-terrorism",
    "maritime-and-civil-aviation",
    "terrorist-use-of-the-internet",
]
BLOCK_NAMESPACE = uuid.UUID("6f1d7a52-3c1e-4f0e-9a57-1b2c3d4e5f60")
# translations/<lang>/<name>: translated snippets, in the order they load (cases need instruments),
# with the text fields a translation carries; the other fields come from English.
SNIPPET_TRANSLATIONS: dict[str, tuple[type, tuple[str, ...]]] = {
    "instruments.json": (LegalInstrument, ("title", "short_title", "depositary", "summary")),
    "glossary.json": (GlossaryTerm, ("term", "definition")),
    "cases.json": (CaseDigest, ("title", "jurisdiction", "facts", "holding")),
}
_INLINE_LINK = re.compile(r"""<a\s+(reading|term|instrument|case)=["']([a-z0-9/-]+)["']\s*>""")


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1


def _read(name: str) -> list | dict:
    return json.loads((CONTENT_DIR / name).read_text(encoding="utf-8"))


def block_id(reading_slug: str, position: int) -> str:
    return str(uuid.uuid5(BLOCK_NAMESPACE, f"{reading_slug}:{position}"))


def ensure_locales() -> None:
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)


def load_snippets(locale: Locale, report: LoadReport) -> None:
    for row in _read("instruments.json"):
        _, created = LegalInstrument.objects.get_or_create(
            slug=row["slug"],
            locale=locale,
            defaults={
                "title": row["title"],
                "short_title": row.get("short_title", ""),
                "year": row["year"],
                "depositary": row["depositary"],
                "entry_into_force": date.fromisoformat(row["entry_into_force"])
                if row.get("entry_into_force")
                else None,
                "summary": row.get("summary", ""),
            },
        )
        if created:
            report.count("instrument")
    for row in _read("glossary.json"):
        _, created = GlossaryTerm.objects.get_or_create(
            slug=row["slug"],
            locale=locale,
            defaults={"term": row["term"], "definition": row["definition"]},
        )
        if created:
            report.count("glossary term")
    instruments = {i.slug: i for i in LegalInstrument.objects.filter(locale=locale)}
    for row in _read("cases.json"):
        if CaseDigest.objects.filter(slug=row["slug"], locale=locale).exists():
            continue
        case = CaseDigest(
            slug=row["slug"],
            locale=locale,
            title=row["title"],
            jurisdiction=row["jurisdiction"],
            year=row["year"],
            facts=row["facts"],
            holding=row["holding"],
        )
        case.instruments.set([instruments[s] for s in row.get("instruments", []) if s in instruments])
        case.save()
        report.count("case digest")


def _link_html(text: str, reading_ids: dict[str, int], where: str) -> str:
    def replace(match: re.Match[str]) -> str:
        kind, slug = match.group(1), match.group(2)
        if kind == "reading":
            page_id = reading_ids.get(slug)
            if page_id is None:
                raise ValueError(f"{where}: link to unknown reading {slug!r}")
            return f'<a linktype="page" id="{page_id}">'
        prefix = {"term": "glossary", "instrument": "instruments", "case": "cases"}[kind]
        return f'<a href="/{prefix}/{slug}/">'

    return _INLINE_LINK.sub(replace, text)


def _body(reading: dict, reading_ids: dict[str, int], snippets: dict) -> list[dict]:
    body = []
    for position, block in enumerate(reading["blocks"]):
        kind = block["type"]
        value: object
        if kind == "heading":
            value = block["text"]
        elif kind == "paragraph":
            value = "<p>" + _link_html(block["text"], reading_ids, reading["slug"]) + "</p>"
        elif kind == "quotation":
            value = {"text": block["text"], "attribution": block.get("attribution", "")}
        elif kind == "case_study":
            case = snippets["case"].get(block["case"])
            if case is None:
                raise ValueError(f"{reading['slug']}: unknown case {block['case']!r}")
            value = {"case": case.pk, "prompt": block["prompt"]}
        elif kind == "instrument":
            instrument = snippets["instrument"].get(block["instrument"])
            if instrument is None:
                raise ValueError(f"{reading['slug']}: unknown instrument {block['instrument']!r}")
            value = {"instrument": instrument.pk, "note": block.get("note", "")}
        elif kind == "key_points":
            value = {"points": block["points"]}
        else:
            raise ValueError(f"{reading['slug']}: unknown block type {kind!r}")
        body.append({"type": kind, "value": value, "id": block_id(reading["slug"], position)})
    return body


@transaction.atomic
def load_curriculum() -> LoadReport:
    report = LoadReport()
    ensure_locales()
    locale = Locale.get_default()
    home = ensure_site_home()
    load_snippets(locale, report)
    snippets = {
        "case": {c.slug: c for c in CaseDigest.objects.filter(locale=locale)},
        "instrument": {i.slug: i for i in LegalInstrument.objects.filter(locale=locale)},
    }

    curriculum = CurriculumIndexPage.objects.child_of(home).first()
    if curriculum is None:
        curriculum = home.add_child(
            instance=CurriculumIndexPage(
                title="Curriculum",
                slug="curriculum",
                intro=(
                    "<p>A foundations module on the universal instruments, the rule of law and "
                    "international cooperation, and four thematic modules. Each module is a set "
                    "of readings you discuss passage by passage with your cohort.</p>"
                ),
            )
        )
        report.count("curriculum")

    modules = [_read(f"{slug}.json") for slug in MODULE_ORDER if (CONTENT_DIR / f"{slug}.json").exists()]
    new_readings: list[tuple[ReadingPage, dict]] = []
    for data in modules:
        module = ModulePage.objects.child_of(curriculum).filter(slug=data["slug"]).first()
        if module is None:
            module = curriculum.add_child(
                instance=ModulePage(
                    title=data["title"],
                    slug=data["slug"],
                    theme=data["theme"],
                    summary=data["summary"],
                    learning_outcomes="\n".join(data.get("learning_outcomes", [])),
                    study_hours=data.get("study_hours", 4),
                )
            )
            module.instruments.set(
                [
                    snippets["instrument"][s]
                    for s in data.get("instruments", [])
                    if s in snippets["instrument"]
                ]
            )
            module.save()
            report.count("module")
        for reading in data["readings"]:
            if ReadingPage.objects.child_of(module).filter(slug=reading["slug"]).exists():
                continue
            # First pass: the page exists so that other readings can link to it.
            page = module.add_child(
                instance=ReadingPage(
                    title=reading["title"],
                    slug=reading["slug"],
                    intro=reading.get("intro", ""),
                    estimated_minutes=reading.get("estimated_minutes", 20),
                    body=[],
                )
            )
            new_readings.append((page, reading))
            report.count("reading")

    reading_ids = {
        f"{page.get_parent().slug}/{page.slug}": page.pk
        for page in ReadingPage.objects.descendant_of(curriculum).filter(locale=locale)
    }
    for page, reading in new_readings:
        page.body = _body(reading, reading_ids, snippets)
        page.save_revision().publish()
    return report


# Home and curriculum wording per language (original, short); modules and readings come from
# modules/demo_content/translations/<lang>/.
SITE_WORDING = {
    "ar": ("ليجيس", "تدريب موظفي العدالة الجنائية على الإطار القانوني الدولي لمكافحة الإرهاب.", "المنهج"),
    "zh-hans": ("Legis", "为刑事司法官员提供关于打击恐怖主义国际法律框架的培训。", "课程"),
    "fr": (
        "Legis",
        "Formation des professionnels de la justice pénale au cadre juridique international "
        "contre le terrorisme.",
        "Programme",
    ),
    "ru": (
        "Legis",
        "Обучение сотрудников системы уголовного правосудия международно-правовым основам "
        "борьбы с терроризмом.",
        "Учебная программа",
    ),
    "es": (
        "Legis",
        "Formación de profesionales de la justicia penal en el marco jurídico internacional "
        "contra el terrorismo.",
        "Plan de estudios",
    ),
}


def _translated(page, locale: Locale, **fields: object):
    """The page's translation in `locale`, made (with its ancestors) and published if missing."""
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific, False
    copy = page.copy_for_translation(locale, copy_parents=True, alias=False).specific
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save_revision().publish()
    return copy, True


def load_snippet_translations(lang_dir: Path, locale: Locale, report: LoadReport) -> None:
    """Translations of the English snippets from lang_dir's glossary/instruments/cases.json.

    Each is a copy of the English snippet (same translation_key) with the translated text; a
    missing file leaves that kind in English, a snippet already in `locale` is left alone.
    """
    default = Locale.get_default()
    for name, (model, fields) in SNIPPET_TRANSLATIONS.items():
        path = lang_dir / name
        if not path.exists():
            continue
        originals = {obj.slug: obj for obj in model.objects.filter(locale=default)}
        existing = model.objects.filter(locale=locale)
        done_keys = set(existing.values_list("translation_key", flat=True))
        done_slugs = set(existing.values_list("slug", flat=True))
        # A case cites the instruments in its own language where they exist.
        instruments = (
            {i.translation_key: i for i in LegalInstrument.objects.filter(locale=locale)}
            if model is CaseDigest
            else {}
        )
        for row in json.loads(path.read_text(encoding="utf-8")):
            original = originals.get(row["slug"])
            if original is None:
                raise ValueError(f"{lang_dir.name}/{name}: unknown slug {row['slug']!r}")
            if original.translation_key in done_keys or original.slug in done_slugs:
                continue
            copy = original.copy_for_translation(locale)
            for field_name in fields:
                if row.get(field_name):  # an empty field keeps the English wording
                    setattr(copy, field_name, row[field_name])
            if model is CaseDigest:
                copy.instruments.set(
                    [instruments.get(i.translation_key, i) for i in original.instruments.all()]
                )
            copy.full_clean()
            copy.save()
            # By file name: verbose_name is lazy and would follow whatever language is active.
            report.count(f"{lang_dir.name} {name.removesuffix('.json')}")


def _snippets_for(locale: Locale) -> dict[str, dict]:
    """Cases and instruments by slug for reading blocks: `locale`'s where translated, else English."""
    snippets: dict[str, dict] = {}
    for kind, model in (("case", CaseDigest), ("instrument", LegalInstrument)):
        objects = model.objects.filter(locale__in=[Locale.get_default(), locale]).order_by("slug")
        by_slug: dict[str, object] = {}
        for obj in objects:
            if obj.slug not in by_slug or obj.locale_id == locale.pk:
                by_slug[obj.slug] = obj
        snippets[kind] = by_slug
    return snippets


@transaction.atomic
def load_translations() -> LoadReport:
    """Translated snippets, modules and readings from demo_content/translations/<lang>/*.json.

    Snippets load first, so that translated modules and readings cite them. A translated
    reading keeps the English reading's block ids, so comments stay on their passage in
    every language.
    """
    report = LoadReport()
    default = Locale.get_default()
    folder = CONTENT_DIR / "translations"
    if not folder.exists():
        return report
    for lang_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        locale = Locale.objects.filter(language_code=lang_dir.name).first()
        if locale is None:
            continue
        load_snippet_translations(lang_dir, locale, report)
        snippets = _snippets_for(locale)
        home = ensure_site_home()
        title, tagline, curriculum_title = SITE_WORDING.get(lang_dir.name, ("Legis", "", "Curriculum"))
        _translated(home, locale, title=title, tagline=tagline)
        curriculum = CurriculumIndexPage.objects.get(locale=default)
        _translated(curriculum, locale, title=curriculum_title, intro="")
        new: list[tuple[ReadingPage, dict, ReadingPage]] = []
        for path in sorted(lang_dir.glob("*.json")):
            if path.name in SNIPPET_TRANSLATIONS:
                continue
            data = json.loads(path.read_text(encoding="utf-8"))
            module = ModulePage.objects.get(slug=data["slug"], locale=default)
            _module, created = _translated(
                module,
                locale,
                title=data["title"],
                summary=data["summary"],
                learning_outcomes="\n".join(data.get("learning_outcomes", [])),
                instruments=[snippets["instrument"][i.slug] for i in module.instruments.all()],
            )
            if created:
                report.count(f"{lang_dir.name} module")
            for reading in data["readings"]:
                original = ReadingPage.objects.child_of(module).get(slug=reading["slug"])
                if original.get_translation_or_none(locale) is not None:
                    continue
                copy = original.copy_for_translation(locale, copy_parents=True, alias=False).specific
                new.append((copy, reading, original))
                report.count(f"{lang_dir.name} reading")
        # Links go to the reading in this language where it exists, else to the English one.
        reading_ids = {
            f"{p.get_parent().slug}/{p.slug}": p.pk for p in ReadingPage.objects.filter(locale=default)
        }
        reading_ids.update(
            {f"{p.get_parent().slug}/{p.slug}": p.pk for p in ReadingPage.objects.filter(locale=locale)}
        )
        for copy, reading, original in new:
            body = _body({**reading, "slug": original.slug}, reading_ids, snippets)
            if [b["id"] for b in body] != [b.id for b in original.body]:
                raise ValueError(f"{lang_dir.name}/{original.slug}: blocks do not match the English reading")
            copy.title = reading["title"]
            copy.intro = reading.get("intro", "")
            copy.body = body
            copy.save_revision().publish()
    return report
