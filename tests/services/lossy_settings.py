"""Test settings whose channel layer drops a quarter of the events a socket would receive
(tests/services/test_faults.py starts daphne processes with these)."""

from lms.settings.test import *  # noqa: F403
from lms.settings.test import CHANNEL_LAYERS

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "tests.services.lossy_layer.LossyChannelLayer",
        "CONFIG": {"inner": CHANNEL_LAYERS["default"], "drop": 0.25},
    }
}
