"""The one sanitiser for user HTML. Posts are written in a small Markdown subset; the
HTML it produces goes through bleach against one allow-list before it is stored."""

import threading
from functools import partial

import bleach
import markdown
from bleach.linkifier import LinkifyFilter

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote", "code", "pre"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
MAX_SOURCE_LENGTH = 10_000


def _link_rel(attrs: dict, new: bool = False) -> dict:
    """Every link leaves with rel="nofollow noopener", whatever the author wrote."""
    href_key = (None, "href")
    if href_key not in attrs:
        return attrs
    attrs[(None, "rel")] = "nofollow noopener"
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_link_rel], skip_tags={"pre", "code"})],
)


def clean_html(html: str) -> str:
    return _cleaner.clean(html).strip()


def render_post(source: str) -> str:
    """Markdown source (bold, italics, lists, links, quotes, code) to safe HTML.

    Raw HTML in the source is escaped by Markdown's own rules and then cleaned:
    the allow-list, not the author, decides what reaches the page.
    """
    return clean_html(_markdown().reset().convert(source))


_local = threading.local()


def _markdown() -> markdown.Markdown:
    """One converter per thread: building one (extensions, patterns) cost more than the
    conversion of a typical post; a converter is not safe to share between threads."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown.Markdown(
            extensions=["nl2br", "sane_lists"], output_format="html"
        )
    return converter
