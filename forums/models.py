"""One model of conversation for the cohort room, passage comments and the alumni community.

A Space holds Threads; a Thread holds Posts; a Thread may carry an anchor (a reading
page and a passage's block id). Every change to a space is also an Event with an id
that increases per space: the replay log that reconnecting clients catch up from.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Space(models.Model):
    class Kind(models.TextChoices):
        COHORT = "cohort", _("Cohort room")
        ALUMNI = "alumni", _("Alumni room")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COHORT)
    cohort = models.OneToOneField(
        "courses.Cohort", null=True, blank=True, on_delete=models.CASCADE, related_name="space"
    )
    title = models.CharField(max_length=200)
    premoderated = models.BooleanField(default=False, help_text=_("New posts wait for a tutor's approval."))
    slow_mode_seconds = models.PositiveIntegerField(default=0)
    show_past_notable = models.BooleanField(
        default=False, help_text=_("Show notable passage comments from earlier cohorts of the same course.")
    )
    last_event_id = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        permissions = [("moderate_any_space", "Can moderate every discussion space (site moderator)")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="alumni") | Q(cohort__isnull=False), name="cohort_space_has_cohort"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def group_name(self) -> str:
        # Built from the id only: never from anything a client sends.
        return f"space-{self.pk}"


class Thread(models.Model):
    class Kind(models.TextChoices):
        GENERAL = "general", _("General")
        PROMPT = "prompt", _("Weekly prompt")
        TOPIC = "topic", _("Topic")
        PASSAGE = "passage", _("Passage")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="threads")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TOPIC)
    title = models.CharField(max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    week = models.PositiveSmallIntegerField(null=True, blank=True)
    prompt_key = models.CharField(max_length=64, blank=True, help_text=_("Block id of the syllabus prompt."))
    anchor_page = models.ForeignKey(
        "modules.ReadingPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    anchor_block = models.CharField(max_length=64, blank=True)
    # The reading's translation key: one thread per passage across all languages of the reading.
    anchor_key = models.UUIDField(null=True, blank=True)
    anchor_text = models.TextField(blank=True, help_text=_("The passage's text when last seen."))
    locked = models.BooleanField(default=False)
    pinned = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_post_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pinned", "kind", "week", "-last_post_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["space", "prompt_key"], condition=~Q(prompt_key=""), name="one_thread_per_prompt"
            ),
            models.UniqueConstraint(
                fields=["space", "anchor_key", "anchor_block"],
                condition=~Q(anchor_block=""),
                name="one_thread_per_passage",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    class Status(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HELD = "held", _("Awaiting approval")
        HIDDEN = "hidden", _("Hidden by a moderator")
        DELETED = "deleted", _("Deleted")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="posts"
    )
    body_source = models.TextField()
    body_html = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VISIBLE)
    moderation_reason = models.TextField(blank=True)
    client_msg_id = models.CharField(max_length=64, blank=True)
    language = models.CharField(max_length=10, blank=True, help_text=_("The language the author wrote in."))
    notable = models.BooleanField(default=False, help_text=_("Marked notable by a tutor."))
    share_notable = models.BooleanField(
        default=True, help_text=_("The author lets a notable comment be shown to later cohorts and alumni.")
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_msg_id"],
                condition=~Q(client_msg_id=""),
                name="idempotent_client_msg",
            ),
        ]
        indexes = [
            models.Index(fields=["thread", "created_at"]),
            models.Index(fields=["space", "author", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"Post {self.pk} in {self.thread_id}"


class SeedQuestion(models.Model):
    """A tutor's question pinned to a passage for every cohort of a course."""

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="seed_questions")
    anchor_key = models.UUIDField()
    anchor_block = models.CharField(max_length=64)
    body_html = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["course", "anchor_key"])]

    def __str__(self) -> str:
        return f"Seed question on {self.anchor_block}"


class Reaction(models.Model):
    class Kind(models.TextChoices):
        AGREE = "agree", _("Agree")
        INSIGHTFUL = "insightful", _("Insightful")
        THANKS = "thanks", _("Thanks")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user", "kind"], name="one_reaction_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind} on {self.post_id}"


class Flag(models.Model):
    """A participant asks the moderators to look at a post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "reporter"], name="one_flag_per_reporter")]

    def __str__(self) -> str:
        return f"Flag on {self.post_id}"


class Mute(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="mutes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    until = models.DateTimeField()
    muted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["space", "user"], name="one_mute_per_user_and_space")]

    def __str__(self) -> str:
        return f"{self.user_id} muted in {self.space_id}"


class Event(models.Model):
    """One change to a space, numbered per space. Replays read this, never the channel layer."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="events")
    seq = models.BigIntegerField()
    kind = models.CharField(max_length=30)
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["space", "seq"], name="one_event_per_seq")]

    def __str__(self) -> str:
        return f"{self.space_id}#{self.seq} {self.kind}"


class ModerationLog(models.Model):
    """Audit log of moderation: who did what to which post, thread or person, and why."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="moderation_log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=30)
    target_type = models.CharField(max_length=20)
    target_id = models.BigIntegerField()
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type} {self.target_id}"


class Presence(models.Model):
    """An open socket in a space; who is online is read from here by every process."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200, unique=True)
    last_seen = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user_id} in {self.space_id}"
