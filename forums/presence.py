"""Who is online, written in batches.

Every process keeps, per event loop, the sockets that joined, left or pinged since its last
flush, and writes them in one trip through the sync thread at most once a second; then it
tells each space whose members changed who is online now — one broadcast per space, not
one per join. A room of 150 opening at once (or a reconnect storm of a thousand sockets)
used to queue a presence write, a presence read and a broadcast for every socket
(docs/performance.md). Presence is shared through the database, so every process agrees;
a process that dies leaves rows that age out of the online window.
"""

import asyncio
import logging
import weakref
from dataclasses import dataclass, field
from datetime import timedelta

from channels.db import database_sync_to_async

from django.utils import timezone

from . import selectors
from .models import Presence

logger = logging.getLogger(__name__)

COALESCE_SECONDS = 1.0
WINDOW = timedelta(seconds=90)  # pings come every 25 s: three missed and a socket is gone


@dataclass
class _Batch:
    joins: dict[str, tuple[int, int]] = field(default_factory=dict)  # channel -> (space, user)
    leaves: set[str] = field(default_factory=set)
    seen: set[str] = field(default_factory=set)
    spaces: set[int] = field(default_factory=set)  # whose online list changed


_batches: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Batch] = weakref.WeakKeyDictionary()
_tasks: set[asyncio.Task] = set()


def _batch(layer) -> _Batch:
    loop = asyncio.get_running_loop()
    batch = _batches.get(loop)
    if batch is None:
        batch = _batches[loop] = _Batch()
        task = loop.create_task(_flush_later(layer, loop))
        _tasks.add(task)
        task.add_done_callback(_tasks.discard)
    return batch


def joined(layer, channel: str, space_id: int, user_id: int) -> None:
    batch = _batch(layer)
    batch.joins[channel] = (space_id, user_id)
    batch.spaces.add(space_id)


def left(layer, channel: str, space_id: int) -> None:
    batch = _batch(layer)
    batch.leaves.add(channel)
    batch.spaces.add(space_id)


def seen(layer, channel: str) -> None:
    _batch(layer).seen.add(channel)


def _write(batch: _Batch) -> dict[int, list[dict]]:
    now = timezone.now()
    if batch.leaves:
        Presence.objects.filter(channel_name__in=batch.leaves).delete()
    rows = [
        Presence(channel_name=channel, space_id=space_id, user_id=user_id, last_seen=now)
        for channel, (space_id, user_id) in batch.joins.items()
        if channel not in batch.leaves
    ]
    if rows:
        Presence.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["channel_name"], update_fields=["last_seen"]
        )
    still_here = batch.seen - batch.leaves - batch.joins.keys()
    if still_here:
        Presence.objects.filter(channel_name__in=still_here).update(last_seen=now)
    return {space_id: selectors.online(space_id, WINDOW) for space_id in batch.spaces}


async def _flush_later(layer, loop: asyncio.AbstractEventLoop) -> None:
    try:
        await asyncio.sleep(COALESCE_SECONDS)
    finally:
        batch = _batches.pop(loop, None)  # later changes start the next batch
    if batch is None:
        return
    try:
        online = await database_sync_to_async(_write)(batch)
        for space_id, people in online.items():
            await layer.group_send(f"space-{space_id}", {"type": "presence.update", "online": people})
    except Exception:  # best effort, like every broadcast: the next batch writes again
        logger.warning("presence batch failed", exc_info=True)
