"""The reading-page baseline: a bare Django view (no middleware, no database, no templates)
returning the very bytes the real page returned, served by the same daphne.

    BENCH_BARE_DIR=/tmp/pages daphne -p PORT bench.bare_http:application
    GET /page/<name>   the bytes of <name>.html in BENCH_BARE_DIR
"""

import os
from pathlib import Path

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-bare-not-secret",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
    USE_I18N=False,
)

from django.core.asgi import get_asgi_application  # noqa: E402
from django.http import Http404, HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

PAGES = {
    p.stem: p.read_bytes() for p in Path(os.environ.get("BENCH_BARE_DIR", "/nonexistent")).glob("*.html")
}


def page(request, name: str) -> HttpResponse:
    try:
        return HttpResponse(PAGES[name], content_type="text/html; charset=utf-8")
    except KeyError:
        raise Http404 from None


def healthz(request) -> HttpResponse:
    return HttpResponse(b"ok\n")


urlpatterns = [path("healthz", healthz), path("page/<str:name>", page)]
application = get_asgi_application()
