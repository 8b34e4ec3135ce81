"""A shared cache of public Wagtail pages for anonymous readers (docs/performance.md, 6).

Every anonymous reader of a public page gets the same bytes, so one copy per URL serves them
all with no query. What makes a copy shareable is decided on both sides:

- a request may be answered from the cache only when it is a GET or HEAD without a query
  string, names its language in the URL and carries no cookie but the language and CSRF
  cookies (no session, so nobody is signed in; no messages) and no Authorization header;
- a response is stored only when such a request got a 200 from a live Wagtail page served
  through Wagtail's restriction checks (`mark_shareable`, from `home.wagtail_hooks`), with no
  cookie of its own, no `Cache-Control: private/no-cache/no-store` (sensitive readings,
  restricted pages), and no CSRF token or CSP nonce used while rendering.

Copies carry the content generation they were rendered under; publish, unpublish and move,
and any save or deletion of what public pages render or what decides who sees them (pages,
the snippets and other models of home/modules/academies, institutions, images, documents,
sites, locales, view restrictions) start a new generation, so the next reader never gets an
older copy. `PAGE_CACHE_SECONDS` bounds how long a copy lives (0 turns the cache off).
"""

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from accounts.middleware import remember_language

GENERATION_KEY = "pagecache:generation"
_SHAREABLE = "_page_cache_shareable"
# Cookies that do not change what an anonymous page shows: the language is in the URL, and a
# page that uses the CSRF token is never stored.
_NEUTRAL_COOKIES = frozenset({settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME})
_PRIVATE_DIRECTIVES = ("private", "no-cache", "no-store")


@dataclass(frozen=True)
class CachedPage:
    generation: str
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes


def mark_shareable(response: HttpResponse) -> None:
    """Say that `response` is a public page whose bytes do not depend on who asked."""
    setattr(response, _SHAREABLE, True)


def new_generation() -> None:
    """Retire every cached page: the next reader of each gets a fresh render."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def content_changed(**kwargs) -> None:
    """Signal receiver for a change of published content.

    Bumps at once (so code running inside the same transaction, tests included, sees it) and
    again after commit: a render that read the old rows before the commit may have stored its
    copy under the first new generation, and the second one retires it.
    """
    new_generation()
    transaction.on_commit(new_generation)


def model_changed(sender: type[Model], **kwargs) -> None:
    """post_save/post_delete receiver for the models public pages render."""
    content_changed()


# Besides pages: the snippets, programmes and institutions Wagtail pages show, and the
# Wagtail records that decide what a URL serves or who may see it.
PUBLIC_CONTENT_APPS = frozenset({"home", "modules", "academies"})


def _renders_on_public_pages(model: type[Model]) -> bool:
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Locale, Page, PageViewRestriction, Site

    from courses.models import Institution

    shown = (Page, PageViewRestriction, Site, Locale, Institution, get_image_model(), get_document_model())
    return issubclass(model, shown) or model._meta.app_label in PUBLIC_CONTENT_APPS


def connect_receivers() -> None:
    """Called from HomeConfig.ready(). One receiver per model (Wagtail's reference index does
    the same): a receiver for every sender would stop Django's fast bulk deletes everywhere."""
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    from wagtail.signals import page_published, page_unpublished, post_page_move

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(content_changed, dispatch_uid="pagecache")
    for model in apps.get_models():
        if not model._meta.abstract and _renders_on_public_pages(model):
            post_save.connect(model_changed, sender=model, dispatch_uid="pagecache")
            post_delete.connect(model_changed, sender=model, dispatch_uid="pagecache")


def _cache_key(request: HttpRequest) -> str:
    where = f"{request.scheme}://{request.get_host()}{request.path}"
    return "pagecache:page:" + hashlib.sha256(where.encode()).hexdigest()


def _may_answer(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and _NEUTRAL_COOKIES.issuperset(request.COOKIES)
        and "HTTP_AUTHORIZATION" not in request.META  # no credentials of any kind
        and translation.get_language_from_path(request.path_info) is not None
    )


def _may_store(request: HttpRequest, response: HttpResponse) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if not getattr(response, _SHAREABLE, False) or request.user.is_authenticated:
        return False
    if any(directive in response.get("Cache-Control", "") for directive in _PRIVATE_DIRECTIVES):
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or isinstance(getattr(request, "_csp_nonce", None), str):
        return False  # the page holds a CSRF token or a CSP nonce made for this request
    if any(name.startswith("_csp") for name in vars(response)):
        return False  # per-view CSP changes are response attributes a copy would not replay
    # The only cookie allowed is the language one repeating the URL: it is set again on replay.
    language = translation.get_language_from_path(request.path_info)
    return all(
        name == settings.LANGUAGE_COOKIE_NAME and morsel.value == language
        for name, morsel in response.cookies.items()
    )


class AnonymousPageCacheMiddleware:
    """Answers anonymous readers of public pages from the cache (see the module docstring).

    Placed right after SecurityMiddleware (HTTPS redirect and security headers stay fresh on
    every answer) and before CSP, WhiteNoise and the session: a cached answer costs one cache
    read and no query. The CSP header is stored with the copy: the policy is the same for
    every page that may be stored, since pages whose render used a nonce or set a per-view
    policy are not.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = getattr(settings, "PAGE_CACHE_SECONDS", 0)
        if not seconds or not _may_answer(request):
            return self.get_response(request)
        key = _cache_key(request)
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            generation = cache.get(GENERATION_KEY)
        page = found.get(key)
        if isinstance(page, CachedPage) and page.generation == generation:
            return self._replay(request, page)
        response = self.get_response(request)
        if generation is not None and _may_store(request, response):
            headers = tuple((name, value) for name, value in response.items() if name.lower() != "set-cookie")
            cache.set(key, CachedPage(generation, response.status_code, headers, response.content), seconds)
        return response

    @staticmethod
    def _replay(request: HttpRequest, page: CachedPage) -> HttpResponse:
        response = HttpResponse(b"" if request.method == "HEAD" else page.content, status=page.status)
        for name, value in page.headers:
            response[name] = value
        if request.method == "HEAD":
            response["Content-Length"] = str(len(page.content))
        remember_language(request, response)
        return response
