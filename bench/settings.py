"""Benchmark settings: production settings (DEBUG off, no debug toolbars, persistent
database connections), run on loopback over plain HTTP.

Differences from a real deployment, each for a reason:
- static files come from the source folders through whitenoise's finders, so a
  benchmark run does not need `collectstatic` (nginx serves them in production and
  no benchmark measures static files);
- `BENCH_CHANNEL_LAYER=core` swaps the default RedisPubSubChannelLayer for
  RedisChannelLayer, so both can be measured against the same code (docs/performance.md);
- `PAGE_CACHE_SECONDS=0` (an ordinary setting) turns the anonymous page cache off, to
  measure rendering.
"""

import os
import warnings

os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")

from lms.settings.production import *  # noqa: E402, F403
from lms.settings.production import REDIS_URL  # noqa: E402

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
# Fixtures create thousands of users; nobody logs in with a password during a run.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if REDIS_URL and os.environ.get("BENCH_CHANNEL_LAYER") == "core":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "capacity": 1500, "expiry": 30},
        }
    }
