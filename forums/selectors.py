"""Named reads for discussions. Query counts do not grow with posts, threads or members."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from accounts.names import display_name_for

from . import events, policies
from .models import Flag, ModerationLog, Post, Presence, Reaction, Space, Thread


def online(space_id: int, window: timedelta) -> list[dict]:
    """Who has a live socket in the space (one entry per person, by their public name)."""
    rows = (
        Presence.objects.filter(space_id=space_id, last_seen__gte=timezone.now() - window)
        .select_related("user", "space__cohort")
        .order_by("user_id")
    )
    people: dict[int, dict] = {}
    for row in rows:
        people.setdefault(row.user_id, events.author_payload(row.user, row.space.cohort))
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
    author_name: str = ""
    can_edit: bool = False  # the viewer's own post, editable now (forums.policies.can_edit_post_now)

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
    cohort = access.space.cohort
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
                author_name=display_name_for(None, post.author, cohort, viewer_is_tutor=access.can_moderate),
                can_edit=policies.can_edit_post_now(
                    access, author_id=post.author_id, status=post.status, thread_locked=thread.locked
                ),
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


@dataclass
class PassageView:
    block_id: str
    thread: Thread | None = None
    posts: list[PostView] | None = None
    seeds: list = None  # SeedQuestion
    past_notable: list[Post] | None = None

    @property
    def count(self) -> int:
        return sum(1 for view in self.posts or [] if view.post.status == Post.Status.VISIBLE)


@dataclass
class PassageLayer:
    """A cohort's layer of comments on one reading, ready for its template and script."""

    space: Space
    access: policies.SpaceAccess
    passages: dict[str, PassageView]
    removed: list[PassageView]
    can_seed: bool = False
    client_id_prefix: str = ""
    passage_template: str = "forums/passage.html"
    removed_template: str = "forums/passages_removed.html"
    scripts: tuple[str, ...] = ("js/space-socket.js", "js/posts.js", "js/reading-discussion.js")

    @property
    def can_post(self) -> bool:
        return policies.can_post(self.access)

    def for_block(self, block) -> PassageView | None:
        """The discussion for a passage (a top-level block); headings carry none."""
        if block.block_type == "heading":
            return None
        return self.passages.get(block.id) or PassageView(
            block_id=block.id, posts=[], seeds=[], past_notable=[]
        )


def passage_layer(
    space: Space, access: policies.SpaceAccess, reading, *, can_seed: bool = False
) -> PassageLayer:
    """Threads, posts, seed questions and past cohorts' notable comments for one reading.

    Five queries whatever the number of passages, comments or members.
    """
    from .models import SeedQuestion

    key = reading.translation_key
    threads_by_id = {t.pk: t for t in Thread.objects.filter(space=space, anchor_key=key)}
    # Joins rather than id lists, so the count of queries is the same with no comments at all.
    posts = list(
        Post.objects.filter(thread__space=space, thread__anchor_key=key)
        .filter(visible_posts_filter(access))
        .select_related("author")
        .order_by("created_at", "pk")
    )
    counts: dict[int, dict[str, int]] = {}
    for row in (
        Reaction.objects.filter(post__thread__space=space, post__thread__anchor_key=key)
        .values("post_id", "kind")
        .annotate(n=Count("id"))
    ):
        counts.setdefault(row["post_id"], {})[row["kind"]] = row["n"]
    passages: dict[str, PassageView] = {}
    for thread in threads_by_id.values():
        passages[thread.anchor_block] = PassageView(
            block_id=thread.anchor_block, thread=thread, posts=[], seeds=[], past_notable=[]
        )
    for post in posts:
        shows = post.status == Post.Status.VISIBLE or (
            access.can_moderate and post.status != Post.Status.DELETED
        )
        shows = shows or (post.status == Post.Status.HELD and post.author_id == access.user_id)
        thread = threads_by_id[post.thread_id]
        passages[thread.anchor_block].posts.append(
            PostView(
                post=post,
                reactions=counts.get(post.pk, {}),
                html=post.body_html if shows else "",
                shows_body=shows,
                author_name=display_name_for(
                    None, post.author, space.cohort, viewer_is_tutor=access.can_moderate
                ),
            )
        )
    cohort = space.cohort
    if cohort is not None:
        for seed in SeedQuestion.objects.filter(course_id=cohort.course_id, anchor_key=key).select_related(
            "author"
        ):
            passages.setdefault(
                seed.anchor_block, PassageView(seed.anchor_block, None, [], [], [])
            ).seeds.append(seed)
        if space.show_past_notable:
            past = (
                Post.objects.filter(
                    notable=True,
                    share_notable=True,
                    status=Post.Status.VISIBLE,
                    thread__anchor_key=key,
                    space__cohort__course_id=cohort.course_id,
                    space__cohort__ends_at__lte=timezone.now(),
                )
                .exclude(space=space)
                .select_related("author", "thread", "space__cohort")
            )
            for post in past:
                # Later cohorts see a past cohort's pseudonyms, never the names behind them.
                post.shown_author = display_name_for(
                    None, post.author, post.space.cohort, viewer_is_tutor=False
                )
                block = post.thread.anchor_block
                passages.setdefault(block, PassageView(block, None, [], [], [])).past_notable.append(post)
    current = set(reading.passage_ids)
    removed = [view for block, view in passages.items() if block not in current and view.thread is not None]
    import uuid

    return PassageLayer(
        space=space,
        access=access,
        passages=passages,
        removed=removed,
        can_seed=can_seed,
        client_id_prefix=uuid.uuid4().hex[:12],
    )
