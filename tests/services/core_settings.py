"""Test settings on RedisPubSubChannelLayer, to run the fault tests against the layer
docs/performance.md proposes: FAULTS_SETTINGS=tests.services.pubsub_settings."""

from lms.settings.test import *  # noqa: F403
from lms.settings.test import REDIS_URL

CHANNEL_LAYERS = {
    "default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}
}
