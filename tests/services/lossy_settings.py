"""Test settings whose channel layer drops a quarter of the events a socket would receive
(tests/services/test_faults.py starts daphne processes with these). The real layer under
it comes from FAULTS_SETTINGS (default lms.settings.test)."""

import os
from importlib import import_module

_base = import_module(os.environ.get("FAULTS_SETTINGS", "lms.settings.test"))
globals().update({name: value for name, value in vars(_base).items() if name.isupper()})

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "tests.services.lossy_layer.LossyChannelLayer",
        "CONFIG": {"inner": _base.CHANNEL_LAYERS["default"], "drop": 0.25},
    }
}
