"""Named reads of the curriculum, in the reader's locale with English as the fallback."""

import json
import re
from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from wagtail.models import Locale, Page, TranslatableMixin
from wagtail.models.reference_index import ReferenceIndex
from wagtail.search.backends import get_search_backend

from .models import CaseDigest, GlossaryTerm, LegalInstrument, ReadingPage

M = TypeVar("M", bound=Model)


def _in_locale(queryset: QuerySet[M], **lookup: object) -> M:
    """The object in the active locale, else in the default locale."""
    candidates = {obj.locale_id: obj for obj in queryset.filter(**lookup)}
    for locale_id in (Locale.get_active().pk, Locale.get_default().pk):
        if locale_id in candidates:
            return candidates[locale_id]
    if candidates:
        return next(iter(candidates.values()))
    raise Http404


def snippets_in_locale(model: type[M]) -> QuerySet[M]:
    """One object per translation: the active locale's version where it exists, else the
    default locale's (one query, so a partly translated language still lists everything)."""
    active, default = Locale.get_active(), Locale.get_default()
    if active.pk == default.pk:
        return model.objects.filter(locale=default)
    translated = model.objects.filter(locale=active).values("translation_key")
    return model.objects.filter(Q(locale=active) | Q(locale=default) & ~Q(translation_key__in=translated))


def in_locale(objects: Iterable[M], locale: Locale) -> list[M]:
    """Each translatable object replaced by its translation in `locale` where one exists.

    No query when all are already in `locale`, else one per model: editors and older demo
    data may cite the English snippet from a translated page.
    """
    objects = list(objects)
    missing: dict[type, set] = {}
    for obj in objects:
        if isinstance(obj, TranslatableMixin) and obj.locale_id != locale.pk:
            missing.setdefault(type(obj), set()).add(obj.translation_key)
    found = {}
    for model, keys in missing.items():
        for obj in model.objects.filter(translation_key__in=keys, locale=locale):
            found[(model, obj.translation_key)] = obj
    return [found.get((type(obj), getattr(obj, "translation_key", None)), obj) for obj in objects]


def snippets_in_reading(reading: ReadingPage) -> dict[tuple[type, int], Model]:
    """The cases and instruments a reading's blocks cite, each in the reading's language
    where translated, keyed by (model, pk) of the cited object."""
    cited = []
    for block in reading.body:
        if block.block_type == "case_study":
            cited.append(block.value["case"])
        elif block.block_type == "instrument":
            cited.append(block.value["instrument"])
    cited = [obj for obj in cited if obj is not None]  # a deleted snippet leaves None
    localized = in_locale(cited, reading.locale)
    return {(type(obj), obj.pk): local for obj, local in zip(cited, localized, strict=True)}


def term_by_slug(slug: str) -> GlossaryTerm:
    return _in_locale(GlossaryTerm.objects.all(), slug=slug)


def instrument_by_slug(slug: str) -> LegalInstrument:
    return _in_locale(LegalInstrument.objects.all(), slug=slug)


def case_by_slug(slug: str) -> CaseDigest:
    return _in_locale(CaseDigest.objects.prefetch_related("instruments"), slug=slug)


def cases_citing(instrument: LegalInstrument) -> QuerySet[CaseDigest]:
    """Case digests citing any translation of `instrument`, one per case in the active locale
    where translated: one query."""
    return snippets_in_locale(CaseDigest).filter(instruments__translation_key=instrument.translation_key)


def readings_citing(obj: Model) -> QuerySet[ReadingPage]:
    """Live readings that cite `obj` (a snippet or a page), from Wagtail's reference index.

    For a snippet, readings citing any of its translations count, each listed once: in the
    active locale where translated, else in the default locale.
    """
    is_snippet = isinstance(obj, TranslatableMixin) and not isinstance(obj, Page)
    if is_snippet:
        references = ReferenceIndex.get_references_to_in_bulk(
            type(obj).objects.filter(translation_key=obj.translation_key)
        )
    else:
        references = ReferenceIndex.get_references_to(obj)
    page_ids = references.filter(
        base_content_type__app_label="wagtailcore", base_content_type__model="page"
    ).values_list("object_id", flat=True)
    readings = ReadingPage.objects.live().filter(pk__in=[int(pk) for pk in page_ids])
    if is_snippet:
        active, default = Locale.get_active(), Locale.get_default()
        here = readings.filter(locale=active)
        readings = here | readings.filter(locale=default).exclude(
            translation_key__in=here.values("translation_key")
        )
    return readings.order_by("title")


def search_curriculum(query: str, *, limit: int = 30) -> list[object]:
    """Full-text search of readings, modules and glossary terms in the active locale."""
    if not query.strip():
        return []
    backend = get_search_backend()
    locale = Locale.get_active()
    pages = backend.search(query, ReadingPage.objects.live().filter(locale=locale), operator="or")[:limit]
    terms = backend.search(query, GlossaryTerm.objects.filter(locale=locale), operator="or")[:10]
    return [*pages, *terms]


_TERM_LINK = re.compile(r'href="/glossary/([a-z0-9-]+)/"')


def glossary_for(reading: ReadingPage) -> dict[str, dict[str, str]]:
    """The glossary terms a reading links to, for its popovers: one query."""
    slugs: set[str] = set()
    for block in reading.body:
        if block.block_type == "paragraph":
            slugs.update(_TERM_LINK.findall(block.value.source))
    if not slugs:
        return {}
    default, active = Locale.get_default(), Locale.get_active()
    terms: dict[str, GlossaryTerm] = {}
    # The active locale's wording wins over the default's.
    for term in GlossaryTerm.objects.filter(slug__in=slugs, locale__in=[default, active]).order_by(
        "slug", "locale_id"
    ):
        if term.slug not in terms or term.locale_id == active.pk:
            terms[term.slug] = term
    return {
        slug: {"term": t.term, "definition": t.definition, "url": t.get_absolute_url()}
        for slug, t in terms.items()
    }


def in_language(page: Page, language: str) -> tuple[Page, bool]:
    """The page in `language` if translated, else the page itself; True when falling back."""
    locale = Locale.objects.filter(language_code=language).first()
    if locale is None or page.locale_id == locale.pk:
        return page, False
    translated = page.get_translation_or_none(locale)
    if translated is None or not translated.live:
        return page, page.locale_id != locale.pk
    return translated.specific, False


def localized_children(parent: Page, model: type[Page]) -> list[tuple[Page, bool]]:
    """Children of the default-locale version of `parent`, each in the active locale where
    translated, else in the default language (flagged): three queries."""
    default = Locale.get_default()
    active = Locale.get_active()
    source = parent if parent.locale_id == default.pk else parent.get_translation_or_none(default) or parent
    originals = list(model.objects.child_of(source).live().specific())
    if active.pk == default.pk:
        return [(page, False) for page in originals]
    translations = {
        page.translation_key: page
        for page in model.objects.filter(
            translation_key__in=[p.translation_key for p in originals], locale=active
        )
        .live()
        .specific()
    }
    return [
        (translations.get(p.translation_key, p), p.translation_key not in translations) for p in originals
    ]


def passages_changed_since(page: ReadingPage, moment) -> set[str]:
    """Ids of passages whose content differs from what was published at `moment`
    (new passages included): one query for the old revision."""
    revision = page.revisions.filter(created_at__lte=moment).order_by("-created_at").first()
    if revision is None:
        return set()
    body = revision.content.get("body") or "[]"
    then = {block["id"]: block["value"] for block in (json.loads(body) if isinstance(body, str) else body)}
    return {block["id"] for block in page.body.raw_data if then.get(block["id"]) != block["value"]}
