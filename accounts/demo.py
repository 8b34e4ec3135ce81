"""Demo accounts for `make run`, all with the password in DEMO_PASSWORD (local use only)."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress

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


DEMO_ACCOUNTS = [
    DemoAccount("trainee1@example.org", "Amina Haddad", "JO", "Trainee, cohort A"),
    DemoAccount("trainee2@example.org", "Carlos Mendes", "BR", "Trainee, cohort A"),
    DemoAccount("trainee3@example.org", "Irina Volkova", "KZ", "Trainee, cohort B"),
    DemoAccount("tutor1@example.org", "Dr. Leila Benali", "MA", "Tutor, cohort A"),
    DemoAccount("tutor2@example.org", "Jean-Marc Dubois", "FR", "Tutor, cohort B"),
    DemoAccount("academy@example.org", "National Judicial Academy", "KE", "Institution admin"),
    DemoAccount("editor@example.org", "Curriculum Editor", "AT", "Curriculum editor"),
    DemoAccount("admin@example.org", "Platform Admin", "AT", "Superuser", is_superuser=True),
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
    if editors_group is not None:
        users["editor@example.org"].groups.add(editors_group)
    return users
