"""Legis's allauth adapters: the client address behind trusted proxies, the audit log,
two-factor secrets encrypted at rest, and sockets closed when sessions end."""

import base64
import hashlib
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.usersessions.adapter import DefaultUserSessionsAdapter
from cryptography.fernet import Fernet, InvalidToken

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest

from lms.ratelimit import client_ip

from . import audit, selectors
from .models import SecurityEvent, User

Kind = SecurityEvent.Kind
ENCRYPTED_PREFIX = "fernet:"


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        """The same client address as every other Legis rate limit: X-Forwarded-For read
        from the right, skipping TRUSTED_PROXY_COUNT proxies we run (lms.ratelimit)."""
        ip = client_ip(request.META, settings.TRUSTED_PROXY_COUNT).strip()
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            audit.record(Kind.LOGIN_THROTTLED, user_label=_login_of(credentials), request=request)
            raise

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        login = _login_of(credentials)
        user = User.objects.filter(email__iexact=login).first() if login else None
        audit.record(Kind.LOGIN_FAILED, user=user, user_label=login, request=request)


def _login_of(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")[:254]


def _fernet() -> Fernet:
    secret = settings.MFA_ENCRYPTION_KEY or settings.SECRET_KEY
    if not secret:
        raise ImproperlyConfigured("MFA_ENCRYPTION_KEY (or SECRET_KEY) is needed to store second factors.")
    key = hashlib.sha256(b"legis.mfa:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        """TOTP secrets and recovery-code seeds are encrypted at rest: a copy of the
        database alone does not let anyone produce codes."""
        return ENCRYPTED_PREFIX + _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(ENCRYPTED_PREFIX):
            return encrypted_text  # stored before encryption was switched on
        try:
            return _fernet().decrypt(encrypted_text.removeprefix(ENCRYPTED_PREFIX).encode()).decode()
        except InvalidToken as exc:
            raise ImproperlyConfigured(
                "MFA_ENCRYPTION_KEY changed: stored second factors cannot be read."
            ) from exc

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Someone whose role requires a second factor keeps at least one."""
        if authenticator.type not in selectors.SECOND_FACTORS:
            return True
        user = authenticator.user
        if not selectors.security_profile(user).mfa_required:
            return True
        others = Authenticator.objects.filter(user=user, type__in=selectors.SECOND_FACTORS).exclude(
            pk=authenticator.pk
        )
        return others.exists()


class UserSessionsAdapter(DefaultUserSessionsAdapter):
    def end_sessions(self, sessions) -> None:
        """Signing a browser out also closes its discussion sockets (they re-check their
        session when told to, in every process)."""
        user_ids = set()
        for session in sessions:
            user_ids.add(session.user_id)
            session.end()
        from .services import revoke_sockets

        for user_id in user_ids:
            audit.record(Kind.SESSIONS_ENDED, user=User.objects.filter(pk=user_id).first())
            transaction.on_commit(lambda user_id=user_id: revoke_sockets(user_id))
