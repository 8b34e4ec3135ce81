"""The embedded (single-process) channel layer.

channels' InMemoryChannelLayer scans every channel and every group membership for expired
entries on every receive and every group send, and deep-copies a group message once per
recipient. With a room of 200 open that scan was a quarter of the event loop's time
(docs/performance.md). This layer scans at most once a second and copies a group message
once: consumers here do not change the messages they receive (SpaceConsumer only adds the
encoded frames, which it means every recipient to share).
"""

import asyncio
import time
from copy import deepcopy

from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer

CLEAN_EVERY_SECONDS = 1.0


class EmbeddedChannelLayer(InMemoryChannelLayer):
    _cleaned_at = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._cleaned_at >= CLEAN_EVERY_SECONDS:
            self._cleaned_at = now
            super()._clean_expired()

    async def group_send(self, group: str, message: dict) -> None:
        assert isinstance(message, dict), "Message is not a dict"
        self.require_valid_group_name(group)
        self._clean_expired()
        shared = deepcopy(message)  # one copy, as if serialised once, shared by the recipients
        expires = time.time() + self.expiry
        for channel in list(self.groups.get(group, {})):
            queue = self.channels.setdefault(channel, asyncio.Queue(maxsize=self.get_capacity(channel)))
            try:
                queue.put_nowait((expires, shared))
            except asyncio.QueueFull:
                pass  # as the stock layer: a full channel misses a group message (ChannelFull)


__all__ = ["ChannelFull", "EmbeddedChannelLayer"]
