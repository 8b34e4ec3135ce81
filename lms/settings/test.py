"""Fast, isolated settings for the test suite."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, REDIS_URL, env

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: browser tests share it with a real daphne process.
    (BASE_DIR / "test-artifacts").mkdir(exist_ok=True)
    # One file per test run, so two runs on one machine never share a database.
    DATABASES["default"]["TEST"] = {
        "NAME": str(BASE_DIR / "test-artifacts" / f"test-db-{os.getpid()}.sqlite3")
    }
WAGTAILADMIN_BASE_URL = "http://testserver"
# Serve static files from the source folders (browser tests run daphne without collectstatic).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Other apps' tests sign tutors and editors in without a second factor; tests/accounts switch
# the two-factor requirement back on (accounts.middleware, issue 10).
ACCOUNTS_MFA_ENFORCED = env.bool("ACCOUNTS_MFA_ENFORCED", default=False)
