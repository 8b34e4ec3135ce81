"""Events: what a change looks like to each kind of viewer, and how it leaves the process.

A message carries up to three views of the same change — public, the author's own
and the moderators' — so each socket picks its view without a query per recipient.
Replays build the same messages from the current state in the database.
"""

import logging
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from django.db.models import Count

from accounts.names import display_name_for

from .models import Event, Post, Reaction, Space, Thread

logger = logging.getLogger(__name__)

POST_KINDS = {
    "post.created",
    "post.edited",
    "post.hidden",
    "post.restored",
    "post.deleted",
    "post.approved",
    "reaction",
}
THREAD_KINDS = {"thread.created", "thread.locked", "thread.unlocked", "thread.pinned", "thread.unpinned"}


def author_payload(user, cohort=None, *, moderator: bool = False) -> dict:
    """Who wrote it, as this kind of viewer may see them: a cohort that allows pseudonyms
    shows the pseudonym, with the real name beside it for its tutors only."""
    return {
        "id": user.pk if user else None,
        "name": display_name_for(None, user, cohort, viewer_is_tutor=moderator),
    }


def post_payload(post: Post, *, moderator: bool, reactions: dict[str, int] | None = None) -> dict:
    shows_body = post.status == Post.Status.VISIBLE or (moderator and post.status != Post.Status.DELETED)
    return {
        "post": post.pk,
        "thread": post.thread_id,
        "author": author_payload(post.author, post.space.cohort, moderator=moderator),
        "html": post.body_html if shows_body else "",
        "status": post.status,
        "reason": post.moderation_reason if moderator else "",
        "created": post.created_at.isoformat(),
        "edited": post.edited_at.isoformat() if post.edited_at else None,
        "reactions": reactions or {},
    }


def post_views(post: Post, reactions: dict[str, int] | None = None) -> dict:
    public = (
        None if post.status == Post.Status.HELD else post_payload(post, moderator=False, reactions=reactions)
    )
    return {
        "public": public,
        "author_view": post_payload(post, moderator=False, reactions=reactions),
        "moderator": post_payload(post, moderator=True, reactions=reactions),
        "author_id": post.author_id,
    }


def thread_payload(thread: Thread) -> dict:
    return {
        "thread": thread.pk,
        "title": thread.title,
        "kind": thread.kind,
        "locked": thread.locked,
        "pinned": thread.pinned,
        "anchor_block": thread.anchor_block,
        "anchor_page": thread.anchor_page_id,
        "anchor_key": str(thread.anchor_key) if thread.anchor_key else "",
    }


def message_for(
    event: Event,
    *,
    post: Post | None = None,
    thread: Thread | None = None,
    reactions: dict[str, int] | None = None,
) -> dict:
    message: dict = {
        "id": event.seq,
        "kind": event.kind,
        "public": dict(event.data),
        "moderator": dict(event.data),
    }
    if post is not None:
        message.update(post_views(post, reactions))
    elif thread is not None:
        payload = {**thread_payload(thread), **event.data}
        message.update({"public": payload, "moderator": payload})
    if event.data.get("moderators_only"):
        message["public"] = None
    return message


def reaction_counts(post_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {}
    rows = (
        Reaction.objects.filter(post_id__in=list(post_ids)).values("post_id", "kind").annotate(n=Count("id"))
    )
    for row in rows:
        counts.setdefault(row["post_id"], {})[row["kind"]] = row["n"]
    return counts


def replay(space: Space, after: int, upto: int | None = None, limit: int = 500) -> list[dict]:
    """Messages after `after` (up to `upto`), rebuilt from the current state: three queries."""
    events = Event.objects.filter(space=space, seq__gt=after).order_by("seq")
    if upto is not None:
        events = events.filter(seq__lte=upto)
    events = list(events.select_related("post__author", "post__space__cohort", "thread")[:limit])
    counts = reaction_counts({e.post_id for e in events if e.post_id})
    return [
        message_for(e, post=e.post, thread=e.thread, reactions=counts.get(e.post_id) if e.post_id else None)
        for e in events
    ]


def view_for(message: dict, *, user_id: int | None, can_moderate: bool) -> dict:
    """The frame one socket receives for a message: its view, or a bare tick that keeps ids contiguous."""
    if can_moderate:
        data = message.get("moderator")
    elif user_id is not None and message.get("author_id") == user_id and message.get("author_view"):
        data = message["author_view"]
    else:
        data = message.get("public")
    if data is None:
        return {"type": "event", "id": message["id"], "kind": "noop"}
    return {"type": "event", "id": message["id"], "kind": message["kind"], "data": data}


def group_send(group: str, payload: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, payload)
    except Exception:  # the layer is best-effort: clients fill gaps from the database
        logger.warning("channel layer send to %s failed", group, exc_info=True)


def publish(space_id: int, message: dict) -> None:
    group_send(f"space-{space_id}", {"type": "space.event", "message": message})


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


def revoke_user(user_id: int) -> None:
    """Tell every socket of this user, in every process, to re-check its access now."""
    group_send(user_group(user_id), {"type": "access.changed"})


def on_logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        revoke_user(user.pk)
