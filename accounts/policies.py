"""Who may do what with accounts: the one place `accounts` decides it."""

from django.contrib.auth.models import AnonymousUser

from .models import User
from .selectors import SecurityProfile

ANYONE = AnonymousUser | User


def must_enrol_second_factor(user: ANYONE, profile: SecurityProfile) -> bool:
    """Tutors, institution admins, editors and staff must hold a second factor before they
    may use their powers; trainees and observers may add one but are not made to."""
    return user.is_authenticated and profile.mfa_missing


def can_deactivate(actor: ANYONE, target: User) -> bool:
    """Superusers, and holders of accounts.deactivate_user for anyone but a superuser;
    nobody switches themselves off (that is account deletion)."""
    if not actor.is_authenticated or not actor.is_active or actor.pk == target.pk:
        return False
    if actor.is_superuser:
        return True
    return not target.is_superuser and actor.has_perm("accounts.deactivate_user")


def can_delete_own_account(user: ANYONE) -> bool:
    """Anyone signed in, except superusers: another superuser removes those, so the platform
    is never left without one by a single click."""
    return user.is_authenticated and user.is_active and not user.is_superuser


def can_view_security_log(user: ANYONE) -> bool:
    return user.is_authenticated and user.is_active and user.is_superuser


def can_see_real_name(*, viewer_is_tutor: bool) -> bool:
    """Behind a pseudonym, a person's name is for the cohort's tutors only. (The person
    themselves sees their pseudonym: what the others see.)"""
    return viewer_is_tutor
