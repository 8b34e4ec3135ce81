"""The admin side of institutions: buttons that lead editors to adaptation, and snippets for
programme staff (focal points, cohort settings). Nominations are decided on the site, through
the service, so an accepted nominee is always invited."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from modules.models import ReadingPage

from . import policies
from .models import AdaptedReadingPage, CohortSettings, FocalPoint, InstitutionSectionPage


def _adapt_button(page, user):
    if not isinstance(page.specific_deferred, ReadingPage) or not page.live:
        return None
    sections = InstitutionSectionPage.objects.all()
    if not any(policies.can_add_to_section(user, section) for section in sections):
        return None
    return Button(
        _("Adapt for my institution"),
        reverse("academies:adapt", args=[page.pk]),
        icon_name="copy",
        priority=80,
    )


def _compare_button(page, user):
    if not isinstance(page.specific_deferred, AdaptedReadingPage):
        return None
    return Button(
        _("Compare with the master"),
        reverse("academies:adaptation", args=[page.pk]),
        icon_name="doc-full",
        priority=80,
    )


@hooks.register("register_page_header_buttons")
def adaptation_header_buttons(page, user, view_name, next_url=None):
    for button in (_adapt_button(page, user), _compare_button(page, user)):
        if button is not None:
            yield button


@hooks.register("register_page_listing_more_buttons")
def adaptation_listing_buttons(page, user, next_url=None):
    button = _compare_button(page, user)
    if button is not None:
        yield button


class FocalPointViewSet(SnippetViewSet):
    model = FocalPoint
    icon = "user"
    menu_label = _("Focal points")
    list_display = ["user", "institution", "created_at"]
    list_filter = ["institution"]
    panels = [FieldPanel("institution"), FieldPanel("user")]


class CohortSettingsViewSet(SnippetViewSet):
    model = CohortSettings
    icon = "cog"
    menu_label = _("Cohort settings")
    list_display = ["cohort", "requires_nomination", "training_of_trainers", "open_to_all_institutions"]
    panels = [
        FieldPanel("cohort"),
        FieldPanel("requires_nomination"),
        FieldPanel("training_of_trainers"),
        FieldPanel("open_to_all_institutions"),
    ]


class InstitutionSnippets(SnippetViewSetGroup):
    menu_label = _("Nominations and trainers")
    menu_icon = "site"
    menu_name = "academies"
    items = (FocalPointViewSet, CohortSettingsViewSet)


register_snippet(InstitutionSnippets)
