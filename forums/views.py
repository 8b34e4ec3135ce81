"""HTTP side of discussions: server-rendered rooms and plain forms that work without
JavaScript. Every write goes through forums.services; every read is checked by
forums.policies."""

import uuid
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.models import Cohort
from lms.errors import ServiceError
from modules.models import ReadingPage

from . import policies, selectors, services
from .forms import ConfigureForm, MuteForm, PostForm, ReactionForm, ReasonForm, ResolveFlagForm, ThreadForm
from .models import Flag, Post, Reaction, Space, Thread


def _space_for(request: HttpRequest, cohort_slug: str) -> tuple[Space, policies.SpaceAccess]:
    cohort = get_object_or_404(Cohort.objects.select_related("course", "institution"), slug=cohort_slug)
    space = (
        Space.objects.filter(cohort=cohort).select_related("cohort__course", "cohort__institution").first()
    )
    if space is None:
        space = services.cohort_space_ensure(cohort)
    access = policies.space_access(request.user, space)
    if not policies.can_read(access):
        # Not a member: as if the room did not exist (no leak of who is in which cohort).
        raise Http404
    return space, access


def _room_url(space: Space, thread: Thread | None = None) -> str:
    if thread is None:
        return reverse("forums:room", args=[space.cohort.slug])
    return reverse("forums:thread", args=[space.cohort.slug, thread.pk])


def _render_room(request, space, access, thread, *, post_form=None, thread_form=None, status=HTTPStatus.OK):
    threads = selectors.threads(space)
    return render(
        request,
        "forums/room.html",
        {
            "space": space,
            "cohort": space.cohort,
            "access": access,
            "can_post": policies.can_post(access),
            "threads": threads,
            "thread": thread,
            "posts": selectors.thread_posts(thread, access),
            "post_form": post_form or PostForm(initial={"client_id": uuid.uuid4().hex}),
            "thread_form": thread_form or ThreadForm(initial={"client_id": uuid.uuid4().hex}),
            "empty_reactions": [(kind, label, 0) for kind, label in Reaction.Kind.choices],
        },
        status=status,
    )


@login_required
def cohort_room(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    space, access = _space_for(request, cohort_slug)
    thread = space.threads.filter(kind=Thread.Kind.GENERAL).first()
    return _render_room(request, space, access, thread)


@login_required
def thread_detail(request: HttpRequest, cohort_slug: str, thread_id: int) -> HttpResponse:
    space, access = _space_for(request, cohort_slug)
    thread = get_object_or_404(space.threads, pk=thread_id)
    return _render_room(request, space, access, thread)


@login_required
@require_POST
def post_create(request: HttpRequest, cohort_slug: str, thread_id: int) -> HttpResponse:
    space, access = _space_for(request, cohort_slug)
    thread = get_object_or_404(space.threads.select_related("space"), pk=thread_id)
    form = PostForm(request.POST)
    if form.is_valid():
        try:
            post = services.post_create(
                user=request.user,
                thread=thread,
                body=form.cleaned_data["body"],
                client_msg_id=form.cleaned_data["client_id"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            if post.status == Post.Status.HELD:
                messages.info(request, _("Your post is waiting for a tutor's approval."))
            return redirect(f"{_room_url(space, thread)}#post-{post.pk}")
    # Re-render with what the person wrote, and the error: nothing is lost.
    return _render_room(request, space, access, thread, post_form=form, status=HTTPStatus.BAD_REQUEST)


@login_required
@require_POST
def thread_create(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    space, access = _space_for(request, cohort_slug)
    form = ThreadForm(request.POST)
    if form.is_valid():
        try:
            thread = services.thread_create(
                user=request.user,
                space=space,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                client_msg_id=form.cleaned_data["client_id"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect(_room_url(space, thread))
    general = space.threads.filter(kind=Thread.Kind.GENERAL).first()
    return _render_room(request, space, access, general, thread_form=form, status=HTTPStatus.BAD_REQUEST)


POST_ACTIONS = {"hide", "restore", "approve", "delete", "flag", "react", "notable"}


@login_required
@require_POST
def post_action(request: HttpRequest, cohort_slug: str, post_id: int, action: str) -> HttpResponse:
    if action not in POST_ACTIONS:
        raise Http404
    space, _access = _space_for(request, cohort_slug)
    post = get_object_or_404(
        Post.objects.select_related("space__cohort", "thread", "author"), pk=post_id, space=space
    )
    reason = ReasonForm(request.POST)
    reason.is_valid()
    text = reason.cleaned_data.get("reason", "")
    try:
        if action == "hide":
            services.post_hide(actor=request.user, post=post, reason=text)
        elif action == "restore":
            services.post_restore(actor=request.user, post=post, reason=text)
        elif action == "approve":
            services.post_approve(actor=request.user, post=post)
        elif action == "delete":
            services.post_delete(user=request.user, post=post, reason=text)
        elif action == "flag":
            services.post_flag(user=request.user, post=post, reason=text)
            messages.success(request, _("Thank you: the moderators will look at this post."))
        elif action == "notable":
            services.post_mark_notable(actor=request.user, post=post, notable=not post.notable)
        elif action == "react":
            form = ReactionForm(request.POST)
            if not form.is_valid():
                raise ServiceError("bad_reaction", _("Unknown reaction."))
            services.reaction_toggle(user=request.user, post=post, kind=form.cleaned_data["kind"])
    except ServiceError as exc:
        if exc.code == "forbidden":
            raise DjangoPermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    if post.thread.kind == Thread.Kind.PASSAGE and post.thread.anchor_page_id:
        return redirect(_reading_url(space, post.thread.anchor_page_id, f"c-{post.pk}"))
    return redirect(f"{_room_url(space, post.thread)}#post-{post.pk}")


def _reading_url(space: Space, reading_id: int, fragment: str = "") -> str:
    url = reverse("courses:reading", args=[space.cohort.slug, reading_id])
    return f"{url}#{fragment}" if fragment else url


@login_required
@require_POST
def passage_post(request: HttpRequest, cohort_slug: str, reading_id: int, block_id: str) -> HttpResponse:
    """Comment on a passage with a plain form (the script sends the same over the socket)."""
    space, _access = _space_for(request, cohort_slug)
    reading = get_object_or_404(ReadingPage.objects.live(), pk=reading_id)
    form = PostForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write something before posting."))
        return redirect(_reading_url(space, reading.pk, f"p-{block_id}"))
    try:
        post = services.passage_post_create(
            user=request.user,
            space=space,
            reading=reading,
            block_id=block_id,
            body=form.cleaned_data["body"],
            client_msg_id=form.cleaned_data["client_id"],
            language=request.LANGUAGE_CODE,
        )
    except ServiceError as exc:
        if exc.code == "forbidden":
            raise DjangoPermissionDenied(exc.message) from exc
        # Keep the text: it comes back in the message so nothing is lost.
        messages.error(
            request,
            _("%(error)s Your comment was: %(body)s")
            % {
                "error": exc.message,
                "body": form.cleaned_data["body"][:2000],
            },
        )
        return redirect(_reading_url(space, reading.pk, f"p-{block_id}"))
    return redirect(_reading_url(space, reading.pk, f"c-{post.pk}"))


@login_required
@require_POST
def seed_question(request: HttpRequest, cohort_slug: str, reading_id: int, block_id: str) -> HttpResponse:
    space, _access = _space_for(request, cohort_slug)
    reading = get_object_or_404(ReadingPage.objects.live(), pk=reading_id)
    try:
        services.seed_question_create(
            actor=request.user,
            course=space.cohort.course,
            reading=reading,
            block_id=block_id,
            body=request.POST.get("body", ""),
        )
    except ServiceError as exc:
        if exc.code == "forbidden":
            raise DjangoPermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Question pinned for every cohort of this course."))
    return redirect(_reading_url(space, reading.pk, f"p-{block_id}"))


@login_required
@require_POST
def thread_state(request: HttpRequest, cohort_slug: str, thread_id: int) -> HttpResponse:
    space, _access = _space_for(request, cohort_slug)
    thread = get_object_or_404(space.threads.select_related("space"), pk=thread_id)
    changes = {}
    for field in ("locked", "pinned"):
        if field in request.POST:
            changes[field] = request.POST[field] == "1"
    try:
        services.thread_set(
            actor=request.user, thread=thread, reason=request.POST.get("reason", ""), **changes
        )
    except ServiceError as exc:
        if exc.code == "forbidden":
            raise DjangoPermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    return redirect(_room_url(space, thread))


@login_required
def moderation(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    space, access = _space_for(request, cohort_slug)
    if not policies.can_moderate(access):
        raise DjangoPermissionDenied
    configure_form = ConfigureForm(
        initial={"slow_mode_seconds": space.slow_mode_seconds, "premoderated": space.premoderated}
    )
    if request.method == "POST":
        try:
            _moderation_post(request, space)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Done."))
        return redirect("forums:moderation", cohort_slug)
    return render(
        request,
        "forums/moderation.html",
        {
            "space": space,
            "cohort": space.cohort,
            "configure_form": configure_form,
            **selectors.moderation_queue(space),
        },
    )


def _moderation_post(request: HttpRequest, space: Space) -> None:
    action = request.POST.get("action")
    if action == "configure":
        form = ConfigureForm(request.POST)
        if not form.is_valid():
            raise ServiceError("invalid", _("Check the slow-mode value."))
        services.space_configure(actor=request.user, space=space, **form.cleaned_data)
    elif action == "mute":
        form = MuteForm(request.POST)
        if not form.is_valid():
            raise ServiceError("invalid", _("Give the mute a duration in minutes."))
        target = get_object_or_404(get_user_model(), pk=form.cleaned_data["user"])
        services.participant_mute(
            actor=request.user,
            space=space,
            user=target,
            minutes=form.cleaned_data["minutes"],
            reason=form.cleaned_data["reason"],
        )
    elif action == "resolve_flag":
        form = ResolveFlagForm(request.POST)
        if not form.is_valid():
            raise ServiceError("reason_required", _("Say how the flag was resolved."))
        flag = get_object_or_404(
            Flag.objects.select_related("post__space"), pk=request.POST.get("flag"), post__space=space
        )
        services.flag_resolve(actor=request.user, flag=flag, resolution=form.cleaned_data["resolution"])
    else:
        raise ServiceError("invalid", _("Unknown action."))
