from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who uses Legis: trainee, tutor, institution admin, editor or manager.

    E-mail is the login (allauth); `username` stays because Wagtail's admin and
    allauth both expect one, and it is never shown to other users.
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        help_text=_("Your name as other participants see it."),
    )
    pseudonym = models.CharField(
        _("pseudonym"),
        max_length=80,
        blank=True,
        help_text=_(
            "Shown instead of your name in cohorts that allow pseudonyms. Your tutors still see your name."
        ),
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=10, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]
        permissions = [("deactivate_user", "Can deactivate and reactivate accounts")]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.display_name or self.get_full_name() or self.email.split("@", 1)[0]


class SecurityEventQuerySet(models.QuerySet):
    def about(self, user: User) -> "SecurityEventQuerySet":
        return self.filter(models.Q(user=user) | models.Q(actor=user))


class SecurityEvent(models.Model):
    """One security-relevant fact: a login or failed login, an MFA change, a role given or
    taken away, an account deactivated or deleted, a data export.

    Append-only: written by `accounts.audit.record`, read (and filtered) by superusers in
    the Wagtail admin. The labels keep what the person was called at the time, so the log
    still reads after an account is gone; deleting an account blanks its labels.
    """

    class Kind(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGIN_THROTTLED = "login_throttled", _("Login refused by the rate limit")
        LOGOUT = "logout", _("Logout")
        SIGNUP = "signup", _("Sign-up")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET = "password_reset", _("Password reset")
        MFA_ADDED = "mfa_added", _("Authenticator added")
        MFA_REMOVED = "mfa_removed", _("Authenticator removed")
        MFA_RESET = "mfa_reset", _("Recovery codes regenerated")
        MFA_FAILED = "mfa_failed", _("Wrong authentication code")
        ROLE_GRANTED = "role_granted", _("Role granted")
        ROLE_REVOKED = "role_revoked", _("Role taken away")
        SESSIONS_ENDED = "sessions_ended", _("Sessions ended")
        DEACTIVATED = "deactivated", _("Account deactivated")
        REACTIVATED = "reactivated", _("Account reactivated")
        DELETED = "deleted", _("Account deleted")
        DATA_EXPORT = "data_export", _("Data export")

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user_label = models.CharField(_("account (as recorded)"), max_length=254, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("done by (as recorded)"), max_length=254, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user_label or '—'}"

    @property
    def summary(self) -> str:
        """The detail as one line for the admin listing."""
        return ", ".join(f"{key}: {value}" for key, value in sorted(self.detail.items()))
