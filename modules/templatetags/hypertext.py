"""Rendering of hypertext links inside readings.

Editors link glossary terms, instruments and cases as ordinary links to
`/glossary/<slug>/`, `/instruments/<slug>/` and `/cases/<slug>/`, so the
Draftail editor round-trips them untouched. At render time those links gain
the reader's language prefix and the markup the glossary popover needs.
"""

import re

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_LINK = re.compile(r'<a href="/(glossary|instruments|cases)/([a-z0-9-]+)/"')
_ROUTES = {"glossary": "modules:term", "instruments": "modules:instrument", "cases": "modules:case"}


def _rewrite(match: re.Match[str]) -> str:
    kind, slug = match.group(1), match.group(2)
    url = escape(reverse(_ROUTES[kind], args=[slug]))
    if kind == "glossary":
        return f'<a href="{url}" class="term-link" data-term="{escape(slug)}"'
    return f'<a href="{url}" class="{kind[:-1] if kind != "glossary" else kind}-link"'


@register.filter
def hypertext(value: object) -> SafeString:
    """Localise curriculum-internal links in already-sanitised rich text."""
    html = value.__html__() if hasattr(value, "__html__") else escape(str(value))
    return mark_safe(_LINK.sub(_rewrite, html))  # noqa: S308 - input is editor rich text, output only rewrites our own hrefs


@register.simple_tag(takes_context=True)
def in_reading_language(context, obj):
    """A case or instrument cited by a block, in the language of the reading being rendered.

    A translated reading may cite the English snippet (an editor's copy, older demo data);
    the reader still gets the snippet in the reading's language where it is translated.
    """
    page = context.get("page")
    if obj is None or not hasattr(page, "cited_snippets"):
        return obj
    return page.cited_snippets.get((type(obj), obj.pk), obj)
