"""WebSocket routes. Each app contributes its own `websocket_urlpatterns`."""

from forums.routing import websocket_urlpatterns as forums_routes

websocket_urlpatterns = [*forums_routes]
