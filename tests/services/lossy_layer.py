"""A channel layer that loses messages on purpose, for the fault tests.

It wraps the configured layer and drops a fraction of the `space.event` messages a
socket would receive (each socket loses different ones, as a congested layer would).
The protocol must cope: a client sees an id beyond the next one it expects, asks for
the missing range with `fetch`, and ends up with every event exactly once.
"""

import random

from django.utils.module_loading import import_string


class LossyChannelLayer:
    """`CONFIG`: `inner` (a CHANNEL_LAYERS-style entry for the real layer), `drop` (0..1),
    `seed` (a repeatable pattern)."""

    def __init__(self, inner: dict, drop: float = 0.25, seed: int = 7) -> None:
        self.inner = import_string(inner["BACKEND"])(**inner.get("CONFIG", {}))
        self.drop = drop
        self.random = random.Random(seed)
        self.dropped = 0

    async def receive(self, channel: str) -> dict:
        while True:
            message = await self.inner.receive(channel)
            if message.get("type") == "space.event" and self.random.random() < self.drop:
                self.dropped += 1
                continue
            return message

    def __getattr__(self, name: str):
        # Everything else (send, group_add, group_send, new_channel, ...) is the real layer's.
        return getattr(self.inner, name)
