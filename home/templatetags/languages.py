from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation

from wagtail.models import Page

register = template.Library()


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context: template.Context) -> dict:
    """Links to this same page in every interface language.

    A Wagtail page links to its translation where one exists; any other URL keeps its
    path under the other language prefix.
    """
    request = context.get("request")
    current = translation.get_language()
    page = context.get("page")
    translations: dict[str, str] = {}
    # Only when this request is serving the Wagtail page itself (other views, such as a
    # cohort's reading, also have a `page` in their context but live at their own URL).
    if isinstance(page, Page) and request is not None and page.get_url(request) == request.path:
        for other in page.get_translations(inclusive=True).live().select_related("locale"):
            translations[other.locale.language_code] = other.get_url(request)
    path = request.get_full_path() if request else "/"
    links = []
    for code, name in settings.LANGUAGES:
        url = translations.get(code) or translate_url(path, code)
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return {"links": links}
