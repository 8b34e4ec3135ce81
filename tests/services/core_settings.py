"""Test settings on channels_redis' RedisChannelLayer (the layer Legis does not use by
default), to run the fault tests against it for comparison:
FAULTS_SETTINGS=tests.services.core_settings."""

from lms.settings.test import *  # noqa: F403
from lms.settings.test import REDIS_URL

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "capacity": 1500, "expiry": 30},
    }
}
