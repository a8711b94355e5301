"""
Settings for the Briefings site, read from the environment.

Every variable is listed in `.env.example`. Malformed values fail loudly at
start-up rather than falling back to a default.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false/1/0), got {value!r}.")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}.") from None


def env_rate(name, default):
    """A request rate such as "300/minute" (per second, minute, hour or day), or None for "off"."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.strip().lower() == "off":
        return None
    if not re.fullmatch(r"[1-9]\d*/(second|minute|hour|day)", value.strip()):
        raise ImproperlyConfigured(
            f"{name} must be a rate such as 300/minute (second, minute, hour or day) "
            f"or off, got {value!r}."
        )
    return value.strip()


def env_header(name):
    """
    A request header and the value that marks a request as HTTPS, written as
    "X-Forwarded-Proto: https", in the form SECURE_PROXY_SSL_HEADER takes; None when unset.
    """
    value = env_str(name).strip()
    if not value:
        return None
    header, _, expected = (part.strip() for part in value.partition(":"))
    if not re.fullmatch(r"[A-Za-z0-9-]+", header) or not expected:
        raise ImproperlyConfigured(
            f"{name} must be a header and its value, such as 'X-Forwarded-Proto: https', "
            f"got {value!r}."
        )
    return ("HTTP_" + header.upper().replace("-", "_"), expected)


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)


def secret_key(*, debug):
    """
    SECRET_KEY, else the checkout's key file that `make run` writes, so commands
    run by hand (createsuperuser, shell, load_seeds) sign exactly as the server.
    """
    key = env_str("SECRET_KEY")
    if key:
        return key
    key_file = Path(env_str("SECRET_KEY_FILE") or BASE_DIR / "var" / "secret-key")
    if key_file.is_file():
        key = key_file.read_text().strip()
        if key:
            return key
    if not debug:
        raise ImproperlyConfigured(
            f"SECRET_KEY is required when DEBUG is off: set it, or write one to {key_file} "
            "(`make var/secret-key` does)."
        )
    return "insecure-development-key-only-used-with-debug-on"


SECRET_KEY = secret_key(debug=DEBUG)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "briefings",
    "sco",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # 503 with Retry-After, not a 500, while the database is unreachable.
    "briefings.outage.DatabaseOutageMiddleware",
    # Before WhiteNoise, so static files carry the policy too.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, which serves static files compressed ahead of time. Public
    # pages come gzipped from the page cache; this compresses the rest per request.
    "django.middleware.gzip.GZipMiddleware",
    "briefings.middleware.UnstorableTextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "briefings.throttling.PageThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "briefings.urls"
WSGI_APPLICATION = "briefings.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# With no DATABASE_URL the site runs on SQLite in the git-ignored var/ folder.
# Persistent connections rather than psycopg's pool: gunicorn's sync workers
# serve one request at a time, so one kept connection per worker is all a pool
# would give them, without its threads.
(BASE_DIR / "var").mkdir(exist_ok=True)


def database(url):
    return dj_database_url.parse(
        url, conn_max_age=env_int("CONN_MAX_AGE", 600), conn_health_checks=True
    )


DATABASES = {
    "default": database(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'briefings.sqlite3'}"
    )
}
# An optional read replica: anonymous readers' queries go there (briefings/routing.py).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {**database(DATABASE_REPLICA_URL), "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["briefings.routing.ReplicaRouter"]
    MIDDLEWARE.insert(0, "briefings.routing.ReplicaMiddleware")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# While Redis is unreachable the site runs without the cache (briefings/cachebackend.py):
# slower, and saying so in the log. A blackholed Redis costs at most REDIS_TIMEOUT
# seconds a request every few seconds, not a hung worker.
REDIS_URL = env_str("REDIS_URL")
REDIS_TIMEOUT = env_int("REDIS_TIMEOUT", 1)
if REDIS_TIMEOUT < 1:
    raise ImproperlyConfigured(f"REDIS_TIMEOUT must be 1 or more seconds, got {REDIS_TIMEOUT}.")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "briefings.cachebackend.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Argon2 for new and changed passwords; older hashes still check and are
# upgraded to Argon2 at the user's next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed, compressed file names need `collectstatic` first (`make run` does it);
# development and the test suite serve the files as they are.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Hashed files are served from STATIC_ROOT as collectstatic left them (`make serve`
# runs it); without the manifest (development, tests) straight from the app folders.
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "admin:login"

# --- Abuse limits ---------------------------------------------------------------
# One client identity (briefings.throttling.client_ip) serves the login lockout,
# the API throttles and the page throttle. NUM_PROXIES is how many proxies that
# append to X-Forwarded-For stand in front of the site: 0 ignores the header (a
# client could write anything in it), 1 trusts the last entry, and so on.
NUM_PROXIES = env_int("NUM_PROXIES", 0)
if NUM_PROXIES < 0:
    raise ImproperlyConfigured(f"NUM_PROXIES must be 0 or more, got {NUM_PROXIES}.")

# Admin login (django-axes): LOGIN_FAILURE_LIMIT failed passwords for one user
# name, or from one client, lock that name or client out for
# LOGIN_COOLOFF_MINUTES; each try while locked starts the wait again. A good
# login does not clear earlier failures: it would let one account's owner
# reset the count against another name tried from the same address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "briefings.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "briefings.admin.lockout.lockout_response"
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME <= timedelta(0):
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT and LOGIN_COOLOFF_MINUTES must be 1 or more.")

# Reader pages, per client, counted in the default cache (shared through Redis
# when REDIS_URL is set). Staff are never throttled; the API and the admin have
# their own limits (REST_FRAMEWORK below, django-axes above).
PAGE_THROTTLE_RATES = {
    "page": env_rate("PAGE_RATE", "300/minute"),
    "search": env_rate("SEARCH_RATE", "60/minute"),
}

# Apps whose rows `manage.py export_site` writes and `import_site` loads (their
# history tables included): auth for users and groups, and every content app.
BACKUP_APPS = ["auth", "briefings", "sco"]

# Briefing imports (POST /api/v1/briefings/import/) run within the request, so
# they are capped to finish well inside gunicorn's timeout: a document of at most
# IMPORT_MAX_CLAIMS claims and IMPORT_MAX_BYTES bytes (the README has the numbers).
IMPORT_MAX_CLAIMS = env_int("IMPORT_MAX_CLAIMS", 10_000)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# DRF's browsable API: HTML pages for developers exploring the API in a browser.
# Off, every endpoint answers JSON only.
API_BROWSABLE = env_bool("API_BROWSABLE", default=True)

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if API_BROWSABLE else []),
    ],
    "DEFAULT_SCHEMA_CLASS": "briefings.api.schema.AutoSchema",
    # Token first: an anonymous write then gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "briefings.api.authentication.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "briefings.api.parsers.StrictJSONParser",
        "briefings.api.parsers.StrictFormParser",
        "briefings.api.parsers.StrictMultiPartParser",
    ],
    # Oversized bodies answer JSON (413) here as everywhere else in the API.
    "EXCEPTION_HANDLER": "briefings.api.errors.exception_handler",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "briefings.api.throttling.AnonThrottle",
        "briefings.api.throttling.WriteThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("API_ANON_RATE", "600/minute"),
        "write": env_rate("API_WRITE_RATE", "120/minute"),
        "token_failure": env_rate("API_AUTH_FAILURE_RATE", "10/minute"),
    },
    "NUM_PROXIES": NUM_PROXIES,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Briefings API",
    # Authentication, errors, conditional requests, review, throttling, ordering.
    "DESCRIPTION": (BASE_DIR / "briefings" / "api" / "description.md").read_text(),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Tags and operation ids start after the version: "claims", "claims_list".
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Requests name related objects by slug; responses embed them as small objects.
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "SourceKindEnum": "briefings.models.SourceKind",
        "ActorKindEnum": "briefings.models.ActorKind",
        "AffiliationKindEnum": "briefings.models.AffiliationKind",
        "EventKindEnum": "briefings.models.EventKind",
        "QuoteTypeEnum": "briefings.models.QuoteType",
        "AttributionKindEnum": "briefings.models.AttributionKind",
        "ClaimTypeEnum": "briefings.models.ClaimType",
        "VerdictEnum": "briefings.models.Verdict",
        "ReviewStatusEnum": "briefings.models.ReviewStatus",
        "BriefingStatusEnum": "briefings.models.BriefingStatus",
        "MembershipStatusEnum": "sco.models.MembershipStatus",
        "SummitFormatEnum": "sco.models.SummitFormat",
        "ParticipationStatusEnum": "sco.models.ParticipationStatus",
        "ParticipationCapacityEnum": "sco.models.ParticipationCapacity",
        "MeetingKindEnum": "sco.models.MeetingKind",
    },
}

# --- HTTPS and browser security --------------------------------------------------
# The defaults suit plain HTTP (`make run`, tests); .env.example and the README
# give production's values, with which `manage.py check --deploy` is silent.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
# A load balancer's health check may ask over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Behind a proxy that terminates TLS: the header it sets on HTTPS requests. It
# must overwrite any value the client sent, or a client could claim HTTPS.
SECURE_PROXY_SSL_HEADER = env_header("SECURE_PROXY_SSL_HEADER")
# HSTS is sent on HTTPS responses only; once a browser has seen it, it refuses
# plain HTTP to the host (and its subdomains) for that long.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
if SECURE_HSTS_SECONDS < 0:
    raise ImproperlyConfigured(f"SECURE_HSTS_SECONDS must be 0 or more, got {SECURE_HSTS_SECONDS}.")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Content-Security-Policy on every response (django-csp). Nothing inline runs
# or styles a page except by the request's nonce (`request.csp_nonce`, which
# only the API docs use); the docs' images include data: URIs from their CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
