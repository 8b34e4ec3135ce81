from django.db import transaction

from wagtail.models import Locale, Page, Site

from .models import HomePage

HOME_DEFAULTS = {
    "title": "Legis",
    "slug": "home",
    "tagline": (
        "Training for criminal-justice officials on the international legal framework against terrorism."
    ),
    "body": (
        "<p>Six-week cohorts led by tutors, readings you discuss passage by passage, "
        "and an alumni community of judges, prosecutors and investigators across borders.</p>"
    ),
}


@transaction.atomic
def ensure_site_home() -> HomePage:
    """The default locale, Wagtail's root, one HomePage and the default Site pointing at it.

    Replaces the placeholder page Wagtail's migrations create, and rebuilds what a
    flushed test database lacks. Safe to call any number of times.
    """
    Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=Locale.get_default()))
    home = HomePage.objects.first()
    if home is None:
        for placeholder in root.get_children().filter(slug=HOME_DEFAULTS["slug"]):
            if not isinstance(placeholder.specific, HomePage):
                Site.objects.filter(root_page=placeholder).delete()
                placeholder.delete()
        home = root.add_child(instance=HomePage(**HOME_DEFAULTS))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Legis"
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = "Legis"
        site.save()
    return home
