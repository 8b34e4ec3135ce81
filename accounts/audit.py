"""The security audit log: one function writes it, whatever the source of the fact.

`record` writes in the caller's transaction, so an event rolls back with the change it
describes. Who did it comes from the request when there is one; changes made in the
admin (group membership, institution admins, tutor enrolments) reach `record` from model
signals that know no request, so `AuditActorMiddleware` (accounts.middleware) keeps the
current request in a context variable for them.
"""

import contextvars
import ipaddress
import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from lms.ratelimit import client_ip

from .models import SecurityEvent, User

logger = logging.getLogger("legis.security")

Kind = SecurityEvent.Kind

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "legis_audit_request", default=None
)


def bind_request(request: HttpRequest | None) -> contextvars.Token:
    return _current_request.set(request)


def unbind_request(token: contextvars.Token) -> None:
    _current_request.reset(token)


def current_request() -> HttpRequest | None:
    return _current_request.get()


def request_ip(request: HttpRequest | None) -> str | None:
    """The client address as the rate limits see it (behind TRUSTED_PROXY_COUNT proxies)."""
    if request is None:
        return None
    address = client_ip(request.META, settings.TRUSTED_PROXY_COUNT).strip()
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:  # a forged or malformed header: keep the event, not the junk
        return None


def _label(user: User | None) -> str:
    return user.email if user is not None and user.pk else ""


def record(
    kind: str,
    *,
    user: User | None = None,
    user_label: str = "",
    actor: User | None = None,
    request: HttpRequest | None = None,
    **detail: Any,
) -> SecurityEvent:
    """Append one event. `actor` defaults to the signed-in person of the current request."""
    request = request if request is not None else current_request()
    if actor is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            actor = request_user
    if actor is not None and not actor.pk:  # an account deleted in this very request
        actor = None
    event = SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        user_label=user_label or _label(user),
        actor=actor,
        actor_label=_label(actor),
        ip=request_ip(request),
        detail={key: value for key, value in detail.items() if value not in (None, "")},
    )
    logger.info("security event %s user=%s actor=%s", kind, event.user_label, event.actor_label)
    return event


def forget(user: User) -> None:
    """Blank what the log says about a deleted account (the facts stay, the name goes)."""
    placeholder = f"deleted account #{user.pk}"
    SecurityEvent.objects.filter(user=user).update(user_label=placeholder)
    SecurityEvent.objects.filter(actor=user).update(actor_label=placeholder)
    SecurityEvent.objects.filter(user__isnull=True, user_label__iexact=user.email).update(
        user_label=placeholder
    )
