"""Blocks of a Reading's body. Each top-level block is a passage: its UUID is the
anchor that comments attach to and the `#p-<uuid>` fragment deep links use."""

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock
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


class SensitiveExhibitBlock(blocks.StructBlock):
    """Extremist propaganda or crime-scene material used as teaching evidence.

    Hidden behind a warning until the reader opens it; never indexed for search,
    never exported, and a page that holds one is never stored by the browser.
    """

    warning = blocks.CharBlock(
        max_length=300,
        default="This exhibit contains violent extremist material used as evidence.",
    )
    description = blocks.TextBlock(help_text="A neutral description, shown to everyone.")
    image = ImageChooserBlock(required=False)
    transcript = blocks.TextBlock(required=False)

    def get_searchable_content(self, value) -> list[str]:
        return []

    class Meta:
        icon = "warning"
        template = "modules/blocks/sensitive_exhibit.html"


class ReadingBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(max_length=200, template="modules/blocks/heading.html")
    paragraph = blocks.RichTextBlock(features=PARAGRAPH_FEATURES, template="modules/blocks/paragraph.html")
    quotation = QuotationBlock()
    case_study = CaseStudyBlock()
    instrument = InstrumentBlock()
    key_points = KeyPointsBlock()
    sensitive_exhibit = SensitiveExhibitBlock()
