"""HTTP side of discussions: server-rendered rooms and plain forms that work without
JavaScript. Every write goes through forums.services; every read is checked by
forums.policies."""

import uuid
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lms.errors import ServiceError
from modules.models import ReadingPage

from . import policies, selectors, services
from .forms import (
    ConfigureForm,
    MuteForm,
    PostEditForm,
    PostForm,
    ReactionForm,
    ReasonForm,
    ResolveFlagForm,
    ThreadForm,
)
from .models import Flag, Post, Reaction, Space, Thread
from .rooms import CohortRoomContext, RoomContext

# The room views serve every place that has rooms: a cohort's (the default) and, through the
# `room_type` its URLconf passes, the alumni community's. The other URL arguments locate the room.


def _space_for(request: HttpRequest, cohort_slug: str) -> tuple[Space, policies.SpaceAccess]:
    room_ctx = CohortRoomContext.locate(request, cohort_slug=cohort_slug)
    return room_ctx.space, room_ctx.access


def _render_room(
    request, room_ctx: RoomContext, thread, *, post_form=None, thread_form=None, status=HTTPStatus.OK
):
    space, access = room_ctx.space, room_ctx.access
    threads = selectors.threads(space)
    return render(
        request,
        room_ctx.room_template,
        {
            "room_ctx": room_ctx,
            "space": space,
            "access": access,
            "can_post": policies.can_post(access),
            "threads": threads,
            "thread": thread,
            "posts": selectors.thread_posts(thread, access),
            "post_form": post_form or PostForm(initial={"client_id": uuid.uuid4().hex}),
            "thread_form": thread_form or ThreadForm(initial={"client_id": uuid.uuid4().hex}),
            "empty_reactions": [(kind, label, 0) for kind, label in Reaction.Kind.choices],
            **room_ctx.room_extra(request),
        },
        status=status,
    )


@login_required
def room(
    request: HttpRequest, room_type: type[RoomContext] = CohortRoomContext, **where: str
) -> HttpResponse:
    room_ctx = room_type.locate(request, **where)
    thread = room_ctx.space.threads.filter(kind=Thread.Kind.GENERAL).first()
    if thread is None:
        raise Http404
    return _render_room(request, room_ctx, thread)


@login_required
def thread_detail(
    request: HttpRequest, thread_id: int, room_type: type[RoomContext] = CohortRoomContext, **where: str
) -> HttpResponse:
    room_ctx = room_type.locate(request, **where)
    thread = get_object_or_404(room_ctx.space.threads, pk=thread_id)
    return _render_room(request, room_ctx, thread)


@login_required
@require_POST
def post_create(
    request: HttpRequest, thread_id: int, room_type: type[RoomContext] = CohortRoomContext, **where: str
) -> HttpResponse:
    room_ctx = room_type.locate(request, **where)
    thread = get_object_or_404(room_ctx.space.threads.select_related("space"), pk=thread_id)
    form = PostForm(request.POST)
    if form.is_valid():
        try:
            post = services.post_create(
                user=request.user,
                thread=thread,
                body=form.cleaned_data["body"],
                client_msg_id=form.cleaned_data["client_id"],
                language=request.LANGUAGE_CODE,
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            if post.status == Post.Status.HELD:
                messages.info(request, room_ctx.held_message)
            return redirect(f"{room_ctx.thread_url(thread)}#post-{post.pk}")
    # Re-render with what the person wrote, and the error: nothing is lost.
    return _render_room(request, room_ctx, thread, post_form=form, status=HTTPStatus.BAD_REQUEST)


@login_required
@require_POST
def thread_create(
    request: HttpRequest, room_type: type[RoomContext] = CohortRoomContext, **where: str
) -> HttpResponse:
    room_ctx = room_type.locate(request, **where)
    form = ThreadForm(request.POST)
    if form.is_valid():
        try:
            thread = services.thread_create(
                user=request.user,
                space=room_ctx.space,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                client_msg_id=form.cleaned_data["client_id"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect(room_ctx.thread_url(thread))
    general = room_ctx.space.threads.filter(kind=Thread.Kind.GENERAL).first()
    return _render_room(request, room_ctx, general, thread_form=form, status=HTTPStatus.BAD_REQUEST)


POST_ACTIONS = {"hide", "restore", "approve", "delete", "flag", "react", "notable", "edit"}


@login_required
@require_http_methods(["GET", "POST"])
def post_action(
    request: HttpRequest,
    post_id: int,
    action: str,
    room_type: type[RoomContext] = CohortRoomContext,
    **where: str,
) -> HttpResponse:
    if action not in POST_ACTIONS or action in room_type.unsupported_post_actions:
        raise Http404
    if request.method == "GET" and action != "edit":
        return HttpResponseNotAllowed(["POST"])
    room_ctx = room_type.locate(request, **where)
    space = room_ctx.space
    post = get_object_or_404(
        Post.objects.select_related("space__cohort", "thread", "author"), pk=post_id, space=space
    )
    if action == "edit":
        return _post_edit(request, room_ctx, post)
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
    return redirect(f"{room_ctx.thread_url(post.thread)}#post-{post.pk}")


def _post_edit(request: HttpRequest, room_ctx: RoomContext, post: Post) -> HttpResponse:
    """Edit one's own post: a page with the Markdown source (the room's script asks for the same
    source as JSON), and on error the page again with what was written and why it was refused."""
    access = room_ctx.access
    # Only the author, ever; a thread locked since the page was opened is the service's refusal,
    # shown with the text kept (a GET on a locked thread has nothing to offer: 403).
    allowed = (
        policies.can_edit_post(access, post.author_id)
        if request.method == "POST"
        else policies.can_edit_post_now(
            access, author_id=post.author_id, status=post.status, thread_locked=post.thread.locked
        )
    )
    if not allowed:
        raise DjangoPermissionDenied(_("You can only edit your own posts."))
    if post.thread.kind == Thread.Kind.PASSAGE and post.thread.anchor_page_id:
        back = _reading_url(room_ctx.space, post.thread.anchor_page_id, f"c-{post.pk}")
    else:
        back = f"{room_ctx.thread_url(post.thread)}#post-{post.pk}"
    status = HTTPStatus.OK
    if request.method == "POST":
        form = PostEditForm(request.POST)
        if form.is_valid():
            try:
                services.post_edit(user=request.user, post=post, body=form.cleaned_data["body"])
            except ServiceError as exc:
                if exc.code == "forbidden":
                    raise DjangoPermissionDenied(exc.message) from exc
                form.add_error("body", exc.message)
            else:
                return redirect(back)
        status = HTTPStatus.BAD_REQUEST
    elif "application/json" in request.headers.get("Accept", ""):
        # The source is only ever served here, to the author (checked above).
        return JsonResponse({"post": post.pk, "body": post.body_source})
    else:
        form = PostEditForm(initial={"body": post.body_source})
    return render(
        request,
        "forums/post_edit.html",
        {"room_ctx": room_ctx, "post": post, "thread": post.thread, "form": form, "back": back},
        status=status,
    )


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
def thread_state(
    request: HttpRequest, thread_id: int, room_type: type[RoomContext] = CohortRoomContext, **where: str
) -> HttpResponse:
    room_ctx = room_type.locate(request, **where)
    thread = get_object_or_404(room_ctx.space.threads.select_related("space"), pk=thread_id)
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
    return redirect(room_ctx.thread_url(thread))


@login_required
@require_http_methods(["GET", "POST"])
def moderation(
    request: HttpRequest, room_type: type[RoomContext] = CohortRoomContext, **where: str
) -> HttpResponse:
    room_ctx = room_type.locate(request, **where)
    if not policies.can_moderate(room_ctx.access):
        raise DjangoPermissionDenied
    space = room_ctx.space
    configure_form = ConfigureForm(
        initial={"slow_mode_seconds": space.slow_mode_seconds, "premoderated": space.premoderated}
    )
    if request.method == "POST":
        try:
            _moderation_post(request, room_ctx)
        except ServiceError as exc:
            if exc.code == "forbidden":
                raise DjangoPermissionDenied(exc.message) from exc
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Done."))
        return redirect(room_ctx.url("moderation"))
    return render(
        request,
        room_ctx.moderation_template,
        {
            "room_ctx": room_ctx,
            "space": space,
            "configure_form": configure_form,
            **selectors.moderation_queue(space),
            **room_ctx.moderation_extra(request),
        },
    )


def _moderation_post(request: HttpRequest, room_ctx: RoomContext) -> None:
    space = room_ctx.space
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
    elif not room_ctx.moderate(request, action):  # the place's own actions (alumni: remove a member)
        raise ServiceError("invalid", _("Unknown action."))
