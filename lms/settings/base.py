"""Settings shared by every mode. Safe by default: DEBUG off, secrets from the environment."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    # Project apps first so their templates override the libraries'.
    "accounts",
    "home",
    "modules",
    "courses",
    "forums",
    "alumni",
    "reports",
    "interop",
    "academies",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "channels",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Anonymous readers of public pages: one shared copy, no query (docs/performance.md, 6).
    # Before CSP: a copy replays the policy header it was stored with (pages whose render
    # used a nonce or changed the policy are never stored).
    "home.pagecache.AnonymousPageCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.LanguagePreferenceMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# How long a shared anonymous page lives (0: no page cache); publishing retires it sooner.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
ROOT_URLCONF = "lms.urls"
ASGI_APPLICATION = "lms.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Embedded default: SQLite in the project folder. DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets daphne's readers and a writer work at once; the timeout rides out short locks.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
# Persistent connections for both engines: with SQLite, opening one (and running the WAL
# pragmas) on every trip through daphne's sync thread was a fifth of a post frame
# (docs/performance.md).
DATABASES["default"].setdefault("CONN_MAX_AGE", 600 if "sqlite" in DATABASES["default"]["ENGINE"] else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # Chosen by measurement (docs/performance.md): one publish per group instead of
            # one Redis list per recipient, and sockets stay open when Redis restarts.
            # Events are at-most-once by design; clients fill gaps from the database.
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "legis",
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "lms.layers.EmbeddedChannelLayer"}}
    # Room for the page and passage caches of a whole curriculum (the default keeps 300).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# allauth: log in by e-mail, verified e-mail required for sign-up.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]

LANGUAGE_CODE = "en"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGES = [
    ("ar", "العربية"),
    ("zh-hans", "中文"),
    ("en", "English"),
    ("fr", "Français"),
    ("ru", "Русский"),
    ("es", "Español"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Legis <no-reply@legis.invalid>")

WAGTAIL_SITE_NAME = "Legis"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "odt", "docx", "txt"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
WAGTAIL_MODERATION_ENABLED = True
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# Demo accounts share one password, for local use only.
DEMO_PASSWORD = env("DEMO_PASSWORD", default="legis-demo")

# How many reverse proxies in front of daphne append to X-Forwarded-For (0: trust none).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# ---- hardening (issue 10) ----
# Content-Security-Policy: no inline script anywhere on the site; scripts, styles, images
# and sockets from this origin only. Wagtail's admin uses inline scripts of its own, so
# it is excluded; its pages are staff-only and behind MFA.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 8 * 1024 * 1024
# Documents always download (never render inline in the site's origin).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_INLINE_CONTENT_TYPES: list[str] = []
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# ---- accounts & security (issue 10) ----
# Sessions listed and revocable by their owner (allauth.usersessions); the request bound to
# the audit log and two-factor set-up required of people with powers (accounts.middleware).
INSTALLED_APPS += ["allauth.usersessions"]
MIDDLEWARE += [
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "accounts.middleware.AccountSecurityMiddleware",
]
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
USERSESSIONS_ADAPTER = "accounts.adapters.UserSessionsAdapter"
USERSESSIONS_TRACK_ACTIVITY = False  # one write per request otherwise; login time and address suffice
# Second factors: an authenticator app (TOTP) with recovery codes, or a security key / passkey
# (WebAuthn: the browser and the key do the work, no outside service). Pages work without
# JavaScript through TOTP; WebAuthn needs the browser's script.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False  # a key is a second factor here, not a password replacement
MFA_TOTP_ISSUER = "Legis"
# Encrypts TOTP secrets and recovery-code seeds at rest; defaults to a key derived from
# SECRET_KEY, so set it before rotating SECRET_KEY (or re-enrol everyone's second factor).
MFA_ENCRYPTION_KEY = env("MFA_ENCRYPTION_KEY", default="")
# Off only where a test suite must sign tutors in without a second factor.
ACCOUNTS_MFA_ENFORCED = env.bool("ACCOUNTS_MFA_ENFORCED", default=True)
# The admin logins go through allauth (rate limits, second factor): see accounts.views.admin_login.
WAGTAILADMIN_LOGIN_URL = "accounts_admin_login"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False  # passwords change on the site, through allauth
WAGTAIL_PASSWORD_RESET_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Legis] "
# Rate limits, counted by allauth in the default cache (Redis whenever REDIS_URL is set, so
# every process shares the counts), per client address behind TRUSTED_PROXY_COUNT proxies
# (accounts.adapters.AccountAdapter.get_client_ip reads it with lms.ratelimit.client_ip).
ACCOUNT_RATE_LIMITS = {
    **ACCOUNT_RATE_LIMITS,
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip,60/h/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# `make run`'s tutors, institution admin, editor and superuser hold an authenticator with this
# secret (accounts.demo; printed by load_demo, documented in docs/accounts.md). Local use only.
DEMO_TOTP_SECRET = env("DEMO_TOTP_SECRET", default="LEGISDEMOSECRETFORLOCALUSEONLYAA")
