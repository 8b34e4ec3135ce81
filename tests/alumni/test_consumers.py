"""Alumni rooms over the WebSocket, through the real ASGI stack (lms.asgi.application): members
connect and see each other live; outsiders are refused; no frame carries an e-mail address;
a removed or deactivated person's open socket is closed at once and their next request refused."""

import json
import re
from http import HTTPStatus

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from django.contrib.auth import get_user_model
from django.test import Client

from alumni import services
from lms.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def login_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class Socket:
    """A communicator that keeps every frame it received, to check them all afterwards."""

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.communicator = communicator
        self.frames: list[str] = []

    async def receive(self, timeout: float = 2) -> dict:
        output = await self.communicator.receive_output(timeout)
        if output["type"] == "websocket.close":
            return {"type": "__closed__", "code": output.get("code")}
        self.frames.append(output["text"])
        return json.loads(output["text"])

    async def next_of(self, frame_type: str, timeout: float = 2) -> dict:
        while True:
            frame = await self.receive(timeout)
            if frame["type"] == frame_type:
                return frame

    async def send(self, frame: dict) -> None:
        await self.communicator.send_json_to(frame)


async def connect(user, space, client: Client | None = None) -> tuple[Socket, bool, Client]:
    client = client or await sync_to_async(login_client)(user)
    cookie = client.cookies["sessionid"].value
    communicator = WebsocketCommunicator(
        application,
        f"/ws/spaces/{space.pk}/",
        headers=[(b"origin", b"http://testserver"), (b"cookie", f"sessionid={cookie}".encode())],
    )
    connected, _code = await communicator.connect()
    socket = Socket(communicator)
    if connected:
        assert (await socket.next_of("hello"))["can_post"] is True
    return socket, connected, client


async def test_alumni_see_each_others_posts_live_and_no_frame_carries_an_address(
    rooms, alumnus, alumnus2, tutor
):
    space = rooms["cooperation"].space
    thread = await sync_to_async(lambda: space.threads.get(kind="general"))()
    amina, ok, _ = await connect(alumnus, space)
    carlos, ok2, _ = await connect(alumnus2, space)
    teacher, ok3, _ = await connect(tutor, space)
    assert ok and ok2 and ok3
    await carlos.send(
        {"type": "post", "thread": thread.pk, "body": "Dual *criminality* again", "client_id": "c1"}
    )
    assert (await carlos.next_of("ack"))["status"] == "visible"
    event = await amina.next_of("event")
    assert event["kind"] == "post.created" and "<em>criminality</em>" in event["data"]["html"]
    assert event["data"]["author"]["name"] == "Carlos"
    await teacher.next_of("event")
    await amina.send({"type": "resume", "last_id": 0})
    await amina.next_of("replay_done")
    for socket in (amina, carlos, teacher):
        await socket.communicator.disconnect()
        assert socket.frames
        for frame in socket.frames:
            assert not EMAIL.search(frame), frame
            for person in (alumnus, alumnus2, tutor):
                assert person.email not in frame


@pytest.mark.parametrize("who", ["participant", "stranger", "current_trainee"])
async def test_people_outside_the_community_are_refused(rooms, who, person):
    _socket, connected, _ = await connect(person, rooms["general"].space)
    assert not connected


async def test_private_room_refuses_other_alumni(private_room, alumnus, academy_alumnus):
    _socket, connected, _ = await connect(alumnus, private_room.space)
    assert not connected
    socket, connected, _ = await connect(academy_alumnus, private_room.space)
    assert connected
    await socket.communicator.disconnect()


async def test_removed_member_socket_is_closed_at_once_and_next_request_refused(rooms, alumnus, tutor):
    space = rooms["general"].space
    socket, connected, client = await connect(alumnus, space)
    assert connected
    await sync_to_async(services.member_remove)(actor=tutor, user=alumnus, reason="Harassment")
    assert (await socket.next_of("revoked"))["type"] == "revoked"
    closed = await socket.receive()
    assert closed == {"type": "__closed__", "code": 4403}
    response = await sync_to_async(client.get)("/en/alumni/general/room/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    _again, reconnected, _ = await connect(alumnus, space, client)
    assert not reconnected


def deactivate(user) -> None:
    """An administrator deactivates the account with accounts' service."""
    from accounts import services as account_services
    from courses.factories import UserFactory

    admin = UserFactory(email="root@example.org", is_superuser=True, is_staff=True)
    account_services.account_deactivate(actor=admin, user=user, reason="Left the service")


async def test_deactivated_user_socket_is_closed_at_once_and_next_request_refused(rooms, alumnus, alumnus2):
    space = rooms["internet"].space
    socket, connected, client = await connect(alumnus, space)
    witness, _ok, _ = await connect(alumnus2, space)
    assert connected
    await sync_to_async(deactivate)(alumnus)
    assert (await socket.next_of("revoked"))["type"] == "revoked"
    assert await socket.receive() == {"type": "__closed__", "code": 4403}
    # The next page asks them to log in again; the socket cannot be reopened.
    response = await sync_to_async(client.get)("/en/alumni/internet/room/")
    assert response.status_code == HTTPStatus.FOUND and "/accounts/login/" in response["Location"]
    _again, reconnected, _ = await connect(alumnus, space, client)
    assert not reconnected
    # Others stay connected.
    await witness.send({"type": "ping"})
    assert (await witness.next_of("pong"))["type"] == "pong"
    await witness.communicator.disconnect()


async def test_a_frame_after_deactivation_is_refused_even_if_the_broadcast_was_lost(rooms, alumnus):
    space = rooms["cbrn"].space
    thread = await sync_to_async(lambda: space.threads.get(kind="general"))()
    socket, connected, _ = await connect(alumnus, space)
    assert connected
    await sync_to_async(get_user_model().objects.filter(pk=alumnus.pk).update)(is_active=False)
    await socket.send({"type": "post", "thread": thread.pk, "body": "after", "client_id": "late"})
    assert (await socket.next_of("revoked"))["type"] == "revoked"
    assert await socket.receive() == {"type": "__closed__", "code": 4403}
