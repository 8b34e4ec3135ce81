"""Named reads for discussions. Query counts do not grow with posts, threads or members."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from . import events, policies
from .models import Flag, ModerationLog, Post, Presence, Reaction, Space, Thread


def online(space_id: int, window: timedelta) -> list[dict]:
    """Who has a live socket in the space (one entry per person)."""
    rows = (
        Presence.objects.filter(space_id=space_id, last_seen__gte=timezone.now() - window)
        .select_related("user")
        .order_by("user_id")
    )
    people: dict[int, dict] = {}
    for row in rows:
        people.setdefault(row.user_id, events.author_payload(row.user))
    return list(people.values())


def visible_posts_filter(access: policies.SpaceAccess) -> Q:
    """Held posts only for moderators and their authors."""
    if access.can_moderate:
        return Q()
    return ~Q(status=Post.Status.HELD) | Q(author_id=access.user_id)


def threads(space: Space) -> list[Thread]:
    """Room threads (passage threads live on the readings) with visible post counts: one query."""
    return list(
        space.threads.exclude(kind=Thread.Kind.PASSAGE)
        .annotate(post_count=Count("posts", filter=Q(posts__status=Post.Status.VISIBLE)))
        .order_by("-pinned", "week", "kind", "-last_post_at", "-created_at")
    )


@dataclass
class PostView:
    post: Post
    reactions: dict[str, int]
    html: str
    shows_body: bool

    @property
    def reaction_list(self) -> list[tuple[str, str, int]]:
        return [(kind, label, self.reactions.get(kind, 0)) for kind, label in Reaction.Kind.choices]


def thread_posts(thread: Thread, access: policies.SpaceAccess) -> list[PostView]:
    """A thread's posts as this viewer may see them: two queries whatever the length."""
    posts = list(
        thread.posts.filter(visible_posts_filter(access))
        .select_related("author")
        .order_by("created_at", "pk")
    )
    counts = events.reaction_counts(p.pk for p in posts)
    views = []
    for post in posts:
        shows = post.status == Post.Status.VISIBLE or (
            access.can_moderate and post.status != Post.Status.DELETED
        )
        if post.status == Post.Status.HELD and post.author_id == access.user_id:
            shows = True
        views.append(
            PostView(
                post=post,
                reactions=counts.get(post.pk, {}),
                html=post.body_html if shows else "",
                shows_body=shows,
            )
        )
    return views


def moderation_queue(space: Space) -> dict:
    return {
        "held": list(space.posts.filter(status=Post.Status.HELD).select_related("author", "thread")),
        "flags": list(
            Flag.objects.filter(post__space=space, resolved_at__isnull=True)
            .select_related("post__author", "reporter", "post__thread")
            .order_by("created_at")
        ),
        "log": list(ModerationLog.objects.filter(space=space).select_related("actor")[:100]),
    }


def daily_post_counts(cohort, user_ids: list[int] | None = None) -> dict:
    """(user_id, local date) -> visible posts in the cohort's space. Registered with courses.participation."""
    from zoneinfo import ZoneInfo

    from django.db.models.functions import TruncDate

    posts = Post.objects.filter(space__cohort=cohort).exclude(status=Post.Status.DELETED)
    if user_ids is not None:
        posts = posts.filter(author_id__in=user_ids)
    rows = (
        posts.annotate(day=TruncDate("created_at", tzinfo=ZoneInfo(cohort.time_zone)))
        .values("author_id", "day")
        .annotate(n=Count("id"))
    )
    return {(row["author_id"], row["day"]): row["n"] for row in rows}
