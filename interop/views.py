"""HTTP for exports and the LTI tool. Export views ask `interop.policies`; LTI views trust
only what `interop.services` verified.

The LTI views (login initiation, launch, deep linking) are the only frameable pages of
Legis: `xframe_options_exempt` lifts the site-wide X-Frame-Options: DENY for them alone,
and a `Content-Security-Policy: frame-ancestors` header names the registered platforms
that may frame them. They are also CSRF-exempt: platforms post to them from another site,
and what protects them is the platform's signature, the one-use state and nonce, and
(for the deep-linking form) a signed, short-lived ticket.
"""

from http import HTTPStatus
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.models import Course
from modules.models import ModulePage, ReadingPage
from modules.selectors import in_language

from . import lti, packaging, policies, selectors, services
from .forms import ExportForm
from .models import LtiPlatform, LtiToolKey

STATE_COOKIE_PREFIX = "legis_lti_"
DEEP_LINK_SALT = "interop.deep-link"
DEEP_LINK_TICKET_SECONDS = 30 * 60
AUTH_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "interop/forbidden.html", status=HTTPStatus.FORBIDDEN)


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


# --- exports ------------------------------------------------------------------------------


@login_required
@require_GET
def export_index(request: HttpRequest) -> HttpResponse:
    if not policies.can_export(request.user):
        return _forbidden(request)
    return render(
        request,
        "interop/export_index.html",
        {"modules": selectors.exportable_modules(), "programmes": selectors.exportable_programmes()},
    )


def _export_form(request: HttpRequest) -> ExportForm:
    return ExportForm(initial={"language": translation.get_language(), "format": packaging.FORMAT_CC})


def _download(request: HttpRequest, subject, tree_for, template_context: dict) -> HttpResponse:
    form = ExportForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "interop/export_subject.html",
            {**template_context, "form": form},
            status=HTTPStatus.BAD_REQUEST,
        )
    tree = tree_for(subject, form.cleaned_data["language"])
    package = packaging.build(tree, form.cleaned_data["format"], base_url=_base_url(request))
    response = HttpResponse(package.data, content_type=package.content_type)
    response["Content-Disposition"] = f'attachment; filename="{package.filename}"'
    return response


def _module_or_404(page_id: int) -> ModulePage:
    module = selectors.module_by_id(page_id)
    if module is None:
        raise Http404
    return module


def _module_context(module: ModulePage) -> dict:
    return {
        "subject_title": in_language(module, translation.get_language())[0].title,
        "subject_kind": _("Module"),
        "download_url": reverse("interop:download_module", args=[module.pk]),
    }


@login_required
@require_GET
def export_module(request: HttpRequest, page_id: int) -> HttpResponse:
    module = _module_or_404(page_id)
    if not policies.can_export_module(request.user, module):
        return _forbidden(request)
    context = {**_module_context(module), "form": _export_form(request), "back_url": module.url}
    return render(request, "interop/export_subject.html", context)


@login_required
@require_GET
def download_module(request: HttpRequest, page_id: int) -> HttpResponse:
    module = _module_or_404(page_id)
    if not policies.can_export_module(request.user, module):
        return _forbidden(request)
    return _download(request, module, selectors.module_tree, _module_context(module))


def _programme_context(course: Course) -> dict:
    return {
        "subject_title": course.title,
        "subject_kind": _("Programme"),
        "download_url": reverse("interop:download_programme", args=[course.slug]),
    }


@login_required
@require_GET
def export_programme(request: HttpRequest, slug: str) -> HttpResponse:
    course = get_object_or_404(Course, slug=slug)
    if not policies.can_export_programme(request.user, course):
        return _forbidden(request)
    context = {**_programme_context(course), "form": _export_form(request)}
    return render(request, "interop/export_subject.html", context)


@login_required
@require_GET
def download_programme(request: HttpRequest, slug: str) -> HttpResponse:
    course = get_object_or_404(Course, slug=slug)
    if not policies.can_export_programme(request.user, course):
        return _forbidden(request)
    return _download(request, course, selectors.programme_tree, _programme_context(course))


@login_required
@require_GET
def discuss(request: HttpRequest, reading_id: int) -> HttpResponse:
    """Where an exported reading's "discuss" link lands: the reading in the person's cohort."""
    reading = get_object_or_404(ReadingPage.objects.live(), pk=reading_id)
    found = selectors.discussion_cohort(request.user, reading.pk)
    if found is not None:
        cohort, _week = found
        return redirect("courses:reading", cohort.slug, reading.pk)
    messages.info(request, _("This reading is discussed in cohorts. Join one to take part."))
    return redirect(in_language(reading, translation.get_language())[0].url)


# --- LTI 1.3 --------------------------------------------------------------------------------


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _frame_policy(
    response: HttpResponse, platform: LtiPlatform | None, *, form_target: str = ""
) -> HttpResponse:
    """Let the registered platform frame this response (and, for the deep-linking answer, let
    its form post back to the platform). The site's Content-Security-Policy stays as it is
    otherwise: django-csp reads these per-response changes."""
    if platform is not None:
        origins = platform.allowed_frame_origins
    else:
        origins = sorted({o for p in LtiPlatform.objects.all() for o in p.allowed_frame_origins})
    response._csp_replace = {"frame-ancestors": ["'self'", *origins]}
    if form_target:
        response._csp_update = {"form-action": [_origin(form_target)]}
    if "csp.middleware.CSPMiddleware" not in settings.MIDDLEWARE:
        response["Content-Security-Policy"] = "frame-ancestors " + " ".join(["'self'", *origins])
    return response


def _lti_error(
    request: HttpRequest, error: lti.LtiError, platform: LtiPlatform | None = None
) -> HttpResponse:
    response = render(
        request, "interop/lti_error.html", {"code": error.code, "message": error.message}, status=error.status
    )
    return _frame_policy(response, platform)


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def lti_login(request: HttpRequest) -> HttpResponse:
    """OIDC third-party login initiation: remember a state and nonce, send the browser to the platform."""
    params = request.POST if request.method == "POST" else request.GET
    issuer, login_hint = params.get("iss", ""), params.get("login_hint", "")
    target = params.get("target_link_uri", "")
    platforms = LtiPlatform.objects.filter(issuer=issuer)
    if params.get("client_id"):
        platforms = platforms.filter(client_id=params["client_id"])
    platform = platforms.first()
    if platform is None:
        return _lti_error(
            request, lti.LtiError("unknown_platform", _("This LMS is not registered with Legis."), 403)
        )
    if not login_hint:
        return _lti_error(request, lti.LtiError("missing_claim", _("The login request lacks a login hint.")))
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) or "://" not in target:
        return _lti_error(
            request, lti.LtiError("bad_target", _("The link does not point to this Legis site.")), platform
        )
    state = services.lti_login_state_create(platform=platform, target_link_uri=target)
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": platform.client_id,
        "redirect_uri": request.build_absolute_uri(reverse("interop:lti_launch")),
        "login_hint": login_hint,
        "state": state.state,
        "nonce": state.nonce,
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    separator = "&" if "?" in platform.auth_login_url else "?"
    response = redirect(platform.auth_login_url + separator + urlencode(query))
    # The platform posts the launch back from its own site: the cookie must be SameSite=None
    # to come with it, which browsers accept only on secure cookies (loopback tests use Lax).
    response.set_cookie(
        STATE_COOKIE_PREFIX + state.state,
        "1",
        max_age=int(services.STATE_LIFETIME.total_seconds()),
        httponly=True,
        secure=request.is_secure(),
        samesite="None" if request.is_secure() else "Lax",
    )
    return _frame_policy(response, platform)


@csrf_exempt
@xframe_options_exempt
@require_POST
def lti_launch(request: HttpRequest) -> HttpResponse:
    state = request.POST.get("state", "")
    cookie_state = state if request.COOKIES.get(STATE_COOKIE_PREFIX + state) else None
    try:
        result = services.lti_launch(
            id_token=request.POST.get("id_token", ""), state=state, cookie_state=cookie_state
        )
    except lti.LtiError as error:
        return _lti_error(request, error)
    login(request, result.user, backend=AUTH_BACKEND)
    translation.activate(result.language)
    if result.message_type == lti.DEEP_LINKING_REQUEST:
        response = _deep_link_picker(request, result)
    elif request.headers.get("Sec-Fetch-Dest") == "iframe":
        # Inside the LMS's frame, browsers may refuse Legis's session cookie: offer to continue
        # in a window of its own, signed in by a one-use link.
        handoff = services.lti_handoff_create(user=result.user, target=result.destination)
        response = render(
            request,
            "interop/lti_frame.html",
            {
                "continue_url": reverse("interop:lti_continue", args=[handoff.token]),
                "cohort": result.cohort,
            },
        )
    else:
        response = redirect(result.destination)
    response.delete_cookie(STATE_COOKIE_PREFIX + state)
    return _frame_policy(response, result.platform)


def _deep_link_picker(request: HttpRequest, result: services.LaunchResult) -> HttpResponse:
    settings_claim = result.deep_linking
    if "ltiResourceLink" not in settings_claim.get("accept_types", ["ltiResourceLink"]):
        error = lti.LtiError("unsupported_message", _("Your LMS asked for content Legis cannot give."))
        return _lti_error(request, error, result.platform)
    ticket = signing.dumps(
        {
            "platform": result.platform.pk,
            "deployment_id": settings_claim["deployment_id"],
            "return_url": settings_claim["deep_link_return_url"],
            "data": settings_claim.get("data"),
            "multiple": bool(settings_claim.get("accept_multiple", True)),
            "user": result.user.pk,
        },
        salt=DEEP_LINK_SALT,
    )
    return render(
        request,
        "interop/deep_link_select.html",
        {
            "outline": selectors.curriculum_outline(),
            "ticket": ticket,
            "multiple": bool(settings_claim.get("accept_multiple", True)),
        },
    )


@csrf_exempt
@xframe_options_exempt
@require_POST
def lti_deep_link(request: HttpRequest) -> HttpResponse:
    """The teacher chose modules or readings: sign them into an LtiDeepLinkingResponse and post it back."""
    try:
        ticket = signing.loads(
            request.POST.get("ticket", ""), salt=DEEP_LINK_SALT, max_age=DEEP_LINK_TICKET_SECONDS
        )
    except signing.BadSignature:
        return _lti_error(
            request, lti.LtiError("expired", _("This choice has expired. Start again from your LMS."), 403)
        )
    platform = LtiPlatform.objects.filter(pk=ticket["platform"]).first()
    if platform is None:
        return _lti_error(request, lti.LtiError("unknown_platform", _("This LMS is not registered."), 403))
    ids = []
    for value in request.POST.getlist("page"):
        if value.isdigit():
            ids.append(int(value))
    pages = selectors.pages_by_ids(ids if ticket["multiple"] else ids[:1])
    if not pages:
        response = render(
            request,
            "interop/deep_link_select.html",
            {
                "outline": selectors.curriculum_outline(),
                "ticket": request.POST["ticket"],
                "multiple": ticket["multiple"],
                "error": _("Choose at least one module or reading."),
            },
            status=HTTPStatus.BAD_REQUEST,
        )
        return _frame_policy(response, platform)
    token = services.lti_deep_link_response(
        platform=platform,
        deployment_id=ticket["deployment_id"],
        pages=pages,
        launch_url=request.build_absolute_uri(reverse("interop:lti_launch")),
        data=ticket.get("data"),
    )
    response = render(
        request,
        "interop/deep_link_return.html",
        {"return_url": ticket["return_url"], "jwt": token, "pages": pages},
    )
    return _frame_policy(response, platform, form_target=ticket["return_url"])


@require_GET
def lti_continue(request: HttpRequest, token: str) -> HttpResponse:
    try:
        handoff = services.lti_handoff_consume(token=token)
    except lti.LtiError as error:
        return _lti_error(request, error)
    login(request, handoff.user, backend=AUTH_BACKEND)
    target = handoff.target
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


@require_GET
def lti_jwks(request: HttpRequest) -> JsonResponse:
    """This tool's public keys, for platforms to check what it signs (deep-linking responses)."""
    services.tool_key_active()
    response = JsonResponse({"keys": [key.public_jwk for key in LtiToolKey.objects.order_by("-created_at")]})
    response["Cache-Control"] = "public, max-age=300"
    return response
