"""What a room costs the server as it grows (docs/performance.md): joins share presence
broadcasts, and events reach sockets without a trip through the sync thread each."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from django.test import Client

from forums import presence
from lms.asgi import application

from .conftest import enrol, user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def cookie_for(account) -> str:
    client = Client()
    client.force_login(account)
    return client.cookies["sessionid"].value


async def join(account, space) -> WebsocketCommunicator:
    cookie = await sync_to_async(cookie_for)(account)
    ws = WebsocketCommunicator(
        application,
        f"/ws/spaces/{space.pk}/",
        headers=[(b"origin", b"http://testserver"), (b"cookie", f"sessionid={cookie}".encode())],
    )
    connected, _code = await ws.connect()
    assert connected
    assert (await ws.receive_json_from())["type"] == "hello"
    return ws


async def presence_frames(ws, timeout: float) -> list[dict]:
    """Every presence frame that arrives until `timeout` passes without one."""
    frames = []
    while not await ws.receive_nothing(timeout=timeout):
        frame = await ws.receive_json_from()
        if frame["type"] == "presence":
            frames.append(frame)
    return frames


async def test_joins_and_leaves_close_together_share_one_presence_broadcast(space, cohort, monkeypatch):
    monkeypatch.setattr(presence, "COALESCE_SECONDS", 1.5)
    people = []
    for n in range(4):
        account = await sync_to_async(user)(f"room{n}@example.org")
        await sync_to_async(enrol)(account, cohort)
        people.append(account)
    sockets = [await join(account, space) for account in people]
    # Four joins: one list of four names, not four lists of one, two, three and four.
    frames = await presence_frames(sockets[0], timeout=2.5)
    assert len(frames) == 1
    assert {p["name"] for p in frames[0]["online"]} == {p.public_name for p in people}
    await sockets[3].disconnect()
    await sockets[2].disconnect()
    frames = await presence_frames(sockets[0], timeout=2.5)
    assert len(frames) == 1
    assert {p["name"] for p in frames[0]["online"]} == {p.public_name for p in people[:2]}
    for ws in sockets[:2]:
        await ws.disconnect()


async def test_an_event_reaches_every_socket_without_a_trip_through_the_sync_thread(
    space, general, trainee, trainee2, tutor, monkeypatch
):
    trips = []

    async def counted():
        trips.append(1)

    # Channels' own dispatch makes this trip before every message a consumer handles.
    monkeypatch.setattr("channels.consumer.aclose_old_connections", counted)
    sockets = [await join(account, space) for account in (trainee, trainee2, tutor)]
    await sockets[0].send_json_to({"type": "post", "thread": general.pk, "body": "to all", "client_id": "t1"})
    for ws in sockets:
        while (frame := await ws.receive_json_from(timeout=3))["type"] != "event":
            pass
        assert frame["kind"] == "post.created"
    assert trips == []
    for ws in sockets:
        await ws.disconnect()
