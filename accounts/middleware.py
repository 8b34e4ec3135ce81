from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from .models import User


class LanguagePreferenceMiddleware:
    """Remembers the interface language: per browser (the language cookie) and per person
    (their profile). The language in the URL always wins; a visit to an unprefixed URL
    goes to the remembered language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cookie = settings.LANGUAGE_COOKIE_NAME
        user = request.user
        if user.is_authenticated and user.preferred_language and cookie not in request.COOKIES:
            request.COOKIES[cookie] = user.preferred_language
        response = self.get_response(request)
        language = remember_language(request, response)
        if language and user.is_authenticated and user.preferred_language != language:
            User.objects.filter(pk=user.pk).update(preferred_language=language)
        return response


def remember_language(request: HttpRequest, response: HttpResponse) -> str | None:
    """Set the language cookie to the language the URL names, when the browser does not
    already carry it; return that language (None for an unprefixed URL or an error).

    The cookie depends on the request alone, never on the page, so the anonymous page cache
    (home.pagecache) stores pages without it and calls this again on every cached answer.
    """
    language = translation.get_language_from_path(request.path_info)
    if not language or response.status_code >= 400:
        return None
    cookie = settings.LANGUAGE_COOKIE_NAME
    if request.COOKIES.get(cookie) != language:
        response.set_cookie(
            cookie,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return language


# Pages a person with powers but no second factor may still reach: setting one up (which
# may ask for the password again), signing out, e-mail confirmation, language switching and
# the scripts and files every page loads.
MFA_SETUP_VIEWS = frozenset(
    {
        "accounts:mfa_required",
        "mfa_index",
        "mfa_activate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_add_webauthn",
        "mfa_list_webauthn",
        "mfa_reauthenticate",
        "mfa_authenticate",
        "account_reauthenticate",
        "account_logout",
        "account_login",
        "account_confirm_email",
        "account_email_verification_sent",
        "set_language",
        "javascript-catalog",
        "healthz",
    }
)


class AccountSecurityMiddleware:
    """Two things every request needs from accounts.

    1. The request is bound to the audit log for its duration, so changes made through the
       admin are recorded with who made them (`accounts.audit`).
    2. Tutors, institution admins, editors and staff without a second factor are sent to the
       set-up page, whatever they ask for, until they add one (ACCOUNTS_MFA_ENFORCED).
       One query per signed-in request decides it (`selectors.security_profile`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from . import audit

        token = audit.bind_request(request)
        try:
            return self.get_response(request)
        finally:
            audit.unbind_request(token)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        from . import policies, selectors

        if not getattr(settings, "ACCOUNTS_MFA_ENFORCED", True) or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in MFA_SETUP_VIEWS:
            return None
        if request.path_info.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
            return None
        profile = selectors.security_profile(request.user)
        if not policies.must_enrol_second_factor(request.user, profile):
            return None
        target = reverse("accounts:mfa_required")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)
