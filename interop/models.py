"""LTI 1.3: the tool's own keys, the LMS platforms that registered Legis, the accounts and
cohorts their launches map to, and the one-use records that stop a launch being replayed."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class LtiToolKey(models.Model):
    """An RSA key pair of this tool. The public half is served in the JWKS; the private half
    signs deep-linking responses. Kept in the database (never in the repository); retired keys
    stay published a while so platforms can still check messages signed before a rotation."""

    kid = models.CharField(max_length=64, unique=True)
    private_key_pem = models.TextField()
    public_jwk = models.JSONField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("LTI tool key")

    def __str__(self) -> str:
        return f"{self.kid} ({'active' if self.active else 'retired'})"


class LtiPlatform(models.Model):
    """An LMS (Moodle, Canvas, Open edX...) that registered Legis as an LTI 1.3 tool."""

    name = models.CharField(max_length=200)
    issuer = models.CharField(max_length=255, help_text=_("The platform's `iss`, exactly as it sends it."))
    client_id = models.CharField(max_length=255, help_text=_("The client id the platform gave this tool."))
    auth_login_url = models.URLField(help_text=_("The platform's OIDC authorisation endpoint."))
    jwks_url = models.URLField(help_text=_("Where the platform publishes its public keys."))
    deployment_ids = models.TextField(
        help_text=_("The deployment ids this registration accepts, one a line.")
    )
    institution = models.ForeignKey(
        "courses.Institution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lti_platforms",
        help_text=_("The institution that runs this LMS: its cohorts are the ones courses may map to."),
    )
    frame_origins = models.TextField(
        blank=True,
        help_text=_(
            "Origins allowed to frame the LTI pages, one a line (e.g. https://lms.example.org). "
            "Empty: the origin of the authorisation endpoint."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("LTI platform")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "client_id"], name="one_platform_per_issuer_client"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def deployments(self) -> list[str]:
        return [line.strip() for line in self.deployment_ids.splitlines() if line.strip()]

    @property
    def allowed_frame_origins(self) -> list[str]:
        from urllib.parse import urlsplit

        origins = [line.strip().rstrip("/") for line in self.frame_origins.splitlines() if line.strip()]
        if not origins:
            parts = urlsplit(self.auth_login_url)
            origins = [f"{parts.scheme}://{parts.netloc}"]
        return origins

    def clean(self) -> None:
        super().clean()
        if not self.deployments:
            raise ValidationError({"deployment_ids": _("Give at least one deployment id.")})
        for origin in self.allowed_frame_origins:
            if not origin.startswith(("https://", "http://")) or any(c in origin for c in " ;,'\""):
                raise ValidationError({"frame_origins": _("Give origins such as https://lms.example.org.")})


class LtiUserLink(models.Model):
    """A Legis account made just in time for a platform's user (its `sub`), and used again on
    every later launch. E-mail addresses sent by the platform are kept for reference only:
    they never link a launch to an existing Legis account."""

    platform = models.ForeignKey(LtiPlatform, on_delete=models.CASCADE, related_name="user_links")
    subject = models.CharField(max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_links")
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_launch_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("LTI user link")
        constraints = [
            models.UniqueConstraint(fields=["platform", "subject"], name="one_account_per_platform_user"),
        ]

    def __str__(self) -> str:
        return f"{self.platform} · {self.subject}"


class LtiCourseMapping(models.Model):
    """An LMS course (the launch's context id) mapped to a cohort of the platform's institution:
    a launch from that course puts the person in that cohort."""

    platform = models.ForeignKey(LtiPlatform, on_delete=models.CASCADE, related_name="course_mappings")
    context_id = models.CharField(max_length=255, help_text=_("The LMS course id (context id)."))
    context_title = models.CharField(max_length=255, blank=True)
    cohort = models.ForeignKey("courses.Cohort", on_delete=models.CASCADE, related_name="lti_mappings")
    instructors_as_tutors = models.BooleanField(
        default=True, help_text=_("People the LMS calls instructors join the cohort as tutors.")
    )

    class Meta:
        verbose_name = _("LTI course mapping")
        constraints = [
            models.UniqueConstraint(fields=["platform", "context_id"], name="one_cohort_per_lms_course"),
        ]

    def __str__(self) -> str:
        return f"{self.platform} · {self.context_title or self.context_id} → {self.cohort}"

    def clean(self) -> None:
        super().clean()
        if not (self.platform_id and self.cohort_id):
            return
        institution_id = self.platform.institution_id
        if institution_id is None or self.cohort.institution_id != institution_id:
            raise ValidationError(
                {"cohort": _("Choose a cohort of the institution that runs this platform.")}
            )


class LtiLoginState(models.Model):
    """One OIDC login initiation: the state and nonce this tool chose. A launch consumes it
    once; a second launch with the same state or nonce is a replay and is refused."""

    state = models.CharField(max_length=64, unique=True)
    nonce = models.CharField(max_length=64, unique=True)
    platform = models.ForeignKey(LtiPlatform, on_delete=models.CASCADE, related_name="+")
    target_link_uri = models.CharField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return self.state


class LtiHandoff(models.Model):
    """A one-use, short-lived ticket from a framed launch to a first-party window: browsers
    refuse cookies inside another site's frame, so the frame offers a link that opens Legis in
    its own window and signs the person in there."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    target = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"handoff for user {self.user_id}"
