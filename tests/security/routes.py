"""Every URL route and WebSocket route of the platform's own apps, and the parameters
to reach each one in the demo world (`manage.py load_demo`)."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

OWN_NAMESPACES = {"modules", "courses", "forums", "alumni", "reports", "interop", "academies", "accounts"}
OWN_PLAIN_NAMES = {"healthz", "javascript-catalog"}


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, prefix + str(pattern.pattern)


def own_routes() -> dict[str, str]:
    """Route name -> route pattern, for the platform's own apps."""
    routes = {}
    for name, route in _walk(get_resolver().url_patterns):
        if name.split(":")[0] in OWN_NAMESPACES or name in OWN_PLAIN_NAMES:
            routes.setdefault(name, route)
    return routes


def parameters(route: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route)
