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
        help_text=_("The name other participants see. May be a pseudonym where a cohort allows."),
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=10, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.display_name or self.get_full_name() or self.email.split("@", 1)[0]
