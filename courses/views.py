"""HTTP for cohorts. Views translate requests to services, selectors and policies and back:
every cohort page asks `courses.policies` whether the person may see it, and every write
goes through `courses.services`."""

from collections.abc import Callable
from functools import wraps
from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lms import ratelimit
from lms.errors import PermissionDenied, ServiceError
from modules.models import ReadingPage
from modules.selectors import glossary_for, in_language, passages_changed_since
from reports import services as report_services
from reports.models import ParticipantProfile

from . import extensions, policies, selectors, services
from .certificates import render_certificate_pdf
from .forms import (
    ApplyForm,
    BulkInvitationForm,
    CompletionForm,
    FeedbackForm,
    JoinForm,
    NudgeForm,
    ProfileAnswersForm,
    VerifyForm,
)
from .models import Cohort, Enrolment, Invitation, ReadingProgress

VERIFY_LOOKUPS_PER_IP = 60
VERIFY_WINDOW_SECONDS = 15 * 60

Policy = Callable[[policies.CohortAccess], bool]


PROFILE_ERROR_FIELDS = {"gender_required": "gender", "professional_role_required": "professional_role"}


def _previous_answers(user) -> dict[str, str]:
    """The trainee's last answers, so a second enrolment does not ask from scratch."""
    profile = ParticipantProfile.objects.latest_for(user)
    return {"gender": profile.gender, "professional_role": profile.professional_role} if profile else {}


def _client_ip(request: HttpRequest) -> str:
    return ratelimit.client_ip(request.META, settings.TRUSTED_PROXY_COUNT)


def forbidden(request: HttpRequest, message: str = "", cohort: Cohort | None = None) -> HttpResponse:
    return render(
        request,
        "courses/forbidden.html",
        {"message": message, "cohort": cohort},
        status=HTTPStatus.FORBIDDEN,
    )


def cohort_view(policy: Policy) -> Callable:
    """Load the cohort named in the URL and let the view run only if `policy` allows it.

    Anonymous visitors go to the login page; signed-in people the policy refuses get a 403.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapper(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
            cohort = get_object_or_404(Cohort.objects.select_related("course", "institution"), slug=slug)
            access = policies.cohort_access(request.user, cohort)
            if not policy(access):
                return forbidden(request, cohort=cohort if policies.can_view_cohort(access) else None)
            return view(request, access, *args, **kwargs)

        return wrapper

    return decorator


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


# ---- Trainee pages ------------------------------------------------------------------------------


@require_GET
@login_required
def my_courses(request: HttpRequest) -> HttpResponse:
    user = request.user
    is_staff = user.is_superuser or user.has_perm("courses.manage_any_cohort")
    return render(
        request,
        "courses/my_courses.html",
        {
            "items": selectors.my_cohorts(user),
            "staff_cohorts": selectors.staff_cohorts() if is_staff else [],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def join(request: HttpRequest) -> HttpResponse:
    status = HTTPStatus.OK
    if request.method == "POST":
        form = JoinForm(request.POST)
        if form.is_valid():
            try:
                enrolment = services.enrolment_join_with_code(
                    user=request.user,
                    code=form.cleaned_data["code"],
                    ip=_client_ip(request),
                    country=form.cleaned_data["country"],
                    agency_type=form.cleaned_data["agency_type"],
                    gender=form.cleaned_data["gender"],
                    professional_role=form.cleaned_data["professional_role"],
                )
            except ServiceError as error:
                field = "code" if error.code == "bad_code" else PROFILE_ERROR_FIELDS.get(error.code)
                form.add_error(field, error.message)
                if error.code == "rate_limited":
                    status = HTTPStatus.TOO_MANY_REQUESTS
                elif error.code == "cohort_full":
                    status = HTTPStatus.CONFLICT
            else:
                messages.success(request, _("Welcome to %(cohort)s.") % {"cohort": enrolment.cohort.title})
                return redirect("courses:dashboard", slug=enrolment.cohort.slug)
    else:
        form = JoinForm(
            initial={
                "code": request.GET.get("code", ""),
                "country": request.user.country,
                **_previous_answers(request.user),
            }
        )
    return render(request, "courses/join.html", {"form": form}, status=status)


@require_GET
def open_cohorts(request: HttpRequest) -> HttpResponse:
    return render(request, "courses/open_cohorts.html", {"cohorts": selectors.open_cohorts()})


@require_http_methods(["GET", "POST"])
@login_required
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = get_object_or_404(Cohort.objects.select_related("course", "institution"), slug=slug)
    access = policies.cohort_access(request.user, cohort)
    if access.is_member:
        messages.info(request, _("You already have a place in this cohort."))
        return redirect("courses:dashboard", slug=cohort.slug)
    if not policies.can_apply(access):
        message = _("This cohort does not take applications.")
        if access.enrolment and access.enrolment.status == Enrolment.Status.DECLINED:
            message = _("Your application to this cohort was declined.")
        return forbidden(request, message)
    refusal = extensions.application_refusal(request.user, cohort)  # e.g. nominations only
    if refusal:
        return forbidden(request, refusal)
    if request.method == "POST":
        form = ApplyForm(request.POST)
        if form.is_valid():
            try:
                services.enrolment_apply(user=request.user, cohort=cohort, **form.cleaned_data)
            except ServiceError as error:
                form.add_error(PROFILE_ERROR_FIELDS.get(error.code), error.message)
            else:
                messages.success(
                    request, _("Your application was sent. You will hear by e-mail when it is decided.")
                )
                return redirect("courses:my_courses")
    else:
        initial = {"country": request.user.country, **_previous_answers(request.user)}
        if access.enrolment:  # an application awaiting a decision may be revised
            initial.update(statement=access.enrolment.statement, agency_type=access.enrolment.agency_type)
        form = ApplyForm(initial=initial)
    return render(
        request,
        "courses/apply.html",
        {"cohort": cohort, "form": form, "pending": access.enrolment is not None},
    )


@require_GET
@cohort_view(policies.can_view_cohort)
def dashboard(request: HttpRequest, access: policies.CohortAccess) -> HttpResponse:
    cohort = access.cohort
    enrolment = access.enrolment if access.is_trainee else None
    context = {
        "cohort": cohort,
        "access": access,
        "dashboard": selectors.dashboard(cohort, enrolment),
        "can_tutor": policies.can_tutor(access),
    }
    if enrolment is not None:
        context.update(
            completion=selectors.completion_status(enrolment),
            can_complete=policies.can_complete(access),
            can_give_feedback=policies.can_give_feedback(access),
            answered_feedback=selectors.has_answered_feedback(enrolment),
            certificate=getattr(enrolment, "certificate", None)
            if enrolment.status == Enrolment.Status.COMPLETED
            else None,
        )
    if context["can_tutor"]:
        context.update(
            pending_count=len(selectors.pending_applications(cohort)),
            places_taken=selectors.places_taken(cohort),
        )
    return render(request, "courses/dashboard.html", context)


@require_GET
@cohort_view(policies.can_view_cohort)
def week(request: HttpRequest, access: policies.CohortAccess, number: int) -> HttpResponse:
    cohort = access.cohort
    board = selectors.dashboard(cohort, access.enrolment if access.is_trainee else None)
    if not 1 <= number <= len(board.weeks):
        raise Http404
    week_view = board.weeks[number - 1]
    context = {"cohort": cohort, "access": access, "week": week_view, "dashboard": board}
    if not policies.can_open_week(access, number):
        return render(request, "courses/locked.html", context, status=HTTPStatus.FORBIDDEN)
    return render(request, "courses/week.html", context)


@require_GET
@cohort_view(policies.can_view_cohort)
def reading(request: HttpRequest, access: policies.CohortAccess, reading_id: int) -> HttpResponse:
    cohort = access.cohort
    number = selectors.week_of_reading(cohort, reading_id)
    if number is None:
        raise Http404
    page = get_object_or_404(ReadingPage.objects.live(), pk=reading_id)
    if not policies.can_open_week(access, number):
        # The title only: a locked reading's text never leaves the server.
        return render(
            request,
            "courses/locked.html",
            {
                "cohort": cohort,
                "access": access,
                "reading_title": page.title,
                "week_number": number,
                "unlocks_at": cohort.week_unlocks_at(number),
            },
            status=HTTPStatus.FORBIDDEN,
        )
    week_view = selectors.syllabus(cohort)[number - 1]
    position = next(i for i, r in enumerate(week_view.readings) if r.pk == page.pk)
    done = (
        access.is_trainee
        and ReadingProgress.objects.filter(enrolment=access.enrolment, reading=page).exists()
    )
    # The cohort runs in one language: its translation of the reading, else English with a notice.
    original = page
    page, fallback = in_language(original, cohort.language)
    # Other apps (forums: passage comments) add their layer here; courses does not import them.
    layer = extensions.reading_layer(request, access, page)
    passages = [(block, layer.for_block(block) if layer else None) for block in page.body]
    response = render(
        request,
        "courses/reading.html",
        {
            "cohort": cohort,
            "access": access,
            "page": page,
            "original": original,
            "fallback_language": cohort.get_language_display() if fallback else "",
            # For a finished cohort: which passages were revised after it ended.
            "changed": passages_changed_since(page, cohort.ends_at)
            if cohort.state() == cohort.State.ENDED
            else set(),
            "passages": passages,
            "layer": layer,
            "glossary": glossary_for(page),
            "week": week_view,
            "done": done,
            "can_mark": policies.can_mark_progress(access),
            "previous_reading": week_view.readings[position - 1] if position > 0 else None,
            "next_reading": week_view.readings[position + 1]
            if position + 1 < len(week_view.readings)
            else None,
        },
    )
    if page.has_sensitive_content:
        patch_cache_control(response, no_store=True, private=True)  # evidence stays off shared disks
    return response


@require_POST
@cohort_view(policies.can_mark_progress)
def reading_done(request: HttpRequest, access: policies.CohortAccess, reading_id: int) -> HttpResponse:
    cohort = access.cohort
    fallback = reverse("courses:reading", args=[cohort.slug, reading_id])
    try:
        progress = services.reading_mark_done(user=request.user, cohort=cohort, reading_id=reading_id)
    except PermissionDenied as error:
        return forbidden(request, error.message, cohort)
    except ServiceError as error:
        if _wants_json(request):
            return JsonResponse({"error": error.code, "message": error.message}, status=HTTPStatus.CONFLICT)
        messages.error(request, error.message)
        return redirect(fallback)
    if _wants_json(request):
        board = selectors.dashboard(cohort, access.enrolment)
        week_view = board.weeks[progress.week - 1]
        return JsonResponse(
            {
                "done": True,
                "reading": reading_id,
                "week": progress.week,
                "week_done": week_view.done_count,
                "week_total": len(week_view.readings),
                "course_done": board.done_readings,
                "course_total": board.total_readings,
            }
        )
    messages.success(request, _("Marked as read."))
    return redirect(_safe_next(request, fallback))


@require_POST
@cohort_view(policies.can_complete)
def complete_self(request: HttpRequest, access: policies.CohortAccess) -> HttpResponse:
    cohort = access.cohort
    try:
        services.enrolment_complete_self(user=request.user, cohort=cohort)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Congratulations: you have completed the course. Your certificate is ready.")
        )
    return redirect("courses:dashboard", slug=cohort.slug)


@require_http_methods(["GET", "POST"])
@cohort_view(policies.can_give_feedback)
def feedback(request: HttpRequest, access: policies.CohortAccess) -> HttpResponse:
    cohort = access.cohort
    if selectors.has_answered_feedback(access.enrolment):
        return render(request, "courses/feedback.html", {"cohort": cohort, "answered": True})
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_submit(user=request.user, cohort=cohort, data=form.cleaned_data)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect("courses:dashboard", slug=cohort.slug)
    return render(request, "courses/feedback.html", {"cohort": cohort, "form": form, "answered": False})


@require_http_methods(["GET", "POST"])
@login_required
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    invite = get_object_or_404(Invitation.objects.select_related("cohort__course"), token=token)
    error = ""
    status = HTTPStatus.OK
    if request.method == "POST":
        form = ProfileAnswersForm(request.POST)
        if form.is_valid():
            try:
                enrolment = services.invitation_accept(user=request.user, token=token, **form.cleaned_data)
            except ServiceError as failure:
                if failure.code in PROFILE_ERROR_FIELDS:
                    form.add_error(PROFILE_ERROR_FIELDS[failure.code], failure.message)
                else:
                    error = failure.message
            else:
                messages.success(request, _("Welcome to %(cohort)s.") % {"cohort": enrolment.cohort.title})
                return redirect("courses:dashboard", slug=enrolment.cohort.slug)
        status = HTTPStatus.BAD_REQUEST
    else:
        form = ProfileAnswersForm(initial=_previous_answers(request.user))
    return render(
        request,
        "courses/invitation.html",
        {
            "invitation": invite,
            "cohort": invite.cohort,
            "error": error,
            "form": form,
            "other_account": invite.email.lower() != request.user.email.lower(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def profile_answers(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own gender and role for the reports: nobody else's is reachable here."""
    if not policies.can_edit_profile_answers(request.user):
        return forbidden(request)
    status = HTTPStatus.OK
    if request.method == "POST":
        form = ProfileAnswersForm(request.POST)
        if form.is_valid():
            try:
                report_services.participant_profile_update_mine(user=request.user, **form.cleaned_data)
            except ServiceError as error:
                form.add_error(PROFILE_ERROR_FIELDS.get(error.code), error.message)
            else:
                messages.success(request, _("Your answers are saved."))
                return redirect("courses:profile_answers")
        status = HTTPStatus.BAD_REQUEST
    else:
        form = ProfileAnswersForm(initial=_previous_answers(request.user))
    has_enrolments = Enrolment.objects.filter(user=request.user, role=Enrolment.Role.TRAINEE).exists()
    return render(
        request,
        "courses/profile_answers.html",
        {"form": form, "has_enrolments": has_enrolments},
        status=status,
    )


# ---- Tutor pages --------------------------------------------------------------------------------


@require_GET
@cohort_view(policies.can_tutor)
def roster(request: HttpRequest, access: policies.CohortAccess) -> HttpResponse:
    cohort = access.cohort
    return render(
        request,
        "courses/roster.html",
        {"cohort": cohort, "access": access, "roster": selectors.roster(cohort)},
    )


def _trainee(cohort: Cohort, enrolment_id: int) -> Enrolment:
    return get_object_or_404(
        cohort.enrolments.select_related("user", "cohort__course"),
        pk=enrolment_id,
        role=Enrolment.Role.TRAINEE,
    )


@require_POST
@cohort_view(policies.can_tutor)
def nudge(request: HttpRequest, access: policies.CohortAccess, enrolment_id: int) -> HttpResponse:
    cohort = access.cohort
    enrolment = _trainee(cohort, enrolment_id)
    form = NudgeForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    services.nudge_send(actor=request.user, enrolment=enrolment, message=message)
    messages.success(request, _("Reminder sent to %(name)s.") % {"name": enrolment.user.public_name})
    return redirect("courses:roster", slug=cohort.slug)


@require_http_methods(["GET", "POST"])
@cohort_view(policies.can_tutor)
def completion(request: HttpRequest, access: policies.CohortAccess, enrolment_id: int) -> HttpResponse:
    cohort = access.cohort
    enrolment = _trainee(cohort, enrolment_id)
    form = CompletionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_complete(
                actor=request.user, enrolment=enrolment, reason=form.cleaned_data["reason"]
            )
        except ServiceError as error:
            form.add_error("reason" if error.code == "reason_required" else None, error.message)
        else:
            messages.success(
                request, _("%(name)s has completed the course.") % {"name": enrolment.user.public_name}
            )
            return redirect("courses:roster", slug=cohort.slug)
    return render(
        request,
        "courses/completion.html",
        {
            "cohort": cohort,
            "enrolment": enrolment,
            "status": selectors.completion_status(enrolment),
            "form": form,
        },
    )


@require_GET
@cohort_view(policies.can_tutor)
def applications(request: HttpRequest, access: policies.CohortAccess) -> HttpResponse:
    cohort = access.cohort
    return render(
        request,
        "courses/applications.html",
        {
            "cohort": cohort,
            "pending": selectors.pending_applications(cohort),
            "places_taken": selectors.places_taken(cohort),
        },
    )


@require_POST
@cohort_view(policies.can_tutor)
def decide(request: HttpRequest, access: policies.CohortAccess, enrolment_id: int) -> HttpResponse:
    cohort = access.cohort
    enrolment = get_object_or_404(cohort.enrolments.select_related("user", "cohort"), pk=enrolment_id)
    decision = request.POST.get("decision")
    if decision not in ("accept", "decline"):
        messages.error(request, _("Choose to accept or decline."))
        return redirect("courses:applications", slug=cohort.slug)
    try:
        services.enrolment_decide(actor=request.user, enrolment=enrolment, accept=decision == "accept")
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        template = (
            _("%(name)s was accepted and e-mailed.")
            if decision == "accept"
            else _("%(name)s was declined and e-mailed.")
        )
        messages.success(request, template % {"name": enrolment.user.public_name})
    return redirect("courses:applications", slug=cohort.slug)


@require_http_methods(["GET", "POST"])
@cohort_view(policies.can_tutor)
def invitations(request: HttpRequest, access: policies.CohortAccess) -> HttpResponse:
    cohort = access.cohort
    report = None
    if request.method == "POST":
        form = BulkInvitationForm(request.POST, request.FILES)
        if form.is_valid():
            report = services.invitations_bulk_create(
                actor=request.user,
                cohort=cohort,
                text=form.cleaned_data["text"],
                base_url=request.build_absolute_uri("/").rstrip("/"),
            )
            if not report.errors:
                form = BulkInvitationForm()
    else:
        form = BulkInvitationForm()
    sent = cohort.invitations.order_by("-created_at")[:100]
    return render(
        request,
        "courses/invitations.html",
        {"cohort": cohort, "form": form, "report": report, "sent": sent},
    )


# ---- Certificates -------------------------------------------------------------------------------


@require_GET
@login_required
def certificate(request: HttpRequest, code: str) -> HttpResponse:
    cert = selectors.certificate_by_code(code)
    if cert is None:
        raise Http404
    if not policies.can_download_certificate(request.user, cert):
        return forbidden(
            request, _("Only the holder of a certificate and the cohort's tutors may download it.")
        )
    verify_url = request.build_absolute_uri(reverse("courses:verify_code", args=[cert.code]))
    pdf = render_certificate_pdf(cert, verify_url=verify_url, language=request.LANGUAGE_CODE)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="legis-certificate-{cert.code}.pdf"'
    return response


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("courses:verify_code", code=form.cleaned_data["code"].strip().upper())
    return render(request, "courses/verify.html", {"form": form})


@require_GET
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    if not ratelimit.allow(
        "verify-ip", _client_ip(request), limit=VERIFY_LOOKUPS_PER_IP, window=VERIFY_WINDOW_SECONDS
    ):
        return render(
            request,
            "courses/verify.html",
            {"form": VerifyForm(), "rate_limited": True},
            status=HTTPStatus.TOO_MANY_REQUESTS,
        )
    verification = selectors.verify_certificate(code)
    return render(
        request,
        "courses/verify.html",
        {
            "form": VerifyForm(initial={"code": code}),
            "code": code,
            "verification": verification,
            "checked": True,
        },
        status=HTTPStatus.OK if verification else HTTPStatus.NOT_FOUND,
    )
