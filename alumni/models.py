"""The alumni community: what outlives a cohort.

Who is an alumnus is computed from enrolments (alumni.policies), never stored: a
trainee who completed a cohort that has ended — or, where the cohort's tutor chose
so, everyone who took part. The rooms are forums spaces (one conversation model);
this app keeps what is particular to alumni around them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Enrolment


class Theme(models.TextChoices):
    FINANCING = "financing", _("Financing of terrorism")
    CBRN = "cbrn", _("Chemical, biological, radiological and nuclear terrorism")
    TRANSPORT = "transport", _("Aviation and maritime transport")
    INTERNET = "internet", _("Terrorist use of the internet")
    COOPERATION = "cooperation", _("International cooperation")


# Languages people can name in the directory: the six official UN languages first, then
# others that alumni of the programme often work in.
DIRECTORY_LANGUAGES = [
    ("ar", _("Arabic")),
    ("zh", _("Chinese")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("de", _("German")),
    ("it", _("Italian")),
    ("fa", _("Persian")),
    ("tr", _("Turkish")),
    ("sw", _("Swahili")),
    ("hi", _("Hindi")),
    ("ur", _("Urdu")),
    ("id", _("Indonesian")),
    ("uk", _("Ukrainian")),
    ("kk", _("Kazakh")),
    ("vi", _("Vietnamese")),
]


class CohortAlumniSetting(models.Model):
    """A tutor's choice for one cohort: whether everyone who took part — not only those
    who completed — becomes an alumnus when the cohort ends."""

    cohort = models.OneToOneField(
        "courses.Cohort", on_delete=models.CASCADE, primary_key=True, related_name="alumni_setting"
    )
    include_all_participants = models.BooleanField(
        _("all participants become alumni"),
        default=False,
        help_text=_("Off: only trainees who completed the course become alumni when it ends."),
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Alumni setting of cohort {self.cohort_id}"


class AlumniRoom(models.Model):
    """An alumni room: the general room, a theme room, or an institution's private room.
    Its discussion is a `forums.Space` of kind "alumni"."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("General room")
        THEME = "theme", _("Theme room")
        INSTITUTION = "institution", _("Institution room")

    space = models.OneToOneField("forums.Space", on_delete=models.CASCADE, related_name="alumni_room")
    key = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    theme = models.CharField(max_length=20, choices=Theme.choices, blank=True)
    institution = models.ForeignKey(
        "courses.Institution", null=True, blank=True, on_delete=models.CASCADE, related_name="alumni_rooms"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="theme", theme__gt="") | (~Q(kind="theme") & Q(theme="")),
                name="alumni_room_theme_iff_theme_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind="institution", institution__isnull=False)
                | (~Q(kind="institution") & Q(institution__isnull=True)),
                name="alumni_room_institution_iff_private",
            ),
            models.UniqueConstraint(fields=["theme"], condition=Q(kind="theme"), name="one_room_per_theme"),
            models.UniqueConstraint(
                fields=["institution"],
                condition=Q(kind="institution"),
                name="one_private_room_per_institution",
            ),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def label(self) -> str:
        if self.kind == self.Kind.THEME:
            return Theme(self.theme).label
        if self.kind == self.Kind.INSTITUTION:
            return self.institution.name if self.institution_id else str(self.Kind.INSTITUTION.label)
        return str(_("General room"))

    @property
    def is_private(self) -> bool:
        return self.kind == self.Kind.INSTITUTION


class AlumniRemoval(models.Model):
    """A person a moderator removed from the alumni community: no room, directory or update
    access, whatever their enrolments say, until reinstated."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alumni_removal"
    )
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user_id} removed from the alumni community"


class Subscription(models.Model):
    """Which themes a person follows and how often they want the e-mail digest."""

    class Digest(models.TextChoices):
        OFF = "off", _("No e-mail")
        DAILY = "daily", _("Daily digest")
        WEEKLY = "weekly", _("Weekly digest")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alumni_subscription"
    )
    themes = models.JSONField(default=list, blank=True, help_text=_("Theme keys followed."))
    digest = models.CharField(max_length=10, choices=Digest.choices, default=Digest.OFF)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.digest} {self.themes}"


class Update(models.Model):
    """A "new developments" note published by a tutor or editor on one theme: a new
    instrument, a ratification, a resolution, a judgment."""

    class Kind(models.TextChoices):
        INSTRUMENT = "instrument", _("New instrument")
        RATIFICATION = "ratification", _("Ratification")
        RESOLUTION = "resolution", _("Resolution")
        JUDGMENT = "judgment", _("Judgment")
        OTHER = "other", _("Other development")

    theme = models.CharField(max_length=20, choices=Theme.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(max_length=200)
    body_source = models.TextField()
    body_html = models.TextField()
    link = models.URLField(blank=True, max_length=500)
    language = models.CharField(max_length=10, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="alumni_updates"
    )
    published_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["theme", "published_at"])]

    def __str__(self) -> str:
        return self.title


class DigestDelivery(models.Model):
    """One digest e-mail sent to one person for one period: what makes sending idempotent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=10, choices=Subscription.Digest.choices)
    period_start = models.DateField()
    updates = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "frequency", "period_start"], name="one_digest_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.frequency} digest of {self.period_start} to {self.user_id}"


class DirectoryProfile(models.Model):
    """A person's entry in the alumni directory. Nothing of it is shown to anyone else
    until its owner makes it visible; contact details never appear on a page."""

    class Visibility(models.TextChoices):
        HIDDEN = "hidden", _("Hidden: nobody else sees my profile")
        COMMUNITY = "community", _("Visible to alumni and tutors")

    class ContactPreference(models.TextChoices):
        REQUESTS = "requests", _("Accept contact requests (we introduce you by e-mail when you accept)")
        NONE = "none", _("No contact requests")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directory_profile"
    )
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.HIDDEN)
    display_name = models.CharField(
        _("name or pseudonym"), max_length=80, help_text=_("How you appear in the directory.")
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    agency_type = models.CharField(
        _("agency"), max_length=20, choices=Enrolment.AgencyType.choices, blank=True
    )
    role = models.CharField(_("role"), max_length=120, blank=True)
    expertise = models.TextField(_("expertise"), max_length=600, blank=True)
    contact_preference = models.CharField(
        _("contact preference"),
        max_length=10,
        choices=ContactPreference.choices,
        default=ContactPreference.REQUESTS,
    )
    contact_note = models.CharField(
        _("note for accepted contacts"),
        max_length=300,
        blank=True,
        help_text=_(
            "Sent only by e-mail, only to people whose request you accept: a phone number, office hours."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_name", "pk"]
        indexes = [models.Index(fields=["visibility", "country"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_visible(self) -> bool:
        return self.visibility == self.Visibility.COMMUNITY

    @property
    def accepts_requests(self) -> bool:
        return self.contact_preference == self.ContactPreference.REQUESTS


class ProfileLanguage(models.Model):
    """A language the profile's owner works in (rows, so the directory can be searched by it)."""

    profile = models.ForeignKey(DirectoryProfile, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(max_length=10, choices=DIRECTORY_LANGUAGES)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "code"], name="one_row_per_profile_language")
        ]

    def __str__(self) -> str:
        return self.code


class ProfileTheme(models.Model):
    """A theme of the profile's owner's expertise."""

    profile = models.ForeignKey(DirectoryProfile, on_delete=models.CASCADE, related_name="themes")
    theme = models.CharField(max_length=20, choices=Theme.choices)

    class Meta:
        ordering = ["theme"]
        constraints = [models.UniqueConstraint(fields=["profile", "theme"], name="one_row_per_profile_theme")]

    def __str__(self) -> str:
        return self.theme


class ContactRequest(models.Model):
    """One alumnus asks another for contact. Details travel by e-mail, and only on acceptance."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.TextField(max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(sender=models.F("recipient")), name="contact_not_self"),
            models.UniqueConstraint(
                fields=["sender", "recipient"],
                condition=Q(status__in=["pending", "accepted"]),
                name="one_open_contact_request_per_pair",
            ),
        ]
        indexes = [models.Index(fields=["recipient", "status"]), models.Index(fields=["sender", "status"])]

    def __str__(self) -> str:
        return f"{self.sender_id} → {self.recipient_id} ({self.status})"


class Wave(models.IntegerChoices):
    THREE_MONTHS = 3, _("Three months after the course")
    SIX_MONTHS = 6, _("Six months after the course")


class ImpactInvitation(models.Model):
    """The survey invitation sent to one alumnus for one wave (sending twice is a no-op)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="impact_invitations")
    wave = models.PositiveSmallIntegerField(choices=Wave.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "wave"], name="one_impact_invitation_per_wave"),
        ]

    def __str__(self) -> str:
        return f"Impact wave {self.wave} to enrolment {self.enrolment_id}"


class ImpactResponse(models.Model):
    """An alumnus's answer to the impact follow-up, three or six months after their cohort
    ended: one per alumnus (enrolment) and wave. Read by the results reports."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="impact_responses")
    wave = models.PositiveSmallIntegerField(choices=Wave.choices)
    applied_in_case = models.BooleanField(_("applied in a case"))
    applied_in_request = models.BooleanField(_("applied in a request for assistance or extradition"))
    applied_in_draft_law = models.BooleanField(_("applied in a draft law or regulation"))
    comments = models.TextField(_("comments"), blank=True, max_length=4000)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "wave"], name="one_impact_response_per_wave"),
        ]

    def __str__(self) -> str:
        return f"Impact wave {self.wave} of enrolment {self.enrolment_id}"
