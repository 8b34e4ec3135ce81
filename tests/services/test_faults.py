"""Faults on the scale-out stack: daphne processes on PostgreSQL and a private Redis.

A checker compares the database with what every test client applied: each acknowledged
post exists exactly once, each client holds every post of its own space exactly once and
in order per thread, and nothing crosses from one cohort's space to another's. The test
clients follow docs/realtime.md as the page's script does: apply events in id order,
`fetch` a gap, ignore duplicates, reconnect (to another process) and `resume`, and retry a
post that got no acknowledgement with the same client id.

Everything runs on loopback; each test is bounded by timeouts (the whole file runs in
one to two minutes once the test database exists). The daphne processes use
`lms.settings.test` (RedisPubSubChannelLayer); `FAULTS_SETTINGS=tests.services.core_settings`
runs the same faults on RedisChannelLayer.
"""

import asyncio
import json
import os
import signal
import time
from dataclasses import dataclass, field

import pytest

from django.conf import settings
from django.db import connection
from django.test import Client

from courses.models import Enrolment
from deploy.scaleout import free_port, start_redis, stop
from forums import services
from forums.models import Event, Post, Space
from home.services import ensure_site_home
from tests.browser.conftest import ARTIFACTS, DaphneServer
from tests.forums.conftest import enrol, make_cohort, user

needs_services = pytest.mark.skipif(
    not (settings.REDIS_URL and connection.vendor == "postgresql"),
    reason="service tier only: set DATABASE_URL (PostgreSQL) and REDIS_URL",
)
pytestmark = [pytest.mark.services, needs_services, pytest.mark.django_db(transaction=True)]

POSTS_EACH = 6  # under the 12-a-minute limit, retries included


# ---- processes ---------------------------------------------------------------------------------


@pytest.fixture
def redis_server():
    """A redis-server of the test's own on a free port: restarting it disturbs nobody."""
    ARTIFACTS.mkdir(exist_ok=True)
    proc = start_redis(free_port(), log_dir=ARTIFACTS)
    yield proc
    stop(proc)


def restart_redis(proc):
    stop(proc)
    time.sleep(1.0)
    return start_redis(proc.port, log_dir=ARTIFACTS)


@pytest.fixture
def servers(redis_server):
    started: list[DaphneServer] = []

    def start(count: int = 2, settings_module: str = "lms.settings.test") -> list[DaphneServer]:
        env = {
            "REDIS_URL": f"redis://127.0.0.1:{redis_server.port}/0",
            "DJANGO_SETTINGS_MODULE": settings_module,
        }
        for _ in range(count):
            started.append(DaphneServer(env_extra=env))
        return started[-count:]

    yield start
    for server in started:
        # No graceful shutdown to wait for: these processes and their sockets are throwaway.
        server.process.kill()
        server.process.wait(timeout=10)
        server.log.close()


# ---- people and rooms --------------------------------------------------------------------------


@dataclass
class Room:
    space: Space
    thread_ids: list[int]
    people: list = field(default_factory=list)
    cookies: list[str] = field(default_factory=list)


def make_rooms(count: int = 2, people: int = 3) -> list[Room]:
    ensure_site_home()
    rooms = []
    for r in range(count):
        cohort = make_cohort(f"faults-{r}")
        space = services.cohort_space_ensure(cohort)
        threads = list(space.threads.order_by("pk").values_list("pk", flat=True)[:2])
        room = Room(space, threads)
        for p in range(people):
            account = user(f"faults-{r}-{p}@example.org")
            enrol(account, cohort, Enrolment.Role.TRAINEE)
            client = Client()
            client.force_login(account)
            room.people.append(account)
            room.cookies.append(client.cookies["sessionid"].value)
        rooms.append(room)
    return rooms


# ---- the test client ---------------------------------------------------------------------------


class Gone(Exception):
    """The socket closed before the answer came."""


class LiveClient:
    """One browser tab, reduced to the protocol."""

    def __init__(
        self, name: str, cookie: str, space_id: int, servers: list[DaphneServer], first: int
    ) -> None:
        self.name, self.cookie, self.space_id, self.servers = name, cookie, space_id, servers
        self.server = first
        self.ws = None
        self.next_id = 1  # the space is new: everything from its first event
        self.applied: list[dict] = []
        self.buffer: dict[int, dict] = {}
        self.asked_upto = 0
        self.pending: dict[str, asyncio.Future] = {}
        self.acks: dict[str, int] = {}
        self.gaps = self.fetches = self.duplicates = self.reconnects = 0
        self.reader: asyncio.Task | None = None
        self.replayed = asyncio.Event()

    # -- connection
    async def connect(self, deadline: float = 25) -> None:
        """Connect to a live process (the next one when this one refuses or fails), then
        resume from the last applied id. Retries, as the page does, until `deadline`."""
        give_up = time.monotonic() + deadline
        while True:
            try:
                await self._connect_once(self.servers[self.server % len(self.servers)])
                return
            except Exception:  # refused, reset, 500 in the handshake, closed before replay_done
                await self.close()
                if time.monotonic() > give_up:
                    raise
                self.server += 1  # the next process, as the proxy would pick
                await asyncio.sleep(0.3)

    async def _connect_once(self, server: DaphneServer) -> None:
        import websockets

        self.ws = await websockets.connect(
            f"ws://127.0.0.1:{server.port}/ws/spaces/{self.space_id}/",
            additional_headers={"Cookie": f"sessionid={self.cookie}", "Origin": server.url},
            open_timeout=5,
            ping_interval=None,
        )
        hello = json.loads(await asyncio.wait_for(self.ws.recv(), 5))
        if hello["type"] != "hello":
            raise Gone(hello)
        self.replayed = asyncio.Event()
        self.reader = asyncio.create_task(self._read())
        await self.ws.send(json.dumps({"type": "resume", "last_id": self.next_id - 1}))
        replayed = asyncio.create_task(self.replayed.wait())
        await asyncio.wait({replayed, self.reader}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if not self.replayed.is_set():
            replayed.cancel()
            raise Gone("closed before replay_done")

    async def reconnect(self) -> None:
        self.reconnects += 1
        await self.close()
        await self.connect()

    async def close(self) -> None:
        if self.reader:
            self.reader.cancel()
            self.reader = None
        if self.ws is not None:
            try:
                await asyncio.wait_for(self.ws.close(), 2)
            except Exception:  # noqa: S110 (already gone)
                pass

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                frame = json.loads(raw)
                kind = frame["type"]
                if kind == "event":
                    await self._on_event(frame)
                elif kind == "replay_done":
                    self.asked_upto = 0
                    self.replayed.set()
                    await self._ask_for_gap()
                elif kind in ("ack", "error") and frame.get("ref") in self.pending:
                    future = self.pending.pop(frame["ref"])
                    if not future.done():
                        future.set_result(frame)
        except Exception:  # noqa: S110 (a closed socket ends the reader; the owner reconnects)
            pass
        finally:
            for future in self.pending.values():
                if not future.done():
                    future.set_exception(Gone())
            self.pending.clear()

    # -- events in order, gaps fetched, duplicates ignored
    async def _on_event(self, frame: dict) -> None:
        event_id = frame["id"]
        if event_id < self.next_id or event_id in self.buffer:
            self.duplicates += 1
            return
        self.buffer[event_id] = frame
        while self.next_id in self.buffer:
            self.applied.append(self.buffer.pop(self.next_id))
            self.next_id += 1
        if self.buffer:
            await self._ask_for_gap()

    async def _ask_for_gap(self) -> None:
        if not self.buffer:
            return
        upto = min(self.buffer) - 1
        if upto >= self.next_id and upto > self.asked_upto:
            self.gaps += 1
            self.fetches += 1
            self.asked_upto = upto
            await self.ws.send(json.dumps({"type": "fetch", "from": self.next_id, "to": upto}))

    # -- posting, with retries under the same client id
    async def post(self, thread: int, body: str, client_id: str, deadline: float = 40) -> int:
        give_up = time.monotonic() + deadline
        while True:
            if time.monotonic() > give_up:
                raise TimeoutError(f"{self.name}: no acknowledgement for {client_id}")
            future = asyncio.get_running_loop().create_future()
            self.pending[client_id] = future
            try:
                await self.ws.send(
                    json.dumps({"type": "post", "thread": thread, "body": body, "client_id": client_id})
                )
                frame = await asyncio.wait_for(future, 8)
            except Exception:  # the socket is gone (or silent): reconnect, resume, send again
                self.pending.pop(client_id, None)
                await self.reconnect()
                continue
            if frame["type"] == "ack":
                self.acks[client_id] = frame["post"]
                return frame["post"]
            raise AssertionError(f"{self.name}: {client_id} refused: {frame}")

    async def resume(self) -> None:
        """What the page does when it comes back to the foreground or reconnects."""
        self.replayed = asyncio.Event()
        await self.ws.send(json.dumps({"type": "resume", "last_id": self.next_id - 1}))
        await asyncio.wait_for(self.replayed.wait(), 10)

    async def wait_until(self, last_id: int, timeout: float = 10) -> None:
        give_up = time.monotonic() + timeout
        while self.next_id <= last_id and time.monotonic() < give_up:
            await asyncio.sleep(0.05)

    def post_ids(self) -> list[int]:
        return [f["data"]["post"] for f in self.applied if f["kind"] == "post.created"]


# ---- the checker -------------------------------------------------------------------------------


def check(rooms: list[Room], clients_by_room: list[list[LiveClient]]) -> dict:
    """Database against what every client applied. Returns a few counts for the assertions."""
    totals = {"posts": 0, "gaps": 0, "fetches": 0, "duplicates": 0, "reconnects": 0}
    all_posts = {}
    for room in rooms:
        all_posts[room.space.pk] = set(Post.objects.filter(space=room.space).values_list("pk", flat=True))
    for room, clients in zip(rooms, clients_by_room, strict=True):
        events = list(
            Event.objects.filter(space=room.space, kind="post.created")
            .order_by("seq")
            .values_list("post_id", "seq")
        )
        ordered = [post_id for post_id, _seq in events]
        thread_of = dict(Post.objects.filter(space=room.space).values_list("pk", "thread_id"))
        assert set(ordered) == all_posts[room.space.pk]
        last_id = Space.objects.get(pk=room.space.pk).last_event_id
        for client in clients:
            # Every acknowledged post is in the database once, under the id the ack named.
            for client_id, post_id in client.acks.items():
                rows = list(Post.objects.filter(author__email=client.name, client_msg_id=client_id))
                assert [r.pk for r in rows] == [post_id], (client.name, client_id, rows)
            # The client applied every event of its space once, contiguously, up to the last.
            assert [f["id"] for f in client.applied] == list(range(1, last_id + 1)), client.name
            received = client.post_ids()
            assert len(received) == len(set(received)), f"{client.name} applied a post twice"
            assert received == ordered, f"{client.name} misses or reorders posts"
            for thread in set(thread_of.values()):
                mine = [p for p in received if thread_of[p] == thread]
                assert mine == [p for p in ordered if thread_of[p] == thread]
            # Nothing from another cohort's space.
            others = set().union(*(v for k, v in all_posts.items() if k != room.space.pk))
            assert not set(received) & others, f"{client.name} received another cohort's post"
            for key in ("gaps", "fetches", "duplicates", "reconnects"):
                totals[key] += getattr(client, key)
        totals["posts"] += len(ordered)
    return totals


async def open_clients(rooms: list[Room], servers: list[DaphneServer]) -> list[list[LiveClient]]:
    """Each room's people split across the processes."""
    clients_by_room = []
    n = 0
    for room in rooms:
        clients = []
        for person, cookie in zip(room.people, room.cookies, strict=True):
            clients.append(LiveClient(person.email, cookie, room.space.pk, servers, n))
            n += 1
        clients_by_room.append(clients)
    await asyncio.gather(*(c.connect() for cs in clients_by_room for c in cs))
    return clients_by_room


async def posting(
    rooms, clients_by_room, *, start: int, stop_at: int, pause: float = 0.05, tag: str = ""
) -> None:
    """Every client posts its `start`..`stop_at-1`th posts, alternating the room's two threads."""

    async def one(room: Room, client: LiveClient) -> None:
        for n in range(start, stop_at):
            await client.post(room.thread_ids[n % 2], f"{client.name} says {n}{tag}", f"{tag}m{n}")
            await asyncio.sleep(pause)

    await asyncio.gather(*(one(r, c) for r, cs in zip(rooms, clients_by_room, strict=True) for c in cs))


async def settle(rooms, clients_by_room, timeout: float = 10) -> None:
    """Wait (bounded) until every client has applied its space's last event."""
    for room, clients in zip(rooms, clients_by_room, strict=True):
        last_id = await asyncio.to_thread(lambda r=room: Space.objects.get(pk=r.space.pk).last_event_id)
        await asyncio.gather(*(c.wait_until(last_id, timeout) for c in clients))


async def close_all(clients_by_room) -> None:
    await asyncio.gather(*(c.close() for cs in clients_by_room for c in cs))


def run(coro, timeout: float = 60):
    return asyncio.run(asyncio.wait_for(coro, timeout))


# ---- the faults --------------------------------------------------------------------------------


def test_kill_one_of_two_processes_while_clients_post(servers):
    rooms = make_rooms()
    a, b = servers(2)

    async def scenario():
        clients_by_room = await open_clients(rooms, [a, b])
        await posting(rooms, clients_by_room, start=0, stop_at=2)
        # Posts in flight when the process dies: the ones on `a` lose their sockets mid-post.
        storm = asyncio.create_task(posting(rooms, clients_by_room, start=2, stop_at=POSTS_EACH, pause=0.1))
        await asyncio.sleep(0.25)
        os.kill(a.process.pid, signal.SIGKILL)
        await storm
        # A post sent again under a client id already acknowledged (a double submit after
        # the reconnect) is acknowledged with the same post and creates nothing.
        client = clients_by_room[0][0]
        first_id = client.acks["m0"]
        again = await client.post(rooms[0].thread_ids[0], "repeat", "m0")
        assert again == first_id
        await settle(rooms, clients_by_room)
        await close_all(clients_by_room)
        return clients_by_room

    clients_by_room = run(scenario())
    assert a.process.wait(timeout=5) == -signal.SIGKILL
    totals = check(rooms, clients_by_room)
    assert totals["posts"] == 2 * 3 * POSTS_EACH
    assert totals["reconnects"] >= 3  # every client of the killed process came back on the other
    assert all(c.server % 2 == 1 for cs in clients_by_room for c in cs if c.reconnects)


def test_redis_restarted_mid_stream(redis_server, servers):
    rooms = make_rooms()
    a, b = servers(2)
    holder = {"redis": redis_server}

    async def scenario():
        clients_by_room = await open_clients(rooms, [a, b])
        await posting(rooms, clients_by_room, start=0, stop_at=2)
        stream = asyncio.create_task(posting(rooms, clients_by_room, start=2, stop_at=POSTS_EACH, pause=0.2))
        await asyncio.sleep(0.3)
        holder["redis"] = await asyncio.to_thread(restart_redis, redis_server)
        await stream
        # Every socket is back in its group: a post now reaches everyone live.
        await posting(rooms, clients_by_room, start=POSTS_EACH, stop_at=POSTS_EACH + 1)
        await settle(rooms, clients_by_room)
        await close_all(clients_by_room)
        return clients_by_room

    try:
        clients_by_room = run(scenario(), timeout=90)
    finally:
        stop(holder["redis"])
    totals = check(rooms, clients_by_room)
    assert totals["posts"] == 2 * 3 * (POSTS_EACH + 1)


def test_dropped_layer_messages_are_detected_and_fetched(servers):
    rooms = make_rooms()
    a, b = servers(2, settings_module="tests.services.lossy_settings")

    async def scenario():
        clients_by_room = await open_clients(rooms, [a, b])
        await posting(rooms, clients_by_room, start=0, stop_at=POSTS_EACH, pause=0.05)
        await settle(rooms, clients_by_room, timeout=3)
        # Only the tail can still be missing (a dropped last event has no later id to give
        # it away); the page asks for it when it resumes. Everything before it was fetched.
        for clients in clients_by_room:
            for client in clients:
                assert not client.buffer, f"{client.name} left a gap unfilled"
                await client.resume()
        await close_all(clients_by_room)
        return clients_by_room

    clients_by_room = run(scenario())
    totals = check(rooms, clients_by_room)
    assert totals["gaps"] > 0 and totals["fetches"] >= totals["gaps"]  # losses happened and were filled


def test_database_connection_lost_during_a_post(servers):
    """The server's PostgreSQL backend is killed while its post waits on a row lock: no
    acknowledgement, nothing committed; the retry under the same client id makes one row."""
    import psycopg

    rooms = make_rooms(count=1, people=2)
    (a,) = servers(1)
    room = rooms[0]
    dsn = _dsn()

    async def scenario():
        (clients,) = await open_clients(rooms, [a])
        poster = clients[0]
        await poster.post(room.thread_ids[0], "before", "before")
        with psycopg.connect(dsn) as locker, psycopg.connect(dsn, autocommit=True) as admin:
            # Hold the space row: the post's next-event-id UPDATE waits on it.
            locker.execute("SELECT id FROM forums_space WHERE id = %s FOR UPDATE", [room.space.pk])
            future = asyncio.get_running_loop().create_future()
            poster.pending["doomed"] = future
            await poster.ws.send(
                json.dumps(
                    {"type": "post", "thread": room.thread_ids[0], "body": "doomed", "client_id": "doomed"}
                )
            )
            backend = await _waiting_backend(admin)
            admin.execute("SELECT pg_terminate_backend(%s)", [backend])
            locker.rollback()
            with pytest.raises(Gone):  # the socket closes; no ack ever came
                await asyncio.wait_for(future, 10)
        assert not await asyncio.to_thread(lambda: Post.objects.filter(client_msg_id="doomed").exists()), (
            "a post whose transaction died was committed"
        )
        # The page retries under the same id once it is back: one row.
        await poster.reconnect()
        post_id = await poster.post(room.thread_ids[0], "doomed", "doomed")
        again = await poster.post(room.thread_ids[0], "doomed", "doomed")
        assert again == post_id
        await settle(rooms, [clients])
        await close_all([clients])
        return [clients]

    clients_by_room = run(scenario())
    assert Post.objects.filter(client_msg_id="doomed").count() == 1
    check(rooms, clients_by_room)


def _dsn() -> str:
    s = connection.settings_dict
    return f"host={s['HOST'] or '127.0.0.1'} port={s['PORT'] or 5432} dbname={s['NAME']} user={s['USER']}" + (
        f" password={s['PASSWORD']}" if s["PASSWORD"] else ""
    )


async def _waiting_backend(admin, timeout: float = 10) -> int:
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        row = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND wait_event_type = 'Lock' AND query ILIKE 'UPDATE forums_space%%'"
        ).fetchone()
        if row:
            return row[0]
        await asyncio.sleep(0.05)
    raise AssertionError("the post never reached the locked row")
