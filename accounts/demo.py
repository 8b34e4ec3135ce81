"""Demo accounts for `make run`, all with the password in DEMO_PASSWORD (local use only).

The accounts with powers (tutors, institution admin, editor, superuser) must hold a second
factor like everyone else with those powers: they get an authenticator app (TOTP) whose
secret is DEMO_TOTP_SECRET, documented in docs/accounts.md and printed by `load_demo`.
Add it to any authenticator app, or print the current code with `manage.py demo_totp_code`.
(A demo-only exemption from two-factor would be one more switch that could be left on in
production; a known secret in a local demo database is not.)
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from django.conf import settings
from django.contrib.auth.models import Group

from .models import User


@dataclass(frozen=True)
class DemoAccount:
    email: str
    display_name: str
    country: str
    role: str
    is_superuser: bool = False
    second_factor: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("trainee1@example.org", "Amina Haddad", "JO", "Trainee, cohort A"),
    DemoAccount("trainee2@example.org", "Carlos Mendes", "BR", "Trainee, cohort A"),
    DemoAccount("trainee3@example.org", "Irina Volkova", "KZ", "Trainee, cohort B"),
    DemoAccount("tutor1@example.org", "Dr. Leila Benali", "MA", "Tutor, cohort A", second_factor=True),
    DemoAccount("tutor2@example.org", "Jean-Marc Dubois", "FR", "Tutor, cohort B", second_factor=True),
    DemoAccount(
        "academy@example.org", "National Judicial Academy", "KE", "Institution admin", second_factor=True
    ),
    DemoAccount("editor@example.org", "Curriculum Editor", "AT", "Curriculum editor", second_factor=True),
    DemoAccount(
        "admin@example.org", "Platform Admin", "AT", "Superuser", is_superuser=True, second_factor=True
    ),
]


def ensure_user(
    email: str,
    *,
    display_name: str = "",
    country: str = "",
    password: str | None = None,
    is_superuser: bool = False,
) -> tuple[User, bool]:
    """Create (or find) a user whose e-mail is already verified, as allauth expects."""
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "username": email.split("@", 1)[0],
            "display_name": display_name,
            "country": country,
            "is_staff": is_superuser,
            "is_superuser": is_superuser,
        },
    )
    if created:
        user.set_password(password or settings.DEMO_PASSWORD)
        user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    return user, created


def load_demo_accounts(*, editors_group: Group | None = None) -> dict[str, User]:
    users = {}
    for account in DEMO_ACCOUNTS:
        user, _ = ensure_user(
            account.email,
            display_name=account.display_name,
            country=account.country,
            is_superuser=account.is_superuser,
        )
        users[account.email] = user
        if account.second_factor:
            ensure_demo_totp(user)
    if editors_group is not None:
        users["editor@example.org"].groups.add(editors_group)
    return users


def ensure_demo_totp(user: User) -> Authenticator:
    """An authenticator app for a demo account, on the documented DEMO_TOTP_SECRET."""
    from .adapters import MFAAdapter

    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        authenticator = Authenticator.objects.create(
            user=user,
            type=Authenticator.Type.TOTP,
            data={"secret": MFAAdapter().encrypt(settings.DEMO_TOTP_SECRET)},
        )
    return authenticator


def demo_totp_code(at: float | None = None) -> str:
    """The code an authenticator app shows for DEMO_TOTP_SECRET now (or at `at`)."""
    import time

    from allauth.mfa import app_settings

    counter = int((time.time() if at is None else at) // app_settings.TOTP_PERIOD)
    return format_hotp_value(hotp_value(settings.DEMO_TOTP_SECRET, counter))


def demo_mfa_notice() -> str:
    emails = ", ".join(a.email for a in DEMO_ACCOUNTS if a.second_factor)
    return (
        f"Two-factor demo accounts ({emails}) use the authenticator secret {settings.DEMO_TOTP_SECRET}; "
        "`python manage.py demo_totp_code` prints the current code."
    )
