from django.db import models
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, TranslatableMixin
from wagtail.search import index

from .blocks import ReadingBodyBlock


class Theme(models.TextChoices):
    FOUNDATIONS = "foundations", _("Foundations")
    FINANCING = "financing", _("Terrorist financing")
    CBRN = "cbrn", _("Chemical, biological, radiological and nuclear terrorism")
    TRANSPORT = "transport", _("Maritime and civil aviation")
    INTERNET = "internet", _("Terrorist use of the internet")


class LegalInstrument(TranslatableMixin, index.Indexed, models.Model):
    """One of the universal legal instruments against terrorism (a convention or protocol)."""

    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=300)
    short_title = models.CharField(max_length=120, blank=True)
    year = models.PositiveSmallIntegerField()
    depositary = models.CharField(max_length=200)
    entry_into_force = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("short_title"),
        FieldPanel("slug"),
        FieldPanel("year"),
        FieldPanel("depositary"),
        FieldPanel("entry_into_force"),
        FieldPanel("summary"),
    ]
    search_fields = [
        index.SearchField("title"),
        index.SearchField("short_title"),
        index.SearchField("summary"),
        index.FilterField("locale"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["year", "title"]
        verbose_name = _("legal instrument")
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="uniq_instrument_slug_locale"),
        ]

    def __str__(self) -> str:
        return f"{self.short_title or self.title} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("modules:instrument", args=[self.slug])


class GlossaryTerm(TranslatableMixin, index.Indexed, models.Model):
    """A term of art that readings link to; shown as a popover in the text."""

    slug = models.SlugField(max_length=80)
    term = models.CharField(max_length=120)
    definition = models.TextField()

    panels = [FieldPanel("term"), FieldPanel("slug"), FieldPanel("definition")]
    search_fields = [
        index.SearchField("term"),
        index.SearchField("definition"),
        index.FilterField("locale"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["term"]
        verbose_name = _("glossary term")
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="uniq_term_slug_locale"),
        ]

    def __str__(self) -> str:
        return self.term

    def get_absolute_url(self) -> str:
        return reverse("modules:term", args=[self.slug])


class CaseDigest(TranslatableMixin, index.Indexed, ClusterableModel):
    """A teaching case: facts, holding and the instruments it turns on (the demo's are fictional)."""

    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    jurisdiction = models.CharField(max_length=120)
    year = models.PositiveSmallIntegerField()
    facts = models.TextField()
    holding = models.TextField()
    instruments = ParentalManyToManyField(LegalInstrument, blank=True, related_name="cases")

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("jurisdiction"),
        FieldPanel("year"),
        FieldPanel("facts"),
        FieldPanel("holding"),
        FieldPanel("instruments"),
    ]
    search_fields = [
        index.SearchField("title"),
        index.SearchField("facts"),
        index.SearchField("holding"),
        index.FilterField("locale"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["-year", "title"]
        verbose_name = _("case digest")
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="uniq_case_slug_locale"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("modules:case", args=[self.slug])


class CurriculumIndexPage(Page):
    """The curriculum: the list of modules."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["modules.ModulePage"]
    max_count_per_parent = 1

    def get_context(self, request, *args, **kwargs):
        from .selectors import localized_children  # selectors import models

        context = super().get_context(request, *args, **kwargs)
        context["modules"] = localized_children(self, ModulePage)
        return context


class ModulePage(Page):
    """A thematic module of the curriculum: a short course of readings on one subject."""

    theme = models.CharField(max_length=20, choices=Theme.choices, default=Theme.FOUNDATIONS)
    summary = models.TextField()
    learning_outcomes = models.TextField(blank=True, help_text=_("One learning outcome per line."))
    study_hours = models.PositiveSmallIntegerField(default=4)
    instruments = ParentalManyToManyField(LegalInstrument, blank=True, related_name="modules")

    content_panels = [
        *Page.content_panels,
        FieldPanel("theme"),
        FieldPanel("summary"),
        FieldPanel("learning_outcomes"),
        FieldPanel("study_hours"),
        FieldPanel("instruments"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["modules.CurriculumIndexPage"]
    subpage_types = ["modules.ReadingPage"]

    @property
    def outcomes(self) -> list[str]:
        return [line.strip() for line in self.learning_outcomes.splitlines() if line.strip()]

    def get_context(self, request, *args, **kwargs):
        from .selectors import in_locale, localized_children  # selectors import models

        context = super().get_context(request, *args, **kwargs)
        context["readings"] = localized_children(self, ReadingPage)
        context["module_instruments"] = in_locale(self.instruments.all(), self.locale)
        return context


class ReadingPage(Page):
    """A reading: hypertext whose passages (top-level blocks) carry stable anchors."""

    intro = models.TextField(blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(default=20)
    body = StreamField(ReadingBodyBlock())

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]
    parent_page_types = ["modules.ModulePage"]
    subpage_types: list[str] = []

    @property
    def passage_ids(self) -> list[str]:
        return [block.id for block in self.body]

    @cached_property
    def cited_snippets(self) -> dict:
        """Cases and instruments its blocks cite, in this reading's language where translated
        (the `in_reading_language` template tag reads it once per render)."""
        from .selectors import snippets_in_reading  # selectors import models

        return snippets_in_reading(self)

    @property
    def has_sensitive_content(self) -> bool:
        return any(block.block_type == "sensitive_exhibit" for block in self.body)

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if self.has_sensitive_content:
            # Evidence material must not stay in a shared computer's cache.
            patch_cache_control(response, no_store=True, private=True)
        return response

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        from .selectors import glossary_for, readings_citing  # selectors import models

        siblings = list(ReadingPage.objects.sibling_of(self).live())
        position = next(i for i, page in enumerate(siblings) if page.pk == self.pk)
        context["previous_reading"] = siblings[position - 1] if position > 0 else None
        context["next_reading"] = siblings[position + 1] if position + 1 < len(siblings) else None
        context["module"] = self.get_parent().specific
        context["cited_by"] = readings_citing(self).exclude(pk=self.pk)
        context["glossary"] = glossary_for(self)
        return context


class TranslationRequest(models.Model):
    """A reader asked for a reading in their language: editors see the demand in the admin."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=10)
    requested_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["page", "language", "requested_by"], name="one_translation_request_per_reader"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.page_id} → {self.language}"
