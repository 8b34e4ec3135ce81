"""Rendered passage discussions of a cohort's reading, cached by what they show
(docs/performance.md, 6).

The discussion under each passage (comments, seed questions, earlier cohorts' notable
comments, the comment form) was most of a cohort reading page's rendering time. Each one is
kept in Django's cache under a digest of everything `forums/passage.html` and
`_passage_post.html` read: every attribute of every post,
seed question and thread the passage view holds (the name the viewer sees, the body they
may see, reactions and any per-viewer flag included), what the viewer may do (post, seed,
moderate), the passage and page ids, the cohort, the page's path, the language, the time
zone and the templates' own source. So:

- any write that changes what a passage shows (a new comment, an edit, hide, restore,
  delete, notable, a reaction, a seed question, a renamed author) changes its digest, and
  the next reader renders that passage afresh while the other passages stay cached; no
  event id or invalidation is needed, so nothing can be missed;
- viewers who would see different HTML (a tutor; a trainee with a held comment of their
  own; a muted member) never share an entry, and viewers who would see the same HTML do.

Two values differ per request and are not part of the key: the CSRF token and the comment
form's client-id prefix. Passages are rendered with fixed secret placeholders for both and
the request's own values are put in on the way out. Anything new the templates read must be
added to `_digest`.
"""

import hashlib
from functools import cache

from django.conf import settings
from django.core.cache import cache as django_cache
from django.core.signing import salted_hmac
from django.db.models import Model
from django.template import Context, engines
from django.template.base import NodeList
from django.template.defaulttags import CsrfTokenNode
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

TEMPLATES = ("forums/passage.html", "forums/_passage_post.html")
SECONDS = 3600  # entries are keyed by content: this only bounds how long unused ones stay


def _read_templates_version() -> str:
    engine = engines["django"]
    source = "".join(engine.get_template(name).template.source for name in TEMPLATES)
    return hashlib.blake2b(source.encode(), digest_size=8).hexdigest()


_deployed_templates_version = cache(_read_templates_version)


def _templates_version() -> str:
    # Read once per process, except where runserver reloads templates without a restart.
    return _read_templates_version() if settings.DEBUG else _deployed_templates_version()


@cache
def _placeholder(name: str) -> str:
    # The same in every process (entries are shared through Redis) and unguessable, so no
    # comment can carry it to have the reader's own value put into it.
    return salted_hmac("forums.fragments", name).hexdigest()


def _value(value: object) -> object:
    """A structure whose repr changes whenever the rendered HTML can: fields and attributes
    are primitives (their repr is their value); anything else would repr with its address,
    which can only cause a miss, never a stale hit."""
    if isinstance(value, Model):
        # Every column and every attribute a selector set (`shown_author`); not Django's caches.
        return [(k, v) for k, v in vars(value).items() if k[0] != "_"]
    if isinstance(value, list | tuple):
        return [_value(item) for item in value]
    if isinstance(value, dict):
        return sorted(value.items())
    if hasattr(value, "__dataclass_fields__"):  # PostView, PassageView
        return [(name, _value(getattr(value, name))) for name in value.__dataclass_fields__]
    return value


def _digest(context: Context) -> str:
    layer = context["layer"]
    parts = (
        _templates_version(),
        translation.get_language(),
        context.get("LANGUAGE_CODE"),
        timezone.get_current_timezone_name(),
        layer.access.can_moderate,
        layer.can_post,
        layer.can_seed,
        context["cohort"].slug,
        context["page"].pk,
        context["block"].id,
        context["request"].path,
        _value(context["discussion"]),
    )
    return "forums:passage:" + hashlib.blake2b(repr(parts).encode(), digest_size=20).hexdigest()


def cached_passage(context: Context, nodelist: NodeList) -> SafeString:
    """`nodelist` (a passage's discussion) rendered, or its cached copy, with this request's
    CSRF token and client-id prefix."""
    key = _digest(context)
    html = django_cache.get(key)
    csrf, client_id = _placeholder("csrf"), _placeholder("client-id")
    if html is None:
        with context.push(csrf_token=csrf, client_id_prefix=client_id):
            html = nodelist.render(context)
        django_cache.set(key, html, SECONDS)
    csrf_input = CsrfTokenNode().render(Context({"csrf_token": csrf}))
    html = html.replace(csrf_input, CsrfTokenNode().render(context))
    return mark_safe(html.replace(client_id, context["layer"].client_id_prefix))  # noqa: S308 - our own render
