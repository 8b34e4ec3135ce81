import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
# Set up Django (apps, models) before anything imports a consumer.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from accounts.sockets import SessionKeyMiddlewareStack  # noqa: E402
from lms.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Who is signed in is read by the consumer in its own database trip, fresh for
        # every frame (accounts.sockets): the handshake itself reads nothing.
        "websocket": AllowedHostsOriginValidator(SessionKeyMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
