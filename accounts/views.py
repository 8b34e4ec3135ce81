"""HTTP for accounts: the profile, the two-factor requirement, the data download, deletion
and single-session sign-out. allauth serves sign-up, login, password reset, e-mail,
two-factor set-up and the session list; these pages sit beside them in the same layout."""

import json
from http import HTTPStatus

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.usersessions.adapter import get_adapter as get_sessions_adapter
from allauth.usersessions.models import UserSession

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from lms import ratelimit
from lms.errors import ServiceError

from . import policies, selectors, services
from .forms import DeleteAccountForm, ProfileForm

EXPORTS_PER_HOUR = 5
DELETE_ATTEMPTS = 5
DELETE_WINDOW_SECONDS = 5 * 60


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return ""


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.pseudonym_set(user=request.user, pseudonym=form.cleaned_data["pseudonym"])
        except ServiceError as exc:
            form.add_error("pseudonym", exc.message)
        else:
            request.user.display_name = form.cleaned_data["display_name"]
            request.user.save(update_fields=["display_name"])
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:profile")
    profile = selectors.security_profile(request.user)
    return render(request, "accounts/profile.html", {"form": form, "security": profile})


@never_cache
@login_required
def mfa_required(request: HttpRequest) -> HttpResponse:
    """Where people with powers land until they add a second factor."""
    profile = selectors.security_profile(request.user)
    if not profile.mfa_missing:
        return HttpResponseRedirect(_safe_next(request) or reverse("mfa_index"))
    return render(
        request,
        "accounts/mfa_required.html",
        {
            "security": profile,
            "next": _safe_next(request),
            "webauthn": "webauthn" in settings.MFA_SUPPORTED_TYPES,
        },
    )


@never_cache
@login_required
def data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/data.html",
        {"can_delete": policies.can_delete_own_account(request.user)},
    )


@never_cache
@login_required
@require_POST
def data_export(request: HttpRequest) -> HttpResponse:
    if not ratelimit.allow("data-export", request.user.pk, limit=EXPORTS_PER_HOUR, window=3600):
        messages.error(request, _("You have downloaded your data several times this hour. Try again later."))
        return redirect("accounts:data")
    payload = services.data_export(user=request.user, request=request)
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="legis-my-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    if not policies.can_delete_own_account(request.user):
        return render(request, "accounts/delete_refused.html", status=HTTPStatus.FORBIDDEN)
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and not ratelimit.allow(
        "account-delete", request.user.pk, limit=DELETE_ATTEMPTS, window=DELETE_WINDOW_SECONDS
    ):
        messages.error(request, _("Too many attempts. Try again in a few minutes."))
        return redirect("accounts:data")
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)  # first: the session ends while the account still exists
        services.account_delete(user=user, request=request)
        messages.success(
            request,
            _("Your account has been deleted. What you wrote in discussions stays, without your name."),
        )
        return redirect("/")
    status = HTTPStatus.BAD_REQUEST if form.is_bound and form.errors else HTTPStatus.OK
    return render(request, "accounts/delete.html", {"form": form}, status=status)


@login_required
@require_POST
def session_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign out one other browser (allauth's list offers only 'all other sessions')."""
    session = get_object_or_404(UserSession, pk=pk, user=request.user)
    if session.session_key == request.session.session_key:
        return redirect("account_logout")
    get_sessions_adapter().end_sessions([session])
    get_account_adapter().add_message(request, messages.INFO, "usersessions/messages/sessions_logged_out.txt")
    return redirect("usersessions_list")


@never_cache
def admin_login(request: HttpRequest) -> HttpResponse:
    """The Wagtail admin's login, taken over: signing in happens in allauth, so the admin gets
    the same rate limits and two-factor step as the site. (Wagtail sends signed-in people
    without admin access here too; they get a refusal, not a loop through the login page.)"""
    target = _safe_next(request) or "/admin/"
    if not request.user.is_authenticated:
        return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': target})}")
    if request.user.has_perm("wagtailadmin.access_admin"):
        return HttpResponseRedirect(target)
    return render(request, "accounts/admin_refused.html", status=HTTPStatus.FORBIDDEN)
