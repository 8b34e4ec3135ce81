"""Who is signed in on a WebSocket, read fresh from the database.

channels' AuthMiddlewareStack resolves the user once, at the handshake, with two trips
through daphne's one sync thread (the session store, then the user). A reconnect storm
queues those trips for every socket before any can finish its own (docs/performance.md).
Here the handshake only reads the session cookie; the consumer asks `signed_in_user_id`
inside its own database trip, on connect and on every frame, with the same checks as
`django.contrib.auth.get_user`: a session that is live, names an allowed backend and
carries the password's auth hash (a password change signs other browsers out), and an
active user.
"""

from importlib import import_module

from channels.sessions import CookieMiddleware

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.db.models import Subquery
from django.utils import timezone
from django.utils.crypto import constant_time_compare


class SessionKeyMiddleware:
    """Puts the session cookie's value in `scope["session_key"]`; reads nothing."""

    def __init__(self, inner) -> None:
        self.inner = inner

    async def __call__(self, scope, receive, send):
        key = scope.get("cookies", {}).get(settings.SESSION_COOKIE_NAME) or None
        return await self.inner(dict(scope, session_key=key), receive, send)


def SessionKeyMiddlewareStack(inner):  # noqa: N802 (named like channels' stacks)
    return CookieMiddleware(SessionKeyMiddleware(inner))


def _store_class():
    return import_module(settings.SESSION_ENGINE).SessionStore


def signed_in_user_id(session_key: str | None, known_user_id: int | None = None) -> int | None:
    """The id of the active user this session signs in, or None. One query when the
    caller already knows whom to expect (every frame after the first), two otherwise."""
    if not session_key:
        return None
    store_class = _store_class()
    users = get_user_model().objects.filter(is_active=True)
    if known_user_id is not None and hasattr(store_class, "get_model_class"):
        sessions = store_class.get_model_class().objects.filter(
            session_key=session_key, expire_date__gt=timezone.now()
        )
        row = (
            users.filter(pk=known_user_id)
            .values_list("password", Subquery(sessions.values("session_data")[:1]))
            .first()
        )
        if row is None or not row[1]:
            return None
        password, data = row[0], store_class().decode(row[1])
    else:
        data = store_class(session_key).load()  # {} when missing or expired
        raw_id = data.get(SESSION_KEY)
        password = users.filter(pk=raw_id).values_list("password", flat=True).first() if raw_id else None
        if password is None:
            return None
    if data.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return None
    user_id = get_user_model()._meta.pk.to_python(data.get(SESSION_KEY))
    if known_user_id is not None and user_id != known_user_id:
        return None
    probe = get_user_model()(password=password)
    session_hash = data.get(HASH_SESSION_KEY) or ""
    hashes = [probe.get_session_auth_hash(), *probe.get_session_auth_fallback_hash()]
    if not session_hash or not any(constant_time_compare(session_hash, h) for h in hashes):
        return None
    return user_id
