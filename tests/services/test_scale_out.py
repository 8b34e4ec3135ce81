"""Scale-out: two daphne processes sharing PostgreSQL and Redis (channels_redis).
A post made through one process reaches a socket held by the other, and a client that
reconnects to the other process catches up from the database."""

import asyncio
import json

import pytest

from django.conf import settings
from django.db import connection
from django.test import Client

from courses.models import Enrolment
from forums import services
from home.services import ensure_site_home
from tests.browser.conftest import DaphneServer
from tests.forums.conftest import enrol, make_cohort, user

needs_services = pytest.mark.skipif(
    not (settings.REDIS_URL and connection.vendor == "postgresql"),
    reason="service tier only: set DATABASE_URL (PostgreSQL) and REDIS_URL",
)
pytestmark = [pytest.mark.services, needs_services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_servers(django_db_setup):
    servers = [DaphneServer(), DaphneServer()]
    yield servers
    for server in servers:
        server.stop()


def cookie_for(account) -> str:
    client = Client()
    client.force_login(account)
    return client.cookies["sessionid"].value


async def open_socket(server: DaphneServer, space_id: int, cookie: str):
    import websockets

    ws = await websockets.connect(
        f"ws://127.0.0.1:{server.port}/ws/spaces/{space_id}/",
        additional_headers={"Cookie": f"sessionid={cookie}", "Origin": server.url},
    )
    hello = json.loads(await ws.recv())
    assert hello["type"] == "hello"
    return ws


async def next_frame(ws, frame_type: str, timeout: float = 5) -> dict:
    async def wait():
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == frame_type:
                return frame

    return await asyncio.wait_for(wait(), timeout)


def test_post_through_one_process_reaches_a_socket_on_the_other_and_catch_up_works(two_servers):
    ensure_site_home()
    cohort = make_cohort("scale-out")
    space = services.cohort_space_ensure(cohort)
    general = space.threads.get(kind="general")
    amina, carlos = user("amina@example.org"), user("carlos@example.org")
    enrol(amina, cohort, Enrolment.Role.TRAINEE)
    enrol(carlos, cohort, Enrolment.Role.TRAINEE)
    a_cookie, c_cookie = cookie_for(amina), cookie_for(carlos)
    server_a, server_b = two_servers

    async def scenario() -> None:
        sender = await open_socket(server_a, space.pk, a_cookie)
        receiver = await open_socket(server_b, space.pk, c_cookie)
        await sender.send(
            json.dumps({"type": "post", "thread": general.pk, "body": "across processes", "client_id": "x1"})
        )
        await next_frame(sender, "ack")
        event = await next_frame(receiver, "event")
        assert event["kind"] == "post.created" and "across processes" in event["data"]["html"]
        last_seen = event["id"]
        await receiver.close()

        for n in range(2):
            await sender.send(
                json.dumps(
                    {"type": "post", "thread": general.pk, "body": f"missed {n}", "client_id": f"m{n}"}
                )
            )
            await next_frame(sender, "ack")
        # The same client id sent again through the other process creates nothing new.
        retry = await open_socket(server_b, space.pk, a_cookie)
        await retry.send(
            json.dumps({"type": "post", "thread": general.pk, "body": "missed 1", "client_id": "m1"})
        )
        await next_frame(retry, "ack")
        await retry.close()

        # Reconnect to the *other* process and resume from the last id seen.
        back = await open_socket(server_a, space.pk, c_cookie)
        await back.send(json.dumps({"type": "resume", "last_id": last_seen}))
        replayed = []
        while True:
            frame = json.loads(await asyncio.wait_for(back.recv(), 5))
            if frame["type"] == "replay_done":
                break
            if frame["type"] == "event":
                replayed.append(frame)
        assert [f["data"]["html"] for f in replayed] == ["<p>missed 0</p>", "<p>missed 1</p>"]
        assert [f["id"] for f in replayed] == [last_seen + 1, last_seen + 2]
        await back.close()
        await sender.close()

    asyncio.run(scenario())
    assert general.posts.count() == 3
