"""Every write to a discussion goes through here: check permission, sanitise, save in a
transaction, record an Event with the space's next id, and publish it only after commit.
HTTP views and WebSocket consumers both call these functions; neither writes models."""

from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses import policies as course_policies
from courses.models import Cohort, Course
from courses.selectors import course_weeks, week_of_reading
from lms import ratelimit
from lms.errors import PermissionDenied, ServiceError
from modules.models import ReadingPage

from . import events, policies
from .mentions import notify_mentions
from .models import Event, Flag, ModerationLog, Mute, Post, Reaction, SeedQuestion, Space, Thread
from .sanitize import MAX_SOURCE_LENGTH, render_post

POSTS_PER_MINUTE = 12
MAX_MUTE_MINUTES = 60 * 24 * 30
MAX_SLOW_MODE_SECONDS = 3600


def _next_seq(space_id: int) -> int:
    """Take the space's next event id. The row stays locked until commit, so ids commit in order."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE forums_space SET last_event_id = last_event_id + 1 WHERE id = %s RETURNING last_event_id",
            [space_id],
        )
        return cursor.fetchone()[0]


def _record(
    space: Space,
    kind: str,
    *,
    post: Post | None = None,
    thread: Thread | None = None,
    data: dict | None = None,
    reactions: dict[str, int] | None = None,
) -> Event:
    event = Event.objects.create(
        space=space, seq=_next_seq(space.pk), kind=kind, post=post, thread=thread, data=data or {}
    )
    message = events.message_for(event, post=post, thread=thread, reactions=reactions)
    transaction.on_commit(lambda: events.publish(space.pk, message))
    return event


def _log(space: Space, actor, action: str, target_type: str, target_id: int, reason: str = "") -> None:
    ModerationLog.objects.create(
        space=space, actor=actor, action=action, target_type=target_type, target_id=target_id, reason=reason
    )


def _require_moderator(user, space: Space) -> policies.SpaceAccess:
    access = policies.space_access(user, space)
    if not policies.can_moderate(access):
        raise PermissionDenied(_("Only this space's tutors and moderators may do that."))
    return access


def _check_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ServiceError("empty", _("Write something before posting."))
    if len(body) > MAX_SOURCE_LENGTH:
        raise ServiceError("too_long", _("Posts are limited to %(n)s characters.") % {"n": MAX_SOURCE_LENGTH})
    html = render_post(body)
    if not html:
        raise ServiceError("empty", _("Write something before posting."))
    return html


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("reason_required", _("Give a reason: it goes into the moderation log."))
    return reason[:2000]


def _access(user, space: Space, access: policies.SpaceAccess | None) -> policies.SpaceAccess:
    """The caller's access if it was computed for this person and space in this same call
    (the socket reads it fresh for every frame), else read now."""
    if access is not None and access.user_id == user.pk and access.space.pk == space.pk:
        return access
    return policies.space_access(user, space)


def _check_can_post(
    user, space: Space, thread: Thread | None, access: policies.SpaceAccess | None = None
) -> policies.SpaceAccess:
    access = _access(user, space, access)
    if not access.can_read:
        raise PermissionDenied()
    if access.is_muted:
        raise ServiceError(
            "muted",
            _("You are muted in this space until %(until)s.")
            % {"until": timezone.localtime(access.muted_until).strftime("%Y-%m-%d %H:%M")},
        )
    if not policies.can_post(access):
        raise PermissionDenied(_("This space is read-only for you."))
    if thread is not None and thread.locked and not access.can_moderate:
        raise ServiceError("locked", _("This thread is locked."))
    if not ratelimit.allow("post", user.pk, limit=POSTS_PER_MINUTE, window=60):
        raise ServiceError("rate_limited", _("You are posting too fast. Wait a moment and try again."))
    if space.slow_mode_seconds and not access.can_moderate:
        last = (
            Post.objects.filter(space=space, author=user)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        if last and timezone.now() - last < timedelta(seconds=space.slow_mode_seconds):
            raise ServiceError(
                "slow_mode",
                _("Slow mode is on: one post every %(n)s seconds.") % {"n": space.slow_mode_seconds},
            )
    return access


def _existing(user, client_msg_id: str) -> Post | None:
    if not client_msg_id:
        return None
    # The excluded blank id repeats the unique index's condition, so the lookup uses that
    # index (SQLite and PostgreSQL use a partial index only when the query implies it).
    return (
        Post.objects.filter(author=user, client_msg_id=client_msg_id)
        .exclude(client_msg_id="")
        .select_related("author")
        .order_by()
        .first()
    )


def post_create(
    *,
    user,
    thread: Thread,
    body: str,
    client_msg_id: str = "",
    language: str = "",
    access: policies.SpaceAccess | None = None,
) -> Post:
    """Post to a thread. A retry with the same client message id returns the first post.

    The first attempt does not look for an earlier one: the unique index finds a retry
    when it inserts, and a retry that a check now refuses (slow mode, a mute, a lock that
    came after the first attempt) is looked up before the refusal is raised."""
    client_msg_id = (client_msg_id or "")[:64]
    space = thread.space
    try:
        access = _check_can_post(user, space, thread, access)
    except (ServiceError, PermissionDenied):
        if existing := _existing(user, client_msg_id):
            return existing
        raise
    html = _check_body(body)
    status = Post.Status.HELD if space.premoderated and not access.can_moderate else Post.Status.VISIBLE
    try:
        with transaction.atomic():
            post = Post.objects.create(
                thread=thread,
                space=space,
                author=user,
                body_source=body.strip(),
                body_html=html,
                status=status,
                client_msg_id=client_msg_id,
                language=(language or "")[:10],
            )
            Thread.objects.filter(pk=thread.pk).update(last_post_at=post.created_at)
            _record(space, "post.created", post=post)
            notify_mentions(post)
    except IntegrityError:
        if existing := _existing(user, client_msg_id):  # a concurrent retry won the race
            return existing
        raise
    return post


@transaction.atomic
def thread_create(*, user, space: Space, title: str, body: str, client_msg_id: str = "") -> Thread:
    title = (title or "").strip()
    if not title:
        raise ServiceError("title_required", _("Give the new thread a title."))
    if existing := _existing(user, client_msg_id):
        return existing.thread
    _check_can_post(user, space, None)
    _check_body(body)
    thread = Thread.objects.create(space=space, kind=Thread.Kind.TOPIC, title=title[:200], author=user)
    _record(space, "thread.created", thread=thread)
    post_create(user=user, thread=thread, body=body, client_msg_id=client_msg_id)
    return thread


@transaction.atomic
def post_edit(*, user, post: Post, body: str) -> Post:
    access = policies.space_access(user, post.space)
    if not policies.can_edit_post(access, post.author_id) or post.status == Post.Status.DELETED:
        raise PermissionDenied(_("You can only edit your own posts."))
    if post.thread.locked and not access.can_moderate:
        raise ServiceError("locked", _("This thread is locked."))
    post.body_html = _check_body(body)
    post.body_source = body.strip()
    post.edited_at = timezone.now()
    post.save(update_fields=["body_html", "body_source", "edited_at"])
    _record(post.space, "post.edited", post=post, reactions=events.reaction_counts([post.pk]).get(post.pk))
    return post


@transaction.atomic
def post_delete(*, user, post: Post, reason: str = "") -> Post:
    access = policies.space_access(user, post.space)
    if not policies.can_delete_post(access, post.author_id):
        raise PermissionDenied()
    by_moderator = post.author_id != user.pk
    if by_moderator:
        reason = _require_reason(reason)
        _log(post.space, user, "delete", "post", post.pk, reason)
    post.status = Post.Status.DELETED
    post.moderation_reason = reason
    post.save(update_fields=["status", "moderation_reason"])
    _record(post.space, "post.deleted", post=post)
    return post


def _moderate_post(
    *,
    actor,
    post: Post,
    action: str,
    new_status: str,
    reason: str,
    allowed_from: set[str],
    reason_required: bool = False,
) -> Post:
    _require_moderator(actor, post.space)  # permission first: refusals reveal nothing else
    reason = _require_reason(reason) if reason_required else (reason or "").strip()
    if post.status not in allowed_from:
        raise ServiceError("invalid_state", _("That post cannot be changed that way now."))
    post.status = new_status
    post.moderation_reason = reason
    post.save(update_fields=["status", "moderation_reason"])
    _log(post.space, actor, action, "post", post.pk, reason)
    _record(post.space, f"post.{action}", post=post, reactions=events.reaction_counts([post.pk]).get(post.pk))
    return post


@transaction.atomic
def post_hide(*, actor, post: Post, reason: str) -> Post:
    return _moderate_post(
        actor=actor,
        post=post,
        action="hidden",
        new_status=Post.Status.HIDDEN,
        reason=reason,
        reason_required=True,
        allowed_from={Post.Status.VISIBLE, Post.Status.HELD},
    )


@transaction.atomic
def post_restore(*, actor, post: Post, reason: str = "") -> Post:
    return _moderate_post(
        actor=actor,
        post=post,
        action="restored",
        new_status=Post.Status.VISIBLE,
        reason=reason,
        allowed_from={Post.Status.HIDDEN},
    )


@transaction.atomic
def post_approve(*, actor, post: Post) -> Post:
    return _moderate_post(
        actor=actor,
        post=post,
        action="approved",
        new_status=Post.Status.VISIBLE,
        reason="",
        allowed_from={Post.Status.HELD},
    )


@transaction.atomic
def reaction_toggle(*, user, post: Post, kind: str) -> dict[str, int]:
    if kind not in Reaction.Kind.values:
        raise ServiceError("bad_reaction", _("Unknown reaction."))
    access = policies.space_access(user, post.space)
    if not policies.can_post(access) or not policies.can_see_post(access, post.status, post.author_id):
        raise PermissionDenied()
    if post.status != Post.Status.VISIBLE:
        raise ServiceError("invalid_state", _("You can only react to visible posts."))
    deleted, _detail = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
    if not deleted:
        Reaction.objects.create(post=post, user=user, kind=kind)
    counts = events.reaction_counts([post.pk]).get(post.pk, {})
    _record(post.space, "reaction", post=post, reactions=counts)
    return counts


@transaction.atomic
def thread_set(
    *, actor, thread: Thread, locked: bool | None = None, pinned: bool | None = None, reason: str = ""
) -> Thread:
    _require_moderator(actor, thread.space)
    changes = []
    if locked is not None and thread.locked != locked:
        thread.locked = locked
        changes.append("locked" if locked else "unlocked")
    if pinned is not None and thread.pinned != pinned:
        thread.pinned = pinned
        changes.append("pinned" if pinned else "unpinned")
    if not changes:
        return thread
    thread.save(update_fields=["locked", "pinned"])
    for change in changes:
        _log(thread.space, actor, change, "thread", thread.pk, reason)
        _record(thread.space, f"thread.{change}", thread=thread)
    return thread


@transaction.atomic
def participant_mute(*, actor, space: Space, user, minutes: int, reason: str) -> Mute | None:
    """Mute for `minutes` (0 lifts the mute)."""
    _require_moderator(actor, space)
    if not 0 <= minutes <= MAX_MUTE_MINUTES:
        raise ServiceError("bad_duration", _("Mute for between 1 minute and 30 days."))
    if user.pk == actor.pk:
        raise ServiceError("self_mute", _("You cannot mute yourself."))
    reason = _require_reason(reason) if minutes else (reason or "").strip()
    if minutes == 0:
        Mute.objects.filter(space=space, user=user).delete()
        mute = None
        _log(space, actor, "unmute", "user", user.pk, reason)
    else:
        mute, _created = Mute.objects.update_or_create(
            space=space,
            user=user,
            defaults={
                "until": timezone.now() + timedelta(minutes=minutes),
                "muted_by": actor,
                "reason": reason,
            },
        )
        _log(space, actor, "mute", "user", user.pk, reason)
    _record(
        space,
        "member.muted",
        data={
            "user": user.pk,
            "until": mute.until.isoformat() if mute else None,
            "moderators_only": True,
        },
    )
    return mute


@transaction.atomic
def space_configure(
    *, actor, space: Space, slow_mode_seconds: int | None = None, premoderated: bool | None = None
) -> Space:
    _require_moderator(actor, space)
    if slow_mode_seconds is not None:
        if not 0 <= slow_mode_seconds <= MAX_SLOW_MODE_SECONDS:
            raise ServiceError("bad_duration", _("Slow mode takes 0 to 3600 seconds."))
        space.slow_mode_seconds = slow_mode_seconds
        _log(space, actor, "slow_mode", "space", space.pk, str(slow_mode_seconds))
    if premoderated is not None:
        space.premoderated = premoderated
        _log(space, actor, "premoderation_on" if premoderated else "premoderation_off", "space", space.pk)
    space.save(update_fields=["slow_mode_seconds", "premoderated"])
    _record(
        space,
        "space.updated",
        data={
            "slow_mode_seconds": space.slow_mode_seconds,
            "premoderated": space.premoderated,
        },
    )
    return space


@transaction.atomic
def post_flag(*, user, post: Post, reason: str) -> Flag:
    access = policies.space_access(user, post.space)
    if not access.can_read or not policies.can_see_post(access, post.status, post.author_id):
        raise PermissionDenied()
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("reason_required", _("Tell the moderators what is wrong with this post."))
    flag, created = Flag.objects.get_or_create(post=post, reporter=user, defaults={"reason": reason[:2000]})
    if not created:
        raise ServiceError("already_flagged", _("You have already flagged this post."))
    _record(
        post.space,
        "flag.created",
        data={"flag": flag.pk, "post": post.pk, "reason": flag.reason, "moderators_only": True},
    )
    return flag


@transaction.atomic
def flag_resolve(*, actor, flag: Flag, resolution: str) -> Flag:
    space = flag.post.space
    _require_moderator(actor, space)
    if flag.resolved_at:
        raise ServiceError("invalid_state", _("This flag is already resolved."))
    flag.resolved_by = actor
    flag.resolved_at = timezone.now()
    flag.resolution = _require_reason(resolution)
    flag.save(update_fields=["resolved_by", "resolved_at", "resolution"])
    _log(space, actor, "resolve_flag", "flag", flag.pk, flag.resolution)
    _record(space, "flag.resolved", data={"flag": flag.pk, "post": flag.post_id, "moderators_only": True})
    return flag


@transaction.atomic
def cohort_space_ensure(cohort: Cohort) -> Space:
    """The cohort's room with its general thread and one thread per syllabus prompt."""
    space, _created = Space.objects.get_or_create(
        cohort=cohort, defaults={"kind": Space.Kind.COHORT, "title": cohort.title}
    )
    Thread.objects.get_or_create(
        space=space, kind=Thread.Kind.GENERAL, defaults={"title": _("General discussion"), "pinned": True}
    )
    for number, week in enumerate(course_weeks(cohort), start=1):
        for key, text in week.prompt_items:
            Thread.objects.get_or_create(
                space=space,
                prompt_key=key,
                defaults={"kind": Thread.Kind.PROMPT, "week": number, "title": text[:200]},
            )
    return space


def passage_text(reading: ReadingPage, block_id: str) -> str | None:
    """The passage's plain text, or None when the reading has no such passage."""
    for block in reading.body:
        if block.id == block_id:
            return " ".join(block.block.get_searchable_content(block.value))[:2000]
    return None


def _check_reading_open(user, cohort: Cohort, reading: ReadingPage) -> None:
    week = week_of_reading(cohort, reading.pk)
    if week is None:
        raise ServiceError("not_in_syllabus", _("That reading is not part of this course."))
    if not course_policies.can_open_week(course_policies.cohort_access(user, cohort), week):
        raise ServiceError("locked", _("That week has not started yet."))


def passage_post_create(
    *,
    user,
    space: Space,
    reading: ReadingPage,
    block_id: str,
    body: str,
    client_msg_id: str = "",
    language: str = "",
) -> Post:
    """Comment on a passage: its thread (one per passage, shared by every translation) is
    made on the first comment."""
    if existing := _existing(user, (client_msg_id or "")[:64]):
        return existing
    if space.cohort_id is None:
        raise PermissionDenied()
    _check_can_post(user, space, None)
    _check_reading_open(user, space.cohort, reading)
    text = passage_text(reading, block_id)
    if text is None:
        raise ServiceError("no_passage", _("That passage is no longer in the reading."))
    _check_body(body)
    with transaction.atomic():
        thread, created = Thread.objects.get_or_create(
            space=space,
            anchor_key=reading.translation_key,
            anchor_block=block_id,
            defaults={
                "kind": Thread.Kind.PASSAGE,
                "title": reading.title[:200],
                "anchor_page": reading,
                "anchor_text": text,
                "author": user,
            },
        )
        if created:
            _record(space, "thread.created", thread=thread)
        elif thread.anchor_text != text:
            # Keep the passage's latest wording, for when it is later removed from the reading.
            Thread.objects.filter(pk=thread.pk).update(anchor_text=text)
        thread.space = space
        return post_create(
            user=user, thread=thread, body=body, client_msg_id=client_msg_id, language=language
        )


@transaction.atomic
def post_mark_notable(*, actor, post: Post, notable: bool) -> Post:
    _require_moderator(actor, post.space)
    post.notable = notable
    post.save(update_fields=["notable"])
    _log(post.space, actor, "notable" if notable else "not_notable", "post", post.pk)
    _record(post.space, "post.edited", post=post, reactions=events.reaction_counts([post.pk]).get(post.pk))
    return post


@transaction.atomic
def post_share_notable(*, user, post: Post, share: bool) -> Post:
    if post.author_id != user.pk:
        raise PermissionDenied(_("Only the author decides whether later cohorts see this comment."))
    post.share_notable = share
    post.save(update_fields=["share_notable"])
    return post


@transaction.atomic
def seed_question_create(
    *, actor, course: Course, reading: ReadingPage, block_id: str, body: str
) -> SeedQuestion:
    """A tutor pins a question to a passage for every cohort of the course, before or during a run."""
    if not policies.can_seed(actor, course):
        raise PermissionDenied(_("Only the course's tutors may pin seed questions."))
    if passage_text(reading, block_id) is None:
        raise ServiceError("no_passage", _("That passage is no longer in the reading."))
    return SeedQuestion.objects.create(
        course=course,
        anchor_key=reading.translation_key,
        anchor_block=block_id,
        body_html=_check_body(body),
        author=actor,
    )
