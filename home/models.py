from django.db import models

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from modules.models import CurriculumIndexPage, ModulePage
from modules.selectors import localized_children


class HomePage(Page):
    """The site's front page: what Legis is and where to start."""

    tagline = models.CharField(max_length=200, blank=True)
    body = RichTextField(blank=True, features=["bold", "italic", "link", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("tagline"), FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["modules.CurriculumIndexPage", "academies.InstitutionSectionPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        curriculum = CurriculumIndexPage.objects.child_of(self).live().first()
        context["curriculum"] = curriculum
        context["modules"] = localized_children(curriculum, ModulePage) if curriculum else []
        return context
