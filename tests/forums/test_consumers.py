"""The WebSocket protocol, frame by frame, through the real ASGI stack (origin check,
session auth, routing) with Channels' WebsocketCommunicator."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from django.core.cache import cache
from django.test import Client

from courses.models import Enrolment
from forums import services
from forums.consumers import MAX_FRAME_BYTES
from forums.models import Event, Post, Thread
from lms.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def connect(user, space, *, origin: bytes = b"http://testserver", expect_ok: bool = True):
    headers = [(b"origin", origin)]
    if user is not None:
        cookie = await sync_to_async(session_cookie)(user)
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    communicator = WebsocketCommunicator(application, f"/ws/spaces/{space.pk}/", headers=headers)
    connected, _code = await communicator.connect()
    if expect_ok:
        assert connected
        hello = await communicator.receive_json_from()
        assert hello["type"] == "hello"
        communicator.hello = hello
    return communicator, connected


async def replayed(communicator) -> tuple[list[dict], dict]:
    """Events up to the replay_done frame (presence frames skipped)."""
    frames = []
    while True:
        frame = await communicator.receive_json_from(timeout=2)
        if frame["type"] == "replay_done":
            return frames, frame
        if frame["type"] == "event":
            frames.append(frame)


async def next_of(communicator, frame_type: str, timeout: float = 2) -> dict:
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] == frame_type:
            return frame


async def test_anonymous_outsider_and_foreign_origin_are_refused(space, outsider, trainee):
    for who in (None, outsider):
        communicator, connected = await connect(who, space, expect_ok=False)
        assert not connected
    communicator, connected = await connect(trainee, space, origin=b"http://evil.example", expect_ok=False)
    assert not connected
    communicator, connected = await connect(trainee, space, origin=b"null", expect_ok=False)
    assert not connected


async def test_two_members_see_each_others_posts_live(space, general, trainee, trainee2):
    alice, _ = await connect(trainee, space)
    bob, _ = await connect(trainee2, space)
    await alice.send_json_to(
        {"type": "post", "thread": general.pk, "body": "Hello *cohort*", "client_id": "c1"}
    )
    ack = await next_of(alice, "ack")
    assert ack["ref"] == "c1" and ack["status"] == "visible"
    event = await next_of(bob, "event")
    assert event["kind"] == "post.created"
    assert "<em>cohort</em>" in event["data"]["html"]
    assert event["data"]["author"]["name"] == "Amina"
    assert "email" not in json.dumps(event)
    await alice.disconnect()
    await bob.disconnect()


async def test_retried_post_with_same_client_id_lands_once(space, general, trainee):
    alice, _ = await connect(trainee, space)
    for _ in range(2):
        await alice.send_json_to({"type": "post", "thread": general.pk, "body": "once", "client_id": "same"})
        await next_of(alice, "ack")
    assert await sync_to_async(Post.objects.count)() == 1
    await alice.disconnect()


async def test_resume_replays_missed_events_in_order_with_current_state(
    space, general, trainee, trainee2, tutor
):
    first = await sync_to_async(services.post_create)(user=trainee, thread=general, body="one")
    await sync_to_async(services.post_create)(user=trainee, thread=general, body="two")
    await sync_to_async(services.post_hide)(actor=tutor, post=first, reason="off topic")
    bob, _ = await connect(trainee2, space)
    await bob.send_json_to({"type": "resume", "last_id": 0})
    frames, done = await replayed(bob)
    assert [f["id"] for f in frames] == [1, 2, 3]
    assert done == {"type": "replay_done", "last_id": 3, "complete": True}
    # The hidden post replays as what it is now: hidden, without its text.
    assert frames[0]["data"]["status"] == "hidden" and frames[0]["data"]["html"] == ""
    assert frames[1]["data"]["html"] == "<p>two</p>"
    await bob.disconnect()


async def test_fetch_fills_a_gap(space, general, trainee, trainee2):
    for n in range(5):
        await sync_to_async(services.post_create)(user=trainee, thread=general, body=f"post {n}")
    bob, _ = await connect(trainee2, space)
    await bob.send_json_to({"type": "fetch", "from": 2, "to": 3})
    frames, _done = await replayed(bob)
    assert [f["id"] for f in frames] == [2, 3]
    await bob.send_json_to({"type": "fetch", "from": 5, "to": 2})
    assert (await next_of(bob, "error"))["code"] == "bad_range"
    await bob.disconnect()


async def test_held_post_reaches_only_tutors_and_author(space, general, trainee, trainee2, tutor):
    await sync_to_async(services.space_configure)(actor=tutor, space=space, premoderated=True)
    alice, _ = await connect(trainee, space)
    bob, _ = await connect(trainee2, space)
    teacher, _ = await connect(tutor, space)
    await alice.send_json_to(
        {"type": "post", "thread": general.pk, "body": "for approval", "client_id": "h1"}
    )
    assert (await next_of(alice, "ack"))["status"] == "held"
    assert (await next_of(bob, "event"))["kind"] == "noop"  # id advances, content withheld
    seen_by_tutor = await next_of(teacher, "event")
    assert seen_by_tutor["data"]["status"] == "held" and seen_by_tutor["data"]["html"]
    own = await next_of(alice, "event")
    assert own["data"]["status"] == "held"
    for c in (alice, bob, teacher):
        await c.disconnect()


async def test_tutor_hide_reaches_trainees_live(space, general, trainee, trainee2, tutor):
    post = await sync_to_async(services.post_create)(user=trainee, thread=general, body="regrettable")
    bob, _ = await connect(trainee2, space)
    teacher, _ = await connect(tutor, space)
    await teacher.send_json_to({"type": "hide", "post": post.pk, "reason": "personal data", "ref": "m1"})
    assert (await next_of(teacher, "ok"))["ref"] == "m1"
    event = await next_of(bob, "event")
    assert event["kind"] == "post.hidden" and event["data"]["html"] == "" and event["data"]["reason"] == ""
    await bob.disconnect()
    await teacher.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "invalid_json"),
        ("[1, 2]", "invalid_frame"),
        ('{"type": "nope"}', "unknown_type"),
        ('{"type": "__init__"}', "unknown_type"),
        ('{"type": "post", "body": "x"}', "missing_field"),
        ('{"type": "post", "thread": "1", "body": "x"}', "missing_field"),
        ('{"type": "hide", "post": 1}', "missing_field"),
        ('{"type": "post", "thread": 999999, "body": "x"}', "not_found"),
    ],
)
async def test_bad_frames_get_an_error_and_the_socket_stays_usable(space, trainee, frame, code):
    alice, _ = await connect(trainee, space)
    await alice.send_to(text_data=frame)
    error = await next_of(alice, "error")
    assert error["code"] == code and error["message"]
    await alice.send_json_to({"type": "ping"})
    assert (await next_of(alice, "pong"))["type"] == "pong"
    await alice.disconnect()


async def test_oversized_frame_is_refused_before_parsing(space, general, trainee):
    alice, _ = await connect(trainee, space)
    await alice.send_to(text_data='{"type": "post", "body": "' + "x" * MAX_FRAME_BYTES + '"}')
    assert (await next_of(alice, "error"))["code"] == "too_large"
    assert await sync_to_async(Post.objects.count)() == 0
    await alice.disconnect()


async def test_service_errors_come_back_as_codes(space, general, trainee, tutor):
    alice, _ = await connect(trainee, space)
    await alice.send_json_to({"type": "post", "thread": general.pk, "body": "   "})
    assert (await next_of(alice, "error"))["code"] == "empty"
    await alice.send_json_to({"type": "hide", "post": 1, "reason": "x"})
    assert (await next_of(alice, "error"))["code"] in {"forbidden", "not_found"}
    await sync_to_async(services.thread_set)(actor=tutor, thread=general, locked=True)
    await alice.send_json_to({"type": "post", "thread": general.pk, "body": "late", "client_id": "l1"})
    error = await next_of(alice, "error")
    assert error["code"] == "locked" and error["ref"] == "l1"
    await sync_to_async(services.participant_mute)(
        actor=tutor, space=space, user=trainee, minutes=5, reason="calm"
    )
    thread = await sync_to_async(Thread.objects.create)(space=space, title="Open thread")
    await alice.send_json_to({"type": "post", "thread": thread.pk, "body": "hi"})
    assert (await next_of(alice, "error"))["code"] == "muted"
    await alice.disconnect()


async def test_posting_too_fast_is_refused(space, general, trainee):
    alice, _ = await connect(trainee, space)
    codes = []
    for n in range(services.POSTS_PER_MINUTE + 1):
        await alice.send_json_to(
            {"type": "post", "thread": general.pk, "body": f"n{n}", "client_id": f"r{n}"}
        )
        frame = await alice.receive_json_from()
        while frame["type"] in ("event", "presence"):
            frame = await alice.receive_json_from()
        codes.append(frame.get("code", frame["type"]))
    assert codes[-1] == "rate_limited" and codes[0] == "ack"
    await alice.disconnect()


async def test_removed_trainee_is_cut_off_on_next_frame(space, cohort, general, trainee):
    alice, _ = await connect(trainee, space)
    await sync_to_async(Enrolment.objects.filter(user=trainee, cohort=cohort).update)(status="removed")
    await alice.send_json_to({"type": "ping"})
    assert (await next_of(alice, "revoked"))["type"] == "revoked"
    assert (await alice.receive_output())["type"] == "websocket.close"


async def test_logout_elsewhere_closes_the_socket(space, trainee):
    cookie = await sync_to_async(session_cookie)(trainee)
    communicator = WebsocketCommunicator(
        application,
        f"/ws/spaces/{space.pk}/",
        headers=[(b"origin", b"http://testserver"), (b"cookie", f"sessionid={cookie}".encode())],
    )
    assert (await communicator.connect())[0]
    await communicator.receive_json_from()

    def logout():
        client = Client()
        client.cookies["sessionid"] = cookie
        client.post("/en/accounts/logout/")

    await sync_to_async(logout)()
    assert (await next_of(communicator, "revoked"))["type"] == "revoked"
    assert (await communicator.receive_output())["type"] == "websocket.close"


async def test_deactivated_user_is_refused_at_next_frame(space, trainee):
    alice, _ = await connect(trainee, space)
    await sync_to_async(type(trainee).objects.filter(pk=trainee.pk).update)(is_active=False)
    await alice.send_json_to({"type": "ping"})
    assert (await next_of(alice, "revoked"))["type"] == "revoked"


async def test_moderation_frames_from_a_tutor(space, general, trainee, tutor):
    post = await sync_to_async(services.post_create)(user=trainee, thread=general, body="x")
    teacher, _ = await connect(tutor, space)
    frames = [
        {"type": "thread_state", "thread": general.pk, "pinned": False},
        {"type": "thread_state", "thread": general.pk, "locked": True},
        {"type": "mute", "user": trainee.pk, "minutes": 10, "reason": "pause"},
        {"type": "configure", "slow_mode_seconds": 30},
        {"type": "hide", "post": post.pk, "reason": "r"},
        {"type": "restore", "post": post.pk},
        {"type": "delete", "post": post.pk, "reason": "spam"},
    ]
    for n, frame in enumerate(frames):
        await teacher.send_json_to({**frame, "ref": f"f{n}"})
        reply = await next_of(teacher, "ok")
        assert reply["ref"] == f"f{n}"
    await teacher.disconnect()


async def test_participant_frames_react_flag_edit_thread(space, general, trainee, trainee2):
    post = await sync_to_async(services.post_create)(user=trainee, thread=general, body="x")
    bob, _ = await connect(trainee2, space)
    alice, _ = await connect(trainee, space)
    await bob.send_json_to({"type": "react", "post": post.pk, "kind": "insightful", "ref": "a"})
    await next_of(bob, "ok")
    await bob.send_json_to({"type": "flag", "post": post.pk, "reason": "check", "ref": "b"})
    await next_of(bob, "ok")
    await alice.send_json_to({"type": "edit", "post": post.pk, "body": "edited", "ref": "c"})
    await next_of(alice, "ok")
    await alice.send_json_to({"type": "thread", "title": "New topic", "body": "first", "client_id": "t1"})
    assert (await next_of(alice, "ack"))["thread"]
    await bob.send_json_to({"type": "approve", "post": post.pk})
    assert (await next_of(bob, "error"))["code"] == "forbidden"
    await alice.disconnect()
    await bob.disconnect()


async def test_missing_origin_is_refused(space, trainee):
    cookie = await sync_to_async(session_cookie)(trainee)
    communicator = WebsocketCommunicator(
        application, f"/ws/spaces/{space.pk}/", headers=[(b"cookie", f"sessionid={cookie}".encode())]
    )
    connected, _ = await communicator.connect()
    assert not connected


async def test_flooding_frames_is_refused_and_the_socket_survives(space, trainee, monkeypatch):
    from forums import consumers

    monkeypatch.setattr(consumers, "FRAME_LIMIT", 5)
    alice, _ = await connect(trainee, space)
    codes = []
    for _ in range(7):
        await alice.send_json_to({"type": "ping"})
        frame = await alice.receive_json_from()
        while frame["type"] == "presence":
            frame = await alice.receive_json_from()
        codes.append(frame.get("code", frame["type"]))
    assert codes[:5] == ["pong"] * 5
    assert codes[5:] == ["rate_limited", "rate_limited"]
    await alice.disconnect()


async def test_a_tutor_without_a_second_factor_is_refused_when_it_is_required(space, tutor, settings):
    settings.ACCOUNTS_MFA_ENFORCED = True
    communicator, connected = await connect(tutor, space, expect_ok=False)
    assert not connected
    settings.ACCOUNTS_MFA_ENFORCED = False
    communicator, connected = await connect(tutor, space)
    assert connected
    await communicator.disconnect()


async def test_a_tutor_who_removes_their_second_factor_is_cut_off_at_once(space, tutor, settings):
    """Powers and second factors are re-read on `access.changed`, which the accounts
    receivers push after commit, not only every STANDING_SECONDS."""
    from allauth.mfa import signals as mfa_signals
    from allauth.mfa.models import Authenticator

    settings.ACCOUNTS_MFA_ENFORCED = True
    authenticator = await sync_to_async(Authenticator.objects.create)(
        user=tutor, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    bob, _ = await connect(tutor, space)
    await bob.send_json_to({"type": "ping"})
    assert (await next_of(bob, "pong"))["type"] == "pong"

    def remove():
        authenticator.delete()
        mfa_signals.authenticator_removed.send(
            sender=Authenticator, request=None, user=tutor, authenticator=authenticator
        )

    await sync_to_async(remove)()
    assert (await next_of(bob, "revoked"))["type"] == "revoked"
    assert (await bob.receive_output())["type"] == "websocket.close"


async def test_a_post_frame_reads_access_once(space, general, trainee):
    """Checking access and posting share one trip through the sync thread: the frame costs
    the access check (user, session, enrolment, mute) plus the post's own writes."""
    alice, _ = await connect(trainee, space)
    await alice.send_json_to({"type": "post", "thread": general.pk, "body": "warm", "client_id": "w"})
    await next_of(alice, "ack")
    counted: list[str] = []

    def hook(execute, sql, params, many, context):
        if not sql.startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")):  # engine-specific
            counted.append(sql)
        return execute(sql, params, many, context)

    from django.db import connection

    def install():
        connection.execute_wrappers.append(hook)

    def uninstall():
        connection.execute_wrappers.remove(hook)

    # database_sync_to_async runs on one thread: install the counter there.
    from channels.db import database_sync_to_async

    await database_sync_to_async(install)()
    await alice.send_json_to({"type": "post", "thread": general.pk, "body": "counted", "client_id": "c"})
    await next_of(alice, "ack")
    await database_sync_to_async(uninstall)()
    # user, session, enrolment, mute; idempotency lookup, thread; insert post, thread
    # last_post_at, space event id, insert event: 10 (it was 18 before the check was shared)
    assert len(counted) <= 10, "\n".join(counted)
    await alice.disconnect()


async def test_a_password_change_elsewhere_closes_the_socket(space, trainee):
    """As over HTTP (django.contrib.auth.get_user): a session whose password hash no longer
    matches is signed out, and the socket learns it at once (access.changed)."""
    from accounts import receivers

    alice, _ = await connect(trainee, space)

    def change_password():
        trainee.set_password("a new and long passphrase")
        trainee.save()
        # What allauth's password_changed signal runs (its other receivers need a request).
        receivers.on_password_changed(sender=type(trainee), request=None, user=trainee)

    await sync_to_async(change_password)()
    assert (await next_of(alice, "revoked"))["type"] == "revoked"
    assert (await alice.receive_output())["type"] == "websocket.close"


async def test_pings_keep_a_socket_online_in_one_batch(space, trainee, monkeypatch):
    from forums import presence
    from forums.models import Presence

    monkeypatch.setattr(presence, "COALESCE_SECONDS", 0.2)
    alice, _ = await connect(trainee, space)
    await next_of(alice, "presence")  # the join was written and announced
    old = await sync_to_async(Presence.objects.get)(user=trainee)
    await alice.send_json_to({"type": "ping"})
    await next_of(alice, "pong")
    await asyncio.sleep(0.5)
    fresh = await sync_to_async(Presence.objects.get)(user=trainee)
    assert fresh.last_seen > old.last_seen
    await alice.disconnect()
    await asyncio.sleep(0.5)
    assert not await sync_to_async(Presence.objects.filter(user=trainee).exists)()


async def test_a_session_from_before_a_password_change_is_refused_at_the_next_frame(space, trainee):
    from django.contrib.auth.hashers import make_password

    alice, _ = await connect(trainee, space)
    await sync_to_async(type(trainee).objects.filter(pk=trainee.pk).update)(
        password=make_password("changed without telling anyone")
    )
    await alice.send_json_to({"type": "ping"})
    assert (await next_of(alice, "revoked"))["type"] == "revoked"
    await sync_to_async(trainee.refresh_from_db)()
    communicator, connected = await connect(trainee, space, expect_ok=False)  # a new login works
    assert connected
    await communicator.disconnect()


async def test_premoderation_applies_to_the_next_post_on_an_open_socket(space, general, trainee, tutor):
    alice, _ = await connect(trainee, space)
    await alice.send_json_to({"type": "post", "thread": general.pk, "body": "before", "client_id": "b"})
    assert (await next_of(alice, "ack"))["status"] == "visible"
    await sync_to_async(services.space_configure)(
        actor=tutor, space=space, slow_mode_seconds=None, premoderated=True
    )
    await alice.send_json_to({"type": "post", "thread": general.pk, "body": "after", "client_id": "a"})
    assert (await next_of(alice, "ack"))["status"] == "held"
    await alice.disconnect()


async def test_a_socket_that_names_its_last_id_gets_the_replay_with_its_hello(
    space, general, trainee, trainee2
):
    """A reconnect in one round trip: `?last_id=N` on the URL, the events after N and
    `replay_done` follow the hello without a `resume` frame; a bad value is ignored."""
    first = await sync_to_async(services.post_create)(user=trainee2, thread=general, body="one")
    await sync_to_async(services.post_create)(user=trainee2, thread=general, body="two")
    await sync_to_async(services.post_create)(user=trainee2, thread=general, body="three")
    cookie = await sync_to_async(session_cookie)(trainee)
    headers = [(b"origin", b"http://testserver"), (b"cookie", f"sessionid={cookie}".encode())]
    known = await sync_to_async(lambda: Event.objects.get(post=first, kind="post.created").seq)()
    ws = WebsocketCommunicator(application, f"/ws/spaces/{space.pk}/?last_id={known}", headers=headers)
    assert (await ws.connect())[0]
    hello = await ws.receive_json_from()
    assert hello["type"] == "hello" and hello["replayed"] is True
    frames = []
    while (frame := await ws.receive_json_from())["type"] != "replay_done":
        frames.append(frame)
    assert [f["data"]["html"] for f in frames if f["type"] == "event"] == ["<p>two</p>", "<p>three</p>"]
    assert frame["last_id"] == hello["last_id"]
    await ws.disconnect()

    for bad in ("x", "-1", ""):
        ws = WebsocketCommunicator(application, f"/ws/spaces/{space.pk}/?last_id={bad}", headers=headers)
        assert (await ws.connect())[0]
        hello = await ws.receive_json_from()
        assert hello["replayed"] is False
        assert await ws.receive_nothing(timeout=0.3) or (await ws.receive_json_from())["type"] == "presence"
        await ws.disconnect()


async def test_a_refused_socket_leaves_the_room_group(space, outsider):
    from channels.layers import get_channel_layer

    communicator, connected = await connect(outsider, space, expect_ok=False)
    assert not connected
    assert not get_channel_layer().groups.get(f"space-{space.pk}")
