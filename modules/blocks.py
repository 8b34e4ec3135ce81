"""Blocks of a Reading's body. Each top-level block is a passage: its UUID is the
anchor that comments attach to and the `#p-<uuid>` fragment deep links use."""

from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

PARAGRAPH_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class QuotationBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "openquote"
        template = "modules/blocks/quotation.html"


class CaseStudyBlock(blocks.StructBlock):
    case = SnippetChooserBlock("modules.CaseDigest")
    prompt = blocks.TextBlock(help_text="A question for the cohort to discuss.")

    class Meta:
        icon = "doc-full"
        template = "modules/blocks/case_study.html"


class InstrumentBlock(blocks.StructBlock):
    instrument = SnippetChooserBlock("modules.LegalInstrument")
    note = blocks.TextBlock(required=False)

    class Meta:
        icon = "list-ul"
        template = "modules/blocks/instrument.html"


class KeyPointsBlock(blocks.StructBlock):
    points = blocks.ListBlock(blocks.CharBlock(max_length=400))

    class Meta:
        icon = "tick"
        template = "modules/blocks/key_points.html"


class ReadingBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(max_length=200, template="modules/blocks/heading.html")
    paragraph = blocks.RichTextBlock(features=PARAGRAPH_FEATURES, template="modules/blocks/paragraph.html")
    quotation = QuotationBlock()
    case_study = CaseStudyBlock()
    instrument = InstrumentBlock()
    key_points = KeyPointsBlock()
