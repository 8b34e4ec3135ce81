from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

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
        language = translation.get_language_from_path(request.path_info)
        if language and response.status_code < 400:
            if request.COOKIES.get(cookie) != language:
                response.set_cookie(
                    cookie,
                    language,
                    max_age=settings.LANGUAGE_COOKIE_AGE,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                )
            if user.is_authenticated and user.preferred_language != language:
                User.objects.filter(pk=user.pk).update(preferred_language=language)
        return response
