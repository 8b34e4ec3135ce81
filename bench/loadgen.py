"""The load generator: WebSocket clients in one asyncio loop (pinned to its own core by
run.py), driving either Legis or the bare baseline server through the same protocol."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import deque
from dataclasses import dataclass, field

from websockets.asyncio.client import connect

now = time.perf_counter


def percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (q in 0..100)."""
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@dataclass
class Target:
    """Where one client connects: a URL, its session cookie (None for the bare server)."""

    url: str
    cookie: str | None = None

    @property
    def origin(self) -> str:
        return "http://" + self.url.split("/")[2]


@dataclass
class Client:
    target: Target
    ws: object = None
    last_id: int = 0
    reader: asyncio.Task | None = None
    on_frame: object = None
    frames: int = 0
    retries: int = 0

    async def open(self, timeout: float = 30, *, resume_from: int | None = None) -> dict:
        """Connect and read the hello (returned). With `resume_from`, the URL carries the
        last id, as the page's script does, and the replay follows the hello."""
        headers = {"Origin": self.target.origin}
        if self.target.cookie:
            headers["Cookie"] = f"sessionid={self.target.cookie}"
        url = self.target.url if resume_from is None else f"{self.target.url}?last_id={resume_from}"
        self.ws = await connect(
            url,
            additional_headers=headers,
            compression=None,
            open_timeout=timeout,
            ping_interval=None,
            max_queue=None,
            close_timeout=2,
        )
        hello = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        if hello.get("type") != "hello":
            raise RuntimeError(f"expected hello, got {hello}")
        self.last_id = hello.get("last_id", 0)
        self.reader = asyncio.create_task(self._read())
        return hello

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                self.frames += 1
                if self.on_frame is not None:
                    self.on_frame(self, raw)
        except Exception:  # noqa: S110 (a closed socket ends the reader; the run counts what is missing)
            pass

    async def send(self, frame: dict) -> None:
        await self.ws.send(json.dumps(frame, separators=(",", ":")))

    async def close(self) -> None:
        if self.reader:
            self.reader.cancel()
        if self.ws is not None:
            try:
                await asyncio.wait_for(self.ws.close(), 3)
            except Exception:  # noqa: S110
                pass

    def abort(self) -> None:
        """Drop the TCP connection without a closing handshake (a network blip)."""
        if self.reader:
            self.reader.cancel()
        transport = getattr(self.ws, "transport", None)
        if transport is not None:
            transport.abort()


async def open_many(
    targets: list[Target], *, concurrency: int = 20, timeout: float = 30, attempts: int = 6
) -> list[Client]:
    """Connect every target, `concurrency` handshakes at a time. A refused or dropped
    handshake (daphne drops one the application has not accepted within 5 s) is retried
    after a pause, as the page's script does; `Client.retries` counts them."""
    gate = asyncio.Semaphore(concurrency)
    clients = [Client(t) for t in targets]

    async def one(client: Client) -> None:
        for attempt in range(attempts):
            try:
                async with gate:
                    await client.open(timeout)
                return
            except Exception:  # refused, reset, timed out, closed during the handshake
                if attempt == attempts - 1:
                    raise
                client.retries += 1
                await asyncio.sleep(0.5 * (attempt + 1))

    await asyncio.gather(*(one(c) for c in clients))
    return clients


async def close_many(clients: list[Client]) -> None:
    await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)


# ---- fan-out: one post every `interval`, latency from send to the last recipient -------------


@dataclass
class FanoutResult:
    latencies: list[float] = field(default_factory=list)
    acks: list[float] = field(default_factory=list)
    posts: int = 0
    missing: int = 0
    errors: int = 0

    def summary(self) -> dict:
        ms = [x * 1000 for x in self.latencies]
        return {
            "posts": self.posts,
            "delivered_posts": len(self.latencies),
            "missing_deliveries": self.missing,
            "errors": self.errors,
            "p50_ms": percentile(ms, 50),
            "p95_ms": percentile(ms, 95),
            "p99_ms": percentile(ms, 99),
            "ack_p95_ms": percentile([x * 1000 for x in self.acks], 95),
        }


async def fanout(
    clients: list[Client], *, thread: int, duration: float, interval: float = 0.2, tag: str = ""
) -> FanoutResult:
    """Each post goes out from the next client in turn; every client (the poster too) must
    receive it. Frames are matched by the post's rendered text, the same in both servers."""
    result = FanoutResult()
    sent: dict[str, float] = {}
    remaining: dict[str, int] = {}
    acked: dict[str, float] = {}
    ack_sent: dict[str, float] = {}
    finished = asyncio.Event()
    n_clients = len(clients)
    state = {"sending": True}

    def on_frame(client: Client, raw: str) -> None:
        if raw.startswith('{"type":"event"'):
            frame = json.loads(raw)
            if frame.get("kind") != "post.created":
                return
            key = frame["data"]["html"]
            left = remaining.get(key)
            if left is None:
                return
            left -= 1
            remaining[key] = left
            if left == 0:
                result.latencies.append(now() - sent[key])
                if len(result.latencies) == result.posts and not state["sending"]:
                    finished.set()
        elif raw.startswith('{"type":"ack"'):
            frame = json.loads(raw)
            ref = frame.get("ref")
            if ref in ack_sent:
                acked[ref] = now() - ack_sent[ref]
        elif raw.startswith('{"type":"error"'):
            result.errors += 1

    for client in clients:
        client.on_frame = on_frame
    start = now()
    n = 0
    while now() - start < duration:
        poster = clients[n % n_clients]
        key = f"<p>{tag}t{n}</p>"
        client_id = f"{tag}{n}-{uuid.uuid4().hex[:8]}"
        remaining[key] = n_clients
        sent[key] = ack_sent[client_id] = now()
        result.posts += 1
        await poster.send({"type": "post", "thread": thread, "body": f"{tag}t{n}", "client_id": client_id})
        n += 1
        delay = start + n * interval - now()
        if delay > 0:
            await asyncio.sleep(delay)
    state["sending"] = False
    if len(result.latencies) < result.posts:
        try:
            await asyncio.wait_for(finished.wait(), 5)
        except TimeoutError:
            pass
    result.missing = sum(v for v in remaining.values() if v > 0)
    result.acks = list(acked.values())
    for client in clients:
        client.on_frame = None
    return result


# ---- pipeline: closed loop, `concurrency` posts in flight ------------------------------------


async def pipeline(
    clients: list[tuple[Client, int]], *, concurrency: int, duration: float, quota: int = 12
) -> dict:
    """Post as fast as acknowledgements come back. Each client is one person, who may post
    `quota` times a minute (the service's rate limit): when every quota is spent, the run ends."""
    loop = asyncio.get_running_loop()
    pending: dict[str, asyncio.Future] = {}
    left = {id(c): quota for c, _t in clients}
    ready = deque(clients)
    latencies: list[float] = []
    errors = {"count": 0}

    def on_frame(client: Client, raw: str) -> None:
        if raw.startswith('{"type":"ack"') or raw.startswith('{"type":"error"'):
            frame = json.loads(raw)
            future = pending.pop(frame.get("ref"), None)
            if future is not None and not future.done():
                future.set_result(frame)

    for client, _thread in clients:
        client.on_frame = on_frame
    deadline = now() + duration
    started = now()

    async def worker() -> None:
        while now() < deadline and ready:
            client, thread = ready.popleft()
            client_id = uuid.uuid4().hex
            future = loop.create_future()
            pending[client_id] = future
            t0 = now()
            await client.send(
                {"type": "post", "thread": thread, "body": f"pipeline {client_id}", "client_id": client_id}
            )
            try:
                frame = await asyncio.wait_for(future, 10)
            except TimeoutError:
                errors["count"] += 1
                continue
            if frame["type"] == "ack":
                latencies.append(now() - t0)
            else:
                errors["count"] += 1
            left[id(client)] -= 1
            if left[id(client)] > 0:
                ready.append((client, thread))

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = now() - started
    for client, _thread in clients:
        client.on_frame = None
    ms = [x * 1000 for x in latencies]
    return {
        "posts": len(latencies),
        "seconds": elapsed,
        "rate": len(latencies) / elapsed,
        "ack_p50_ms": percentile(ms, 50),
        "ack_p95_ms": percentile(ms, 95),
        "errors": errors["count"],
        "quota_exhausted": not ready,
    }


# ---- reconnect storm ---------------------------------------------------------------------------


async def storm(clients: list[Client], *, timeout: float = 30) -> dict:
    """Every socket drops at once (a proxy restart, a network blip); every client reconnects
    at once, as the page's script does: with its last id on the URL, and on failure it
    waits 1 s, then 2, 4, ... (with jitter) and tries again. A client is back when its
    replay has ended with `replay_done`. Reported: time until the last is back, failed attempts,
    and clients still out after `timeout` (dropped)."""
    import random

    for client in clients:
        client.abort()
    started = now()
    done: list[float] = []
    failures: list[str] = []
    dropped: list[str] = []
    jitter = random.Random(3)

    async def once(client: Client) -> None:
        known = client.last_id
        hello = await client.open(min(10.0, max(1.0, timeout - (now() - started))), resume_from=known)
        finished = asyncio.get_running_loop().create_future()

        def on_frame(c: Client, raw: str) -> None:
            if raw.startswith('{"type":"replay_done"') and not finished.done():
                finished.set_result(None)

        client.on_frame = on_frame  # set before the reader first runs: nothing is missed
        if not hello.get("replayed"):
            await client.send({"type": "resume", "last_id": known})
        await asyncio.wait_for(finished, 10)

    async def back(client: Client) -> None:
        delay = 1.0
        while True:
            try:
                await once(client)
                done.append(now() - started)
                return
            except Exception as exc:  # refused, reset, dropped in the handshake, no replay_done
                failures.append(type(exc).__name__)
                await client.close()
                if now() - started + delay > timeout:
                    dropped.append(type(exc).__name__)
                    return
                await asyncio.sleep(delay * (0.5 + jitter.random()))
                delay = min(delay * 2, 30)

    await asyncio.gather(*(back(c) for c in clients))
    return {
        "clients": len(clients),
        "reconnected": len(done),
        "failed_attempts": len(failures),
        "failure_kinds": sorted(set(failures)),
        "dropped": len(dropped),
        "all_back_s": max(done) if len(done) == len(clients) else None,
        "p50_back_s": percentile(done, 50),
        "p95_back_s": percentile(done, 95),
    }
