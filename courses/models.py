"""Courses (syllabi), cohorts (runs of a course), enrolments and what trainees do in them."""

import secrets
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable

DAYS_PER_WEEK = 7
# Path segments under /cohorts/ that are pages of their own, so no cohort may take them as its slug.
RESERVED_COHORT_SLUGS = frozenset({"join", "open"})


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


def new_code() -> str:
    # Unambiguous characters only: codes are read aloud and typed from e-mails.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Institution(models.Model):
    """A national judicial, prosecutorial or police academy (or ministry) that runs its own cohorts."""

    class Kind(models.TextChoices):
        JUDICIAL_ACADEMY = "judicial", _("Judicial academy")
        PROSECUTION = "prosecution", _("Prosecution service")
        POLICE_ACADEMY = "police", _("Police academy")
        MINISTRY = "ministry", _("Ministry")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    admins = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="administered_institutions"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Course(ClusterableModel):
    """A syllabus: weeks of readings and discussion prompts, and the rule for completing it."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    hours = models.PositiveSmallIntegerField(default=30, help_text=_("Study hours on the certificate."))
    # Completion rule: every reading marked read, and at least `min_posts` posts
    # in at least `min_post_weeks` different weeks.
    require_all_readings = models.BooleanField(default=True)
    min_posts = models.PositiveSmallIntegerField(default=6)
    min_post_weeks = models.PositiveSmallIntegerField(default=4)

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("hours"),
        MultiFieldPanel(
            [FieldPanel("require_all_readings"), FieldPanel("min_posts"), FieldPanel("min_post_weeks")],
            heading=_("Completion rule"),
        ),
        InlinePanel("weeks", heading=_("Weeks"), label=_("Week")),
    ]

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class CourseWeek(Orderable):
    """One week of a course: readings in order, discussion prompts, an optional assignment."""

    course = ParentalKey(Course, on_delete=models.CASCADE, related_name="weeks")
    title = models.CharField(max_length=200)
    readings = StreamField(
        [("reading", blocks.PageChooserBlock(page_type="modules.ReadingPage"))], blank=True
    )
    # Each prompt's block id is stable, so the discussion thread made from it stays attached.
    prompts = StreamField([("prompt", blocks.TextBlock())], blank=True)
    assignment = models.TextField(blank=True)

    panels = [FieldPanel("title"), FieldPanel("readings"), FieldPanel("prompts"), FieldPanel("assignment")]

    @property
    def number(self) -> int:
        return (self.sort_order or 0) + 1

    @property
    def reading_ids(self) -> list[int]:
        # raw_data: the ids without one page query per block.
        return [int(item["value"]) for item in self.readings.raw_data if item.get("value")]

    @property
    def prompt_items(self) -> list[tuple[str, str]]:
        """(stable block id, text) for each discussion prompt."""
        return [(item["id"], item["value"]) for item in self.prompts.raw_data]

    def __str__(self) -> str:
        return f"{self.course} · {self.title}"


class CohortQuerySet(models.QuerySet):
    def running(self, now: datetime | None = None) -> "CohortQuerySet":
        now = now or timezone.now()
        return self.filter(starts_at__lte=now, ends_at__gt=now)

    def upcoming(self, now: datetime | None = None) -> "CohortQuerySet":
        return self.filter(starts_at__gt=now or timezone.now())

    def ended(self, now: datetime | None = None) -> "CohortQuerySet":
        return self.filter(ends_at__lte=now or timezone.now())

    def open_for_applications(self, now: datetime | None = None) -> "CohortQuerySet":
        return self.filter(accepts_applications=True, ends_at__gt=now or timezone.now())


class Cohort(models.Model):
    """One run of a course: dates, time zone, language, capacity, owner, tutors and trainees.

    `starts_at` and `ends_at` are derived from start date, time zone and length on
    every save, so the state (upcoming, running, ended) is always computed, never stored.
    """

    class State(models.TextChoices):
        UPCOMING = "upcoming", _("Upcoming")
        RUNNING = "running", _("Running")
        ENDED = "ended", _("Ended")

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="cohorts")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    start_date = models.DateField()
    weeks = models.PositiveSmallIntegerField(default=6)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")
    capacity = models.PositiveIntegerField(default=30)
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="cohorts"
    )
    invitation_code = models.CharField(max_length=16, blank=True, default=new_code)
    accepts_codes = models.BooleanField(default=True)
    accepts_applications = models.BooleanField(default=False)
    pseudonyms_allowed = models.BooleanField(default=False)
    starts_at = models.DateTimeField(editable=False)
    ends_at = models.DateTimeField(editable=False)

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "title"]
        permissions = [("manage_any_cohort", "Can see and tutor every cohort (programme staff)")]
        constraints = [
            models.CheckConstraint(condition=models.Q(weeks__gte=1), name="cohort_has_weeks"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="cohort_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.starts_at = self.week_unlocks_at(1)
        self.ends_at = self._local_midnight(self.start_date + timedelta(days=DAYS_PER_WEEK * self.weeks))
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.slug in RESERVED_COHORT_SLUGS:
            raise ValidationError({"slug": _("This address is reserved. Choose another slug.")})
        if self.invitation_code:
            self.invitation_code = self.invitation_code.strip().upper()

    def _local_midnight(self, day: date) -> datetime:
        # In UTC: two local datetimes in one zone subtract as wall-clock time, which is wrong across DST.
        return datetime.combine(day, time.min, tzinfo=ZoneInfo(self.time_zone)).astimezone(UTC)

    def week_unlocks_at(self, number: int) -> datetime:
        """Week N opens at midnight, cohort time, on start + 7·(N−1) days (DST-safe)."""
        return self._local_midnight(self.start_date + timedelta(days=DAYS_PER_WEEK * (number - 1)))

    def state(self, now: datetime | None = None) -> str:
        now = now or timezone.now()
        if now < self.starts_at:
            return self.State.UPCOMING
        if now >= self.ends_at:
            return self.State.ENDED
        return self.State.RUNNING

    def current_week(self, now: datetime | None = None) -> int:
        """The latest unlocked week (0 before the start, `weeks` after the end)."""
        now = now or timezone.now()
        return sum(1 for n in range(1, self.weeks + 1) if self.week_unlocks_at(n) <= now)

    def is_week_open(self, number: int, now: datetime | None = None) -> bool:
        return self.week_unlocks_at(number) <= (now or timezone.now())

    @property
    def last_day(self) -> date:
        """The last calendar day of the run, in the cohort's time zone (for certificates and lists)."""
        return self.start_date + timedelta(days=DAYS_PER_WEEK * self.weeks - 1)

    @property
    def current_state(self) -> str:
        return self.state()

    @property
    def current_state_label(self) -> str:
        return self.State(self.state()).label


class EnrolmentQuerySet(models.QuerySet):
    def trainees(self) -> "EnrolmentQuerySet":
        """Trainees who hold a place (active or completed)."""
        return self.filter(role=Enrolment.Role.TRAINEE, status__in=Enrolment.PARTICIPATING)

    def tutors(self) -> "EnrolmentQuerySet":
        return self.filter(role=Enrolment.Role.TUTOR, status__in=Enrolment.PARTICIPATING)


class Enrolment(models.Model):
    """A person's place in a cohort: their role, status, and the facts the results reports count."""

    class Role(models.TextChoices):
        TRAINEE = "trainee", _("Trainee")
        TUTOR = "tutor", _("Tutor")
        OBSERVER = "observer", _("Observer")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REMOVED = "removed", _("Removed")
        DECLINED = "declined", _("Declined")

    class AgencyType(models.TextChoices):
        JUDICIARY = "judiciary", _("Judiciary")
        PROSECUTION = "prosecution", _("Prosecution")
        POLICE = "police", _("Police and investigation")
        DEFENCE = "defence", _("Defence")
        CORRECTIONS = "corrections", _("Prison and corrections")
        FIU = "fiu", _("Financial intelligence")
        MINISTRY = "ministry", _("Ministry")
        OTHER = "other", _("Other")

    PARTICIPATING = (Status.ACTIVE, Status.COMPLETED)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrolments")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.TRAINEE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    country = models.CharField(max_length=2, blank=True)
    agency_type = models.CharField(max_length=20, choices=AgencyType.choices, blank=True)
    statement = models.TextField(blank=True, help_text=_("Why the applicant wants to join."))
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completion_override_reason = models.TextField(blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "cohort"], name="one_enrolment_per_user_and_cohort"),
        ]
        indexes = [models.Index(fields=["cohort", "role", "status"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.cohort} ({self.role}, {self.status})"

    @property
    def is_participating(self) -> bool:
        return self.status in self.PARTICIPATING


class ReadingProgress(models.Model):
    """A trainee marked a reading of their cohort as read."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="readings_done")
    reading = models.ForeignKey("modules.ReadingPage", on_delete=models.CASCADE, related_name="+")
    week = models.PositiveSmallIntegerField()
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "reading"], name="one_progress_per_reading"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: reading {self.reading_id} (week {self.week})"


class Invitation(models.Model):
    """A personal invitation to a cohort, sent by e-mail (bulk invitation or nomination)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=2, blank=True)
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cohort", "email"], name="one_invitation_per_email")]

    def __str__(self) -> str:
        return f"{self.email} → {self.cohort}"


class Certificate(models.Model):
    """Proof of completion, verifiable by its code on a public page."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="certificate")
    code = models.CharField(max_length=20, unique=True)
    issued_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.code


class FeedbackResponse(models.Model):
    """The end-of-course survey: one response per enrolment; feeds the results reports."""

    SCALE = [(n, str(n)) for n in range(1, 6)]

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="feedback")
    relevance = models.PositiveSmallIntegerField(choices=SCALE)
    impact_investigating = models.PositiveSmallIntegerField(choices=SCALE, null=True, blank=True)
    impact_prosecuting = models.PositiveSmallIntegerField(choices=SCALE, null=True, blank=True)
    impact_adjudicating = models.PositiveSmallIntegerField(choices=SCALE, null=True, blank=True)
    impact_cooperating = models.PositiveSmallIntegerField(choices=SCALE, null=True, blank=True)
    comments = models.TextField(blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(relevance__gte=1, relevance__lte=5), name="relevance_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback of enrolment {self.enrolment_id}"


class CourseAuditEntry(models.Model):
    """Who did what to an enrolment (acceptance, removal, completion override, nudges)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="audit_entries")
    enrolment = models.ForeignKey(Enrolment, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=40)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.action} in cohort {self.cohort_id} at {self.created_at:%Y-%m-%d %H:%M}"
