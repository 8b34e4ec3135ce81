"""Every write to accounts: deactivation, deletion, the data download's audit entry, the
pseudonym. Keyword-only, one transaction, sockets told after commit."""

from functools import partial

from allauth.usersessions.models import UserSession

from django.db import transaction
from django.http import HttpRequest

from lms.errors import PermissionDenied, ServiceError

from . import audit, policies, selectors
from .models import SecurityEvent, User

Kind = SecurityEvent.Kind


def revoke_sockets(user_id: int) -> None:
    # forums offers the one way to tell every process's sockets of a person to re-check their
    # access; imported here, not at the top, because forums itself builds on accounts.models.
    from forums.events import revoke_user

    revoke_user(user_id)


def sessions_end(*, user: User, keep_session_key: str | None = None) -> int:
    """End every signed-in session of `user` (but `keep_session_key`), in every browser."""
    ended = 0
    for session in UserSession.objects.filter(user=user).exclude(session_key=keep_session_key or ""):
        session.end()
        ended += 1
    return ended


def account_deactivate(
    *, actor: User, user: User, reason: str = "", request: HttpRequest | None = None
) -> User:
    """Switch an account off: it can no longer sign in, its sessions end and its open
    discussion sockets close (after commit, in every process)."""
    if not policies.can_deactivate(actor, user):
        raise PermissionDenied("You may not deactivate this account.")
    with transaction.atomic():
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
            sessions_end(user=user)
            audit.record(Kind.DEACTIVATED, user=user, actor=actor, request=request, reason=reason)
        transaction.on_commit(partial(revoke_sockets, user.pk))
    return user


def account_reactivate(
    *, actor: User, user: User, reason: str = "", request: HttpRequest | None = None
) -> User:
    if not policies.can_deactivate(actor, user):
        raise PermissionDenied("You may not reactivate this account.")
    with transaction.atomic():
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
            audit.record(Kind.REACTIVATED, user=user, actor=actor, request=request, reason=reason)
    return user


def account_deactivated_elsewhere(*, user: User, request: HttpRequest | None = None) -> None:
    """An admin form (Wagtail's or Django's) switched `is_active` off: finish the job the
    way `account_deactivate` does."""
    with transaction.atomic():
        sessions_end(user=user)
        audit.record(Kind.DEACTIVATED, user=user, request=request, via="admin form")
        transaction.on_commit(partial(revoke_sockets, user.pk))


def account_reactivated_elsewhere(*, user: User, request: HttpRequest | None = None) -> None:
    audit.record(Kind.REACTIVATED, user=user, request=request, via="admin form")


def account_removed_by_admin(*, user_id: int, email: str, request: HttpRequest | None = None) -> None:
    """Wagtail's user delete view removed an account: log it and close its sockets."""
    audit.record(Kind.DELETED, user_label=email, request=request, via="admin form")
    transaction.on_commit(partial(revoke_sockets, user_id))


def account_delete(*, user: User, request: HttpRequest | None = None) -> None:
    """Remove the account at its owner's request. What they wrote in discussions stays, so
    conversations remain whole; it shows as by a former participant (Post.author is SET_NULL).
    Enrolments, reactions and flags go with the account; the security log keeps the fact of
    the deletion under a number, not a name."""
    if not policies.can_delete_own_account(user):
        raise PermissionDenied("This account cannot be deleted here; ask another administrator.")
    user_id = user.pk
    with transaction.atomic():
        audit.record(Kind.DELETED, user=user, actor=user, request=request)
        audit.forget(user)
        sessions_end(user=user)
        user.delete()
        transaction.on_commit(partial(revoke_sockets, user_id))


def data_export(*, user: User, request: HttpRequest | None = None) -> dict:
    """The person's own data, for download; the download itself is logged."""
    data = selectors.user_data(user)
    audit.record(Kind.DATA_EXPORT, user=user, actor=user, request=request)
    return data


def pseudonym_set(*, user: User, pseudonym: str) -> User:
    pseudonym = " ".join(pseudonym.split())
    if pseudonym and pseudonym.casefold() in {user.email.casefold(), user.public_name.casefold()}:
        raise ServiceError("pseudonym_is_name", "A pseudonym must not be your name or e-mail address.")
    user.pseudonym = pseudonym
    user.full_clean(exclude=["password", "username", "email"])
    user.save(update_fields=["pseudonym"])
    return user
