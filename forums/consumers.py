"""The WebSocket side of a space: thin. Authorise at connect and on every frame,
validate the frame, call a service in a thread, send what it returns.
The protocol is documented in docs/realtime.md."""

import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from django.conf import settings
from django.contrib.auth import get_user_model

from accounts.selectors import security_profile
from accounts.sockets import signed_in_user_id
from lms.errors import ServiceError
from modules.models import ReadingPage

from . import events, policies, presence, services
from .models import Flag, Post, Space, Thread

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 16 * 1024
# Frames per socket per window, whatever their type (posts have their own, stricter limit).
FRAME_LIMIT, FRAME_WINDOW_SECONDS = 60, 10
REPLAY_LIMIT = 500
CLOSE_FORBIDDEN = 4403
# How long a socket trusts what rarely changes (space row, permissions, second factor)
# before reading it again; revocations push `access.changed` and do not wait for it.
STANDING_SECONDS = 30


def _last_id_from(scope: dict) -> int | None:
    """`?last_id=N` on the socket's URL: the last event the page has, to replay from at once."""
    values = parse_qs(scope.get("query_string", b"").decode("latin1")).get("last_id")
    if not values or not values[0].isdigit():
        return None
    return int(values[0])


class Revoked(Exception):
    """The socket's user may no longer read this space."""


@dataclass(frozen=True)
class _Standing:
    user: Any
    space: Space
    mfa_missing: bool
    checked_at: float


class FrameError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _int(frame: dict, name: str) -> int:
    value = frame.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise FrameError("missing_field", f"'{name}' must be an integer.")
    return value


def _str(frame: dict, name: str, *, required: bool = True) -> str:
    """A string field. Required means present; whether blank is acceptable is the service's call."""
    if required and name not in frame:
        raise FrameError("missing_field", f"'{name}' is required.")
    value = frame.get(name, "")
    if not isinstance(value, str):
        raise FrameError("missing_field", f"'{name}' must be a string.")
    return value


class SpaceConsumer(AsyncWebsocketConsumer):
    access: policies.SpaceAccess | None = None
    user = None
    _standing: _Standing | None = None

    async def dispatch(self, message: dict) -> None:
        """Channels' dispatch without its `aclose_old_connections()` before every message.

        That call is a trip through the one thread that runs all sync code, so one event
        delivered to a room of N sockets queued N trips behind the database work of posts
        and joins (docs/performance.md). Every database call here goes through
        `database_sync_to_async`, which closes stale connections itself."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # ---- lifecycle -------------------------------------------------------------------------------
    async def connect(self) -> None:
        self.space_id = int(self.scope["url_route"]["kwargs"]["space_id"])
        self.user = None  # known once the first check has read the session
        self._standing = None
        after = _last_id_from(self.scope)
        # Join the room's group first: whatever is published from here on is queued for
        # this socket and handled after connect, so the replay below and the live events
        # overlap rather than leave a gap (the client ignores ids it already has).
        group = f"space-{self.space_id}"
        await self.channel_layer.group_add(group, self.channel_name)
        # One trip through the sync thread: a reconnect storm queues every socket there.
        self.access, joined = await database_sync_to_async(self._check_and_join)(after)
        if joined is None:
            await self.channel_layer.group_discard(group, self.channel_name)
            await self.close(code=CLOSE_FORBIDDEN)
            return
        last_id, replay = joined
        self.group = group
        await self.channel_layer.group_add(events.user_group(self.user.pk), self.channel_name)
        await self.accept()
        await self._send(
            {
                "type": "hello",
                "last_id": last_id,
                "can_post": policies.can_post(self.access),
                "can_moderate": self.access.can_moderate,
                "max_frame_bytes": MAX_FRAME_BYTES,
                # Connected with ?last_id=N: the replay follows at once, no `resume` needed.
                "replayed": replay is not None,
            }
        )
        if replay is not None:
            await self._send_replay(replay, last_id)
        presence.joined(self.channel_layer, self.channel_name, self.space_id, self.user.pk)

    async def disconnect(self, code: int) -> None:
        if getattr(self, "group", None) is None:
            return
        await self.channel_layer.group_discard(self.group, self.channel_name)
        await self.channel_layer.group_discard(events.user_group(self.user.pk), self.channel_name)
        presence.left(self.channel_layer, self.channel_name, self.space_id)

    # ---- frames from the client ------------------------------------------------------------------
    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        raw = text_data.encode() if text_data is not None else (bytes_data or b"")
        ref = None
        try:
            if not self._within_frame_rate():
                raise FrameError("rate_limited", "Too many messages. Slow down and try again.")
            # The size is checked before anything is parsed.
            if len(raw) > MAX_FRAME_BYTES:
                raise FrameError("too_large", f"Frames are limited to {MAX_FRAME_BYTES} bytes.")
            try:
                frame = json.loads(raw)
            except ValueError as exc:
                raise FrameError("invalid_json", "The frame is not valid JSON.") from exc
            if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
                raise FrameError("invalid_frame", "A frame is a JSON object with a string 'type'.")
            # Errors name the frame they answer: its `ref`, or the client id of a post.
            ref = next((frame[k] for k in ("ref", "client_id") if isinstance(frame.get(k), str)), None)
            handler = HANDLERS.get(frame["type"])  # a fixed table: no lookup by name on the consumer
            if handler is None:
                raise FrameError("unknown_type", f"Unknown frame type {frame['type'][:40]!r}.")
            # Authorisation holds for the life of the socket: every handler's database trip
            # (`_call`) checks it again first.
            await handler(self, frame)
        except Revoked:
            await self._revoke()
        except FrameError as exc:
            await self._send({"type": "error", "code": exc.code, "message": exc.message, "ref": ref})
        except ServiceError as exc:
            await self._send({"type": "error", "code": exc.code, "message": exc.message, "ref": ref})
        except (
            Post.DoesNotExist,
            Thread.DoesNotExist,
            Flag.DoesNotExist,
            ReadingPage.DoesNotExist,
            get_user_model().DoesNotExist,
        ):
            await self._send(
                {"type": "error", "code": "not_found", "message": "No such item here.", "ref": ref}
            )

    async def on_ping(self, frame: dict) -> None:
        await self._call(lambda: None)  # the access check is the point; last_seen goes in a batch
        presence.seen(self.channel_layer, self.channel_name)
        await self._send({"type": "pong"})

    async def on_resume(self, frame: dict) -> None:
        await self._replay(after=_int(frame, "last_id"), upto=None)

    async def on_fetch(self, frame: dict) -> None:
        start, end = _int(frame, "from"), _int(frame, "to")
        if end < start or end - start >= REPLAY_LIMIT:
            raise FrameError("bad_range", f"Ask for 1 to {REPLAY_LIMIT} events.")
        await self._replay(after=start - 1, upto=end)

    async def on_post(self, frame: dict) -> None:
        thread_id, body = _int(frame, "thread"), _str(frame, "body")
        client_id = _str(frame, "client_id", required=False)[:64]
        post = await self._call(self._post, thread_id, body, client_id)
        await self._send(
            {"type": "ack", "ref": client_id or frame.get("ref"), "post": post.pk, "status": post.status}
        )

    def _post(self, thread_id: int, body: str, client_id: str) -> Post:
        # The space row comes fresh with the thread (same query): slow mode and
        # premoderation apply from the next post, not after the standing's 30 s.
        thread = Thread.objects.select_related("space").get(pk=thread_id, space_id=self.space_id)
        return services.post_create(
            user=self.user, thread=thread, body=body, client_msg_id=client_id, access=self.access
        )

    async def on_passage_post(self, frame: dict) -> None:
        reading_id, block, body = _int(frame, "reading"), _str(frame, "block"), _str(frame, "body")
        client_id = _str(frame, "client_id", required=False)[:64]
        language = _str(frame, "language", required=False)[:10]

        def create() -> Post:
            space = Space.objects.select_related("cohort__course").get(pk=self.space_id)
            reading = ReadingPage.objects.live().get(pk=reading_id)
            return services.passage_post_create(
                user=self.user,
                space=space,
                reading=reading,
                block_id=block[:64],
                body=body,
                client_msg_id=client_id,
                language=language,
            )

        post = await self._call(create)
        await self._send(
            {"type": "ack", "ref": client_id or frame.get("ref"), "post": post.pk, "status": post.status}
        )

    async def on_notable(self, frame: dict) -> None:
        post_id = _int(frame, "post")

        def toggle() -> Post:
            post = self._get_post(post_id)
            return services.post_mark_notable(actor=self.user, post=post, notable=not post.notable)

        await self._call(toggle)
        await self._ok(frame)

    async def on_thread(self, frame: dict) -> None:
        title, body = _str(frame, "title"), _str(frame, "body")
        client_id = _str(frame, "client_id", required=False)[:64]
        thread = await self._call(
            lambda: services.thread_create(
                user=self.user,
                space=Space.objects.get(pk=self.space_id),
                title=title,
                body=body,
                client_msg_id=client_id,
            )
        )
        await self._send({"type": "ack", "ref": client_id or frame.get("ref"), "thread": thread.pk})

    async def on_edit(self, frame: dict) -> None:
        post_id, body = _int(frame, "post"), _str(frame, "body")
        await self._call(lambda: services.post_edit(user=self.user, post=self._get_post(post_id), body=body))
        await self._ok(frame)

    async def on_delete(self, frame: dict) -> None:
        post_id, reason = _int(frame, "post"), _str(frame, "reason", required=False)
        await self._call(
            lambda: services.post_delete(user=self.user, post=self._get_post(post_id), reason=reason)
        )
        await self._ok(frame)

    async def on_react(self, frame: dict) -> None:
        post_id, kind = _int(frame, "post"), _str(frame, "kind")
        await self._call(
            lambda: services.reaction_toggle(user=self.user, post=self._get_post(post_id), kind=kind)
        )
        await self._ok(frame)

    async def on_flag(self, frame: dict) -> None:
        post_id, reason = _int(frame, "post"), _str(frame, "reason")
        await self._call(
            lambda: services.post_flag(user=self.user, post=self._get_post(post_id), reason=reason)
        )
        await self._ok(frame)

    async def on_hide(self, frame: dict) -> None:
        post_id, reason = _int(frame, "post"), _str(frame, "reason")
        await self._call(
            lambda: services.post_hide(actor=self.user, post=self._get_post(post_id), reason=reason)
        )
        await self._ok(frame)

    async def on_restore(self, frame: dict) -> None:
        post_id, reason = _int(frame, "post"), _str(frame, "reason", required=False)
        await self._call(
            lambda: services.post_restore(actor=self.user, post=self._get_post(post_id), reason=reason)
        )
        await self._ok(frame)

    async def on_approve(self, frame: dict) -> None:
        post_id = _int(frame, "post")
        await self._call(lambda: services.post_approve(actor=self.user, post=self._get_post(post_id)))
        await self._ok(frame)

    async def on_thread_state(self, frame: dict) -> None:
        thread_id = _int(frame, "thread")
        changes = {k: frame[k] for k in ("locked", "pinned") if isinstance(frame.get(k), bool)}
        if not changes:
            raise FrameError("missing_field", "Give 'locked' and/or 'pinned' as true or false.")
        reason = _str(frame, "reason", required=False)
        await self._call(
            lambda: services.thread_set(
                actor=self.user,
                thread=Thread.objects.select_related("space").get(pk=thread_id, space_id=self.space_id),
                reason=reason,
                **changes,
            )
        )
        await self._ok(frame)

    async def on_mute(self, frame: dict) -> None:
        user_id, minutes = _int(frame, "user"), _int(frame, "minutes")
        reason = _str(frame, "reason", required=False)
        await self._call(
            lambda: services.participant_mute(
                actor=self.user,
                space=Space.objects.get(pk=self.space_id),
                user=get_user_model().objects.get(pk=user_id),
                minutes=minutes,
                reason=reason,
            )
        )
        await self._ok(frame)

    async def on_configure(self, frame: dict) -> None:
        seconds = frame.get("slow_mode_seconds")
        premoderated = frame.get("premoderated")
        if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, int)):
            raise FrameError("missing_field", "'slow_mode_seconds' must be an integer.")
        if premoderated is not None and not isinstance(premoderated, bool):
            raise FrameError("missing_field", "'premoderated' must be true or false.")
        await self._call(
            lambda: services.space_configure(
                actor=self.user,
                space=Space.objects.get(pk=self.space_id),
                slow_mode_seconds=seconds,
                premoderated=premoderated,
            )
        )
        await self._ok(frame)

    async def on_resolve_flag(self, frame: dict) -> None:
        flag_id, resolution = _int(frame, "flag"), _str(frame, "resolution")
        await self._call(
            lambda: services.flag_resolve(
                actor=self.user,
                flag=Flag.objects.select_related("post__space").get(pk=flag_id, post__space_id=self.space_id),
                resolution=resolution,
            )
        )
        await self._ok(frame)

    # ---- messages from the channel layer ---------------------------------------------------------
    async def space_event(self, event: dict) -> None:
        if self.access is None:
            return
        message = event["message"]
        can_moderate = self.access.can_moderate
        if not can_moderate and message.get("author_id") == self.user.pk:
            # The author's own view: only this person's sockets get it; not worth keeping.
            await self._send(events.view_for(message, user_id=self.user.pk, can_moderate=False))
            return
        # In one process the recipients of a group message share one copy of it (lms.layers),
        # so each view is serialised once, not once per socket.
        kind = "moderator" if can_moderate else "public"
        encoded = event.setdefault("_encoded", {})
        text = encoded.get(kind)
        if text is None:
            frame = events.view_for(message, user_id=None, can_moderate=can_moderate)
            text = encoded[kind] = json.dumps(frame, separators=(",", ":"))
        await self.send(text_data=text)

    async def presence_update(self, event: dict) -> None:
        await self._send({"type": "presence", "online": event["online"]})

    async def access_changed(self, event: dict) -> None:
        self._standing = None  # re-read everything, not only what every frame reads
        try:
            await self._call(lambda: None)
        except Revoked:
            await self._revoke()

    # ---- helpers ---------------------------------------------------------------------------------
    def _within_frame_rate(self) -> bool:
        now = time.monotonic()
        window = getattr(self, "_frame_window", None)
        if window is None or now - window[0] >= FRAME_WINDOW_SECONDS:
            self._frame_window = [now, 1]
            return True
        window[1] += 1
        return window[1] <= FRAME_LIMIT

    def _get_post(self, post_id: int) -> Post:
        return Post.objects.select_related("space__cohort", "author").get(pk=post_id, space_id=self.space_id)

    async def _call(self, fn: Callable, *args):
        """Check access, then run `fn`, in one trip through the thread that runs sync code."""

        def checked():
            access = self._check_access()
            if access is None or not access.can_read:
                raise Revoked
            self.access = access
            return fn(*args)

        return await database_sync_to_async(checked)()

    async def _ok(self, frame: dict) -> None:
        await self._send({"type": "ok", "ref": frame.get("ref")})

    async def _send(self, frame: dict) -> None:
        await self.send(text_data=json.dumps(frame, separators=(",", ":")))

    async def _revoke(self) -> None:
        await self._send({"type": "revoked"})
        await self.close(code=CLOSE_FORBIDDEN)

    async def _replay(self, *, after: int, upto: int | None) -> None:
        messages, last_id = await self._call(self._load_replay, after, upto)
        await self._send_replay(messages, last_id)

    async def _send_replay(self, messages: list[dict], last_id: int) -> None:
        for message in messages:
            await self._send(
                events.view_for(message, user_id=self.user.pk, can_moderate=self.access.can_moderate)
            )
        await self._send(
            {"type": "replay_done", "last_id": last_id, "complete": len(messages) < REPLAY_LIMIT}
        )

    def _load_replay(self, after: int, upto: int | None) -> tuple[list[dict], int]:
        last_id = Space.objects.values_list("last_event_id", flat=True).get(pk=self.space_id)
        return events.replay(self.access.space, after, upto, limit=REPLAY_LIMIT), last_id

    def _check_access(self) -> policies.SpaceAccess | None:
        """Fresh from the database on every frame: the session still signed in (and its
        password hash still current), the user still active, the role (enrolment) and any
        mute still held. What changes rarely — the space row, permissions, the
        second-factor requirement — is re-read every STANDING_SECONDS and at once when
        `access.changed` arrives (logout, deactivation, powers or second factor changed):
        re-reading it all was two thirds of a post frame (docs/performance.md)."""
        known = self.user.pk if self.user is not None else None
        user_id = signed_in_user_id(self.scope.get("session_key"), known)
        if user_id is None:
            return None  # logged out (in this tab or another), deactivated, password changed
        standing = self._standing
        if standing is None or time.monotonic() - standing.checked_at > STANDING_SECONDS:
            standing = self._standing = self._load_standing(user_id)
        if standing is None or standing.mfa_missing:
            return None  # people with powers use them only behind a second factor, here as over HTTP
        self.user = standing.user
        return policies.space_access(standing.user, standing.space)

    def _load_standing(self, user_id: int) -> "_Standing | None":
        fresh = get_user_model().objects.filter(pk=user_id, is_active=True).first()
        space = (
            Space.objects.select_related("cohort__course", "cohort__institution")
            .filter(pk=self.space_id)
            .first()
        )
        if fresh is None or space is None:
            return None
        mfa_missing = settings.ACCOUNTS_MFA_ENFORCED and security_profile(fresh).mfa_missing
        # `fresh` keeps Django's permission cache for the life of the standing.
        return _Standing(fresh, space, mfa_missing, time.monotonic())

    def _check_and_join(self, after: int | None) -> tuple[policies.SpaceAccess | None, tuple | None]:
        """Access, the space's last event id and, when the client said where it stopped,
        the events since. Who is online comes in the presence frame that follows every
        join within a second (forums.presence): listing a room of N for each of N sockets
        of a storm cost N² names."""
        access = self._check_access()
        if access is None or not access.can_read:
            return access, None
        self.access = access
        if after is None:
            return access, (Space.objects.values_list("last_event_id", flat=True).get(pk=self.space_id), None)
        messages, last_id = self._load_replay(after, None)
        return access, (last_id, messages)


Handler = Callable[[SpaceConsumer, dict], Awaitable[None]]
HANDLERS: dict[str, Handler] = {
    "ping": SpaceConsumer.on_ping,
    "resume": SpaceConsumer.on_resume,
    "fetch": SpaceConsumer.on_fetch,
    "post": SpaceConsumer.on_post,
    "thread": SpaceConsumer.on_thread,
    "passage_post": SpaceConsumer.on_passage_post,
    "notable": SpaceConsumer.on_notable,
    "edit": SpaceConsumer.on_edit,
    "delete": SpaceConsumer.on_delete,
    "react": SpaceConsumer.on_react,
    "flag": SpaceConsumer.on_flag,
    "hide": SpaceConsumer.on_hide,
    "restore": SpaceConsumer.on_restore,
    "approve": SpaceConsumer.on_approve,
    "thread_state": SpaceConsumer.on_thread_state,
    "mute": SpaceConsumer.on_mute,
    "configure": SpaceConsumer.on_configure,
    "resolve_flag": SpaceConsumer.on_resolve_flag,
}
