"""Fixtures for accounts: people with each kind of power, and a second factor on demand.

Two-factor enforcement is switched on here (the shared test settings leave it off so other
apps' tests can sign tutors in without one)."""

import re
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, generate_totp_secret, hotp_value

from django.contrib.auth.models import Group, Permission
from django.core import mail

from accounts.adapters import MFAAdapter
from courses.models import Enrolment, Institution
from modules.editorial import EDITORS, REVIEWERS
from tests.forums.conftest import PASSWORD, enrol, make_cohort, user

__all__ = ["PASSWORD", "enrol", "make_cohort", "user"]


@pytest.fixture(autouse=True)
def enforce_mfa(settings):
    settings.ACCOUNTS_MFA_ENFORCED = True


def totp_code(secret: str, *, offset: int = 0) -> str:
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD + offset
    return format_hotp_value(hotp_value(secret, counter))


def give_totp(account) -> str:
    """An authenticator app for `account`; returns its secret."""
    secret = generate_totp_secret()
    Authenticator.objects.create(
        user=account, type=Authenticator.Type.TOTP, data={"secret": MFAAdapter().encrypt(secret)}
    )
    return secret


def password_login(client, email: str, password: str = PASSWORD, **extra):
    return client.post("/en/accounts/login/", {"login": email, "password": password}, **extra)


def reauthenticate(client, password: str = PASSWORD) -> None:
    """allauth asks for the password again before two-factor changes."""
    response = client.post("/en/accounts/reauthenticate/", {"password": password})
    assert response.status_code == 302, response.content[:500]


def link_in_last_mail(pattern: str = r"http://testserver(/\S+)") -> str:
    return re.search(pattern, mail.outbox[-1].body).group(1)


@pytest.fixture
def cohort(db):
    return make_cohort("cohort-a")


def make_person(kind: str, cohort=None):
    """One account per kind of person the platform knows."""
    account = user(f"{kind.replace('_', '-')}@example.org")
    if kind == "trainee":
        enrol(account, cohort)
    elif kind == "observer":
        enrol(account, cohort, Enrolment.Role.OBSERVER)
    elif kind == "tutor":
        enrol(account, cohort, Enrolment.Role.TUTOR)
    elif kind == "former_tutor":
        enrol(account, cohort, Enrolment.Role.TUTOR, status=Enrolment.Status.REMOVED)
    elif kind == "institution_admin":
        Institution.objects.create(name="Academy", country="KE").admins.add(account)
    elif kind in ("editor", "reviewer"):
        group, _ = Group.objects.get_or_create(name=EDITORS if kind == "editor" else REVIEWERS)
        account.groups.add(group)
    elif kind == "admin_group_member":
        group = Group.objects.create(name="Translators")
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        account.groups.add(group)
    elif kind == "moderator":
        account.user_permissions.add(Permission.objects.get(codename="moderate_any_space"))
    elif kind == "staff":
        account.is_staff = True
        account.save(update_fields=["is_staff"])
    elif kind == "superuser":
        account.is_staff = account.is_superuser = True
        account.save(update_fields=["is_staff", "is_superuser"])
    return account
