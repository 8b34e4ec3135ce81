"""The fan-out baseline: a bare WebSocket broadcast server (the `websockets` package), rooms
as sets. It speaks just enough of Legis's protocol for the same load generator to drive it:
`hello` on connect, `post` answered with an `ack` and broadcast as an `event` to the room,
`resume` answered with `replay_done`, `ping` with `pong`. No database, no authentication,
no channel layer: what a WebSocket broadcast costs in Python and nothing more.

    python bench/bare_ws.py PORT
"""

import asyncio
import html
import json
import sys

from websockets.asyncio.server import broadcast, serve
from websockets.exceptions import ConnectionClosed

rooms: dict[str, set] = {}
last_id: dict[str, int] = {}


def dumps(frame: dict) -> str:
    return json.dumps(frame, separators=(",", ":"))  # as the consumer writes its frames


async def handler(ws) -> None:
    room, _, query = ws.request.path.partition("?")
    members = rooms.setdefault(room, set())
    members.add(ws)
    try:
        # As the consumer: `?last_id=N` gets its replay (here: nothing) with the hello.
        replayed = "last_id=" in query
        await ws.send(dumps({"type": "hello", "last_id": last_id.get(room, 0), "replayed": replayed}))
        if replayed:
            await ws.send(dumps({"type": "replay_done", "last_id": last_id.get(room, 0)}))
        async for raw in ws:
            frame = json.loads(raw)
            kind = frame.get("type")
            if kind == "post":
                seq = last_id[room] = last_id.get(room, 0) + 1
                body = html.escape(str(frame.get("body", "")))
                event = {
                    "type": "event",
                    "id": seq,
                    "kind": "post.created",
                    "data": {"post": seq, "thread": frame.get("thread"), "html": f"<p>{body}</p>"},
                }
                await ws.send(dumps({"type": "ack", "ref": frame.get("client_id"), "post": seq}))
                broadcast(members, dumps(event))
            elif kind == "resume":
                await ws.send(dumps({"type": "replay_done", "last_id": last_id.get(room, 0)}))
            elif kind == "ping":
                await ws.send('{"type":"pong"}')
    except ConnectionClosed:
        pass  # dropped without a closing handshake (the reconnect storm does that)
    finally:
        members.discard(ws)


async def healthz(connection, request):
    if request.path == "/healthz":
        return connection.respond(200, "ok\n")
    return None


async def main(port: int) -> None:
    async with serve(
        handler, "127.0.0.1", port, compression=None, process_request=healthz, max_queue=None, backlog=1024
    ) as server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
