"""Fixed-window rate limits counted in the shared cache (Redis in production), so every
process sees the same counts."""

import time

from django.core.cache import cache


def allow(scope: str, key: object, *, limit: int, window: int) -> bool:
    """Count one hit for (scope, key); False once `limit` hits fall in the current window."""
    bucket = int(time.time() // window)
    cache_key = f"rl:{scope}:{key}:{bucket}"
    if cache.add(cache_key, 1, timeout=window + 1):
        return True
    try:
        return cache.incr(cache_key) <= limit
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window + 1)
        return True


def client_ip(meta: dict, trusted_proxies: int = 0) -> str:
    """The client address, skipping `trusted_proxies` hops of X-Forwarded-For."""
    if trusted_proxies:
        hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= trusted_proxies:
            return hops[-trusted_proxies]
    return meta.get("REMOTE_ADDR", "")
