from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts import views as accounts_views
from home import views as home_views

urlpatterns = [
    # Before Wagtail's own login view, which it replaces (rate limits and 2FA from allauth).
    path("admin/login/", accounts_views.admin_login, name="accounts_admin_login"),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", home_views.healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["forums", "courses", "modules", "alumni"]),
        name="javascript-catalog",
    ),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("modules.urls")),
    path("", include("courses.urls")),
    path("", include("forums.urls")),
    path("alumni/", include("alumni.urls")),
    path("reports/", include("reports.urls")),
    path("", include("interop.urls")),
    path("academies/", include("academies.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
