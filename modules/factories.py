"""Factories for the curriculum, for tests and benchmarks."""

import uuid

import factory
import wagtail_factories

from wagtail.models import Locale

from .models import (
    CaseDigest,
    CurriculumIndexPage,
    GlossaryTerm,
    LegalInstrument,
    ModulePage,
    ReadingPage,
)


class LegalInstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalInstrument

    slug = factory.Sequence(lambda n: f"instrument-{n}")
    title = factory.Sequence(lambda n: f"Convention number {n}")
    short_title = factory.Sequence(lambda n: f"Convention {n}")
    year = 1999
    depositary = "Secretary-General of the United Nations"
    locale = factory.LazyFunction(Locale.get_default)


class GlossaryTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GlossaryTerm

    slug = factory.Sequence(lambda n: f"term-{n}")
    term = factory.Sequence(lambda n: f"Term {n}")
    definition = "A term of art used in the readings."
    locale = factory.LazyFunction(Locale.get_default)


class CaseDigestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseDigest

    slug = factory.Sequence(lambda n: f"case-{n}")
    title = factory.Sequence(lambda n: f"Prosecutor v. X{n} (fictional)")
    jurisdiction = "Republic of Examplia (fictional)"
    year = 2020
    facts = "The facts of the case."
    holding = "What the court held."
    locale = factory.LazyFunction(Locale.get_default)


class CurriculumIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CurriculumIndexPage

    title = "Curriculum"
    slug = "curriculum"


class ModulePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ModulePage

    title = factory.Sequence(lambda n: f"Module {n}")
    slug = factory.Sequence(lambda n: f"module-{n}")
    summary = "What this module covers."
    theme = "foundations"


class ReadingPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ReadingPage

    title = factory.Sequence(lambda n: f"Reading {n}")
    slug = factory.Sequence(lambda n: f"reading-{n}")
    intro = "An introduction."
    body = factory.LazyFunction(list)


def paragraph(html: str, block_id: str | None = None) -> dict:
    return {"type": "paragraph", "value": html, "id": block_id or str(uuid.uuid4())}


def heading(text: str, block_id: str | None = None) -> dict:
    return {"type": "heading", "value": text, "id": block_id or str(uuid.uuid4())}


def make_reading(
    module: ModulePage,
    *,
    passages: int = 3,
    extra_blocks: list[dict] | None = None,
    **kwargs: object,
) -> ReadingPage:
    """A published reading with `passages` paragraphs (plus any extra blocks)."""
    body = [paragraph(f"<p>Passage {i + 1} of the reading, on the rule of law.</p>") for i in range(passages)]
    body += extra_blocks or []
    reading = ReadingPageFactory(parent=module, body=body, **kwargs)
    reading.save_revision().publish()
    return reading
