"""Settings for the customs press site.

One module for every deployment: each difference comes from the environment and is
documented in `.env.example`.
"""

import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no), not {value!r}")


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or list(default or [])


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


DEBUG = env_bool("DJANGO_DEBUG", default=False)

# Commands that read only the code, never serve a request nor sign anything: they run on a
# build or CI machine without the deployment's secrets (`manage.py makemigrations --check`).
CODE_ONLY_COMMANDS = {"makemigrations", "makemessages", "compilemessages", "collectstatic"}
CODE_ONLY = (
    len(sys.argv) > 1
    and Path(sys.argv[0]).name == "manage.py"
    and (sys.argv[1] in CODE_ONLY_COMMANDS)
)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if CODE_ONLY:
        SECRET_KEY = secrets.token_urlsafe(50)  # signs nothing: this process serves nothing
    elif not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. It is required when DJANGO_DEBUG is off; "
            "set it in the environment (see .env.example), or set DJANGO_DEBUG=1 for a "
            "local development run."
        )
    SECRET_KEY = "insecure-local-development-key-never-used-when-debug-is-off"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not ALLOWED_HOSTS and not DEBUG and not CODE_ONLY:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set. With DJANGO_DEBUG off, list the host names the "
        "site answers to, separated by commas (see .env.example)."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # modeltranslation must come before the admin so its translated fields appear there.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "axes",
    "django.contrib.sitemaps",
    "django_prose_editor",
    "reversion",
    # Django's Tasks API (backport for 5.2) and its database queue: the email alerts' worker.
    "django_tasks",
    "django_tasks_db",
    "news",
    "committees",
    "alerts",
    "fcs_site",
]

MIDDLEWARE = [
    # Before the page cache: the visitor's normalised profile is part of the cache key.
    "fcs_site.accessibility.middleware.AccessibilityMiddleware",
    # First of the rest: a cached page is answered before anything else runs. It was stored
    # with the headers the middleware below gave it (HSTS, CSP, X-Frame-Options...), and
    # only 200 answers are stored, so every error page still goes through them all.
    "fcs_site.caching.middleware.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside the others, so that responses made from an exception in them get it too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "fcs_site.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fcs_site.urls"
WSGI_APPLICATION = "fcs_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fcs_site.context_processors.site",
                "fcs_site.accessibility.context_processors.accessibility",
            ],
            # {% fragment %}: parts of pages kept rendered, fresh by tags (README, "Caching").
            "libraries": {"fragments": "fcs_site.caching.fragments"},
        },
    },
]

# Database: DATABASE_URL, SQLite under var/ by default. postgres:// URLs go through psycopg2.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "connect_timeout", env_int("DJANGO_DB_CONNECT_TIMEOUT", 1)
    )
    # A stuck query ends with an error (and a 503 page) instead of holding a worker.
    DATABASES["default"]["OPTIONS"].setdefault(
        "options", f"-c statement_timeout={env_int('DJANGO_DB_STATEMENT_TIMEOUT_MS', 5000)}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: CACHE_URL (or REDIS_URL) points at a shared Redis; local memory otherwise.
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or ""
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            # django-redis, so that a stopped cache server is a miss, not an error page.
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "fcs"),
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.25,
                "SOCKET_TIMEOUT": 0.25,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
elif CACHE_URL in {"", "locmem://"}:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(f"CACHE_URL must be a redis:// URL or locmem://, not {CACHE_URL!r}")
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    # Room for cached pages of one process (the default of 300 entries is tiny).
    CACHES["default"]["OPTIONS"] = {"MAX_ENTRIES": env_int("DJANGO_LOCMEM_CACHE_ENTRIES", 5000)}

# Sign-in throttling (django-axes): 5 failures for one username from one address lock that
# pair out for 15 minutes. Its backend must come first.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "account_locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "fcs_site.security.client_ip"
# Log who tried to sign in and from where (axes masks both by default); never passwords.
AXES_SENSITIVE_PARAMETERS: list[str] = []
# How many reverse proxies in front of the app append to X-Forwarded-For (0: none, use the
# socket's address).
FCS_TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
# A body larger than this is refused with 413, a longer query string with 414, before
# anything reads them.
FCS_MAX_REQUEST_BODY_BYTES = env_int("DJANGO_MAX_REQUEST_BODY_MB", 32) * 1024 * 1024
FCS_MAX_QUERY_STRING_BYTES = env_int("DJANGO_MAX_QUERY_STRING_BYTES", 32 * 1024)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Russian first, English second; every public URL carries its prefix.
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"

MODELTRANSLATION_DEFAULT_LANGUAGE = "ru"
MODELTRANSLATION_LANGUAGES = ("ru", "en")
# No silent fallback: an item missing in a language is not shown in that language.
MODELTRANSLATION_FALLBACK_LANGUAGES = ()
# modeltranslation's tabbed admin loads jQuery UI from a CDN unless told otherwise;
# the copy under static/vendor keeps the admin working offline and under a strict CSP.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Media on an S3-compatible object store (django-storages), so that app machines keep
# nothing on local disk. Credentials come from the standard AWS_ACCESS_KEY_ID /
# AWS_SECRET_ACCESS_KEY variables (or the machine's role), read by boto3 itself.
FCS_MEDIA_STORAGE = os.environ.get("FCS_MEDIA_STORAGE", "filesystem").strip().lower()
if FCS_MEDIA_STORAGE == "s3":
    if not os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured(
            "FCS_MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME (see .env.example)."
        )
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "location": os.environ.get("AWS_LOCATION", "media"),
            # Public press photos: plain URLs, no expiring signatures in cached pages.
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", default=False),
            "file_overwrite": False,
        },
    }
elif FCS_MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured(
        f"FCS_MEDIA_STORAGE must be filesystem or s3, not {FCS_MEDIA_STORAGE!r}"
    )
# Hashed static files are cached for ten years (WhiteNoise marks them immutable); this is
# the lifetime of the few files without a hash in their name.
WHITENOISE_MAX_AGE = env_int("DJANGO_STATIC_MAX_AGE", 0 if DEBUG else 3600)

# Uploads. Form fields other than files may total 2.5 MB (a long article body fits many
# times over); an uploaded file above FILE_UPLOAD_MAX_MEMORY_SIZE is spooled to a temporary
# file rather than held in memory. Photos are capped at FCS_PHOTO_MAX_BYTES by their form
# field; the reverse proxy should refuse bodies a little above that (see README).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o644
# Django serves MEDIA_URL itself only when this is on (local runs and tests); in production
# the reverse proxy or the object store serves media (see README).
FCS_SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", default=DEBUG)

# Press photos (news.images): what an upload may be, and the widths made for srcset.
FCS_PHOTO_MAX_BYTES = 10 * 1024 * 1024
FCS_PHOTO_MAX_PIXELS = 40_000_000
FCS_PHOTO_WIDTHS = (480, 800, 1200, 1600)

# Security. Production values are the defaults whenever DEBUG is off.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_TLS_PROXY") else None
)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True

# Content Security Policy (django-csp). No inline script or style anywhere: a template that
# ever needs an inline script gives it nonce="{{ request.csp_nonce }}".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # NONCE becomes 'nonce-…' on pages that use request.csp_nonce, and nothing elsewhere.
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOGIN_URL = "admin:login"
# Where a sign-in goes when its `next` is missing or points off the site.
LOGIN_REDIRECT_URL = "admin:index"

# The press office's own settings.
FCS_SITE_NAME = _("Federal customs service")
FCS_NEWS_PAGE_SIZE = 20
FCS_HOME_NEWS_COUNT = 10
# How long a shared preview link of an unpublished article works unless revoked (hours).
FCS_PREVIEW_LINK_HOURS = env_int("FCS_PREVIEW_LINK_HOURS", 48)
# The version for the visually impaired keeps the visitor's choices in this cookie.
FCS_A11Y_COOKIE_NAME = "a11y"
FCS_A11Y_COOKIE_AGE = 365 * 24 * 3600
# Service links shown at the top of every page (label, address); labels are translated.
FCS_SERVICE_LINKS = [
    (
        _("Authentic source texts of legal documents"),
        os.environ.get("FCS_LEGAL_TEXTS_URL", "http://pravo.gov.ru/"),
    ),
    (
        _("Search the “Customs legislation” databank"),
        os.environ.get("FCS_CUSTOMS_LAW_DATABANK_URL", "https://customs.gov.ru/document"),
    ),
    # An address (http..., https..., /...) or the name of one of the site's own URLs.
    (_("Open data"), os.environ.get("FCS_OPEN_DATA_URL") or "opendata:index"),
]

# Site search: PostgreSQL cancels a search query after this many milliseconds.
FCS_SEARCH_TIMEOUT_MS = env_int("FCS_SEARCH_TIMEOUT_MS", 2000)

FCS_FEED_ITEMS = 30
# Past this many URLs, /sitemap.xml becomes a sitemap index (the protocol's limit).
FCS_SITEMAP_LIMIT = 50000
# Beyond it, each section of the index is paginated at this many items (a URL per language).
FCS_SITEMAP_PAGE_ITEMS = env_int("FCS_SITEMAP_PAGE_ITEMS", 5000)
# Open data passports: the publisher's taxpayer number starts every dataset identifier.
FCS_OPENDATA_PUBLISHER_INN = os.environ.get("FCS_OPENDATA_PUBLISHER_INN", "7730176610")
FCS_OPENDATA_PUBLISHER_PHONE = os.environ.get("FCS_OPENDATA_PUBLISHER_PHONE", "")
FCS_OPENDATA_PUBLISHER_EMAIL = os.environ.get("FCS_OPENDATA_PUBLISHER_EMAIL", "")
# The page cache for anonymous visitors (fcs_site/caching/, README "Caching").
# Seconds a rendered page stays in the shared cache (0: off). A page is evicted as soon as
# anything it shows changes, so this only bounds memory.
FCS_PAGE_CACHE_SECONDS = env_int("FCS_PAGE_CACHE_SECONDS", 600)
# `Cache-Control: public, max-age=` for browsers, which cannot be told of changes: they
# may show a page this many seconds old.
FCS_PAGE_CACHE_MAX_AGE = env_int("FCS_PAGE_CACHE_MAX_AGE", 60)
# Paths (with or without the language prefix) never cached.
FCS_PAGE_CACHE_EXCLUDED_PREFIXES = ["/admin/", "/bench/", "/a11y/", "/i18n/", "/alerts/"]
# Cookies besides the session's that make a request bypass the page cache.
FCS_PAGE_CACHE_BYPASS_COOKIES = ["messages"]
# Query parameters that only tell analytics where a visitor came from (a news agency's
# link carries them): public pages are made, and cached, as if they were not there.
# A name ending in "*" covers every parameter it begins.
FCS_TRACKING_PARAMETERS = ["utm_*", "yclid", "gclid", "fbclid", "_openstat"]
# Seconds the numbering of a news list stays cached (it is renumbered when its tag moves).
FCS_NEWS_LIST_CACHE_SECONDS = env_int("FCS_NEWS_LIST_CACHE_SECONDS", 3600)
# The response header that lists a page's tags for a proxy in front (Varnish xkey and
# Fastly read `Surrogate-Key`).
FCS_SURROGATE_KEY_HEADER = os.environ.get("FCS_SURROGATE_KEY_HEADER", "Surrogate-Key")
# How long a proxy in front may keep a page (`Surrogate-Control: max-age`), shortened to
# the next scheduled publication; purges evict it sooner.
FCS_PROXY_CACHE_SECONDS = env_int("FCS_PROXY_CACHE_SECONDS", 3600)
# Purges for a proxy in front: "none" or "varnish" (deploy/varnish/default.vcl), sent to
# each address in FCS_VARNISH_PURGE_URLS (comma-separated) after every change.
FCS_CACHE_PURGE_BACKEND = os.environ.get("FCS_CACHE_PURGE_BACKEND", "none").strip().lower()
if FCS_CACHE_PURGE_BACKEND not in {"none", "varnish"}:
    raise ImproperlyConfigured(
        f"FCS_CACHE_PURGE_BACKEND must be none or varnish, not {FCS_CACHE_PURGE_BACKEND!r}"
    )
FCS_VARNISH_PURGE_URLS = [
    url.strip() for url in os.environ.get("FCS_VARNISH_PURGE_URLS", "").split(",") if url.strip()
]
# Called by the committees app after a row is saved: fills the row's site-search columns.
FCS_CONTENT_SAVED = "fcs_site.committees_index.row_saved"
# Called after public rows are deleted: notes when, for dataset versions and sitemap dates.
FCS_CONTENT_DELETED = "fcs_site.services.removals_record"
# The benchmark's bench-only pages and headers (`make bench` turns this on for its run).
FCS_BENCH_ENDPOINTS = env_bool("FCS_BENCH_ENDPOINTS", default=False)

# Email (the alerts, README "Email alerts"): Django's SMTP backend; with DEBUG on (`make run`)
# every email is written to a file under var/mail/ instead.
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND") or (
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_FILE_PATH = Path(os.environ.get("DJANGO_EMAIL_FILE_PATH") or BASE_DIR / "var" / "mail")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "noreply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's own address, for the links in emails (which have no request to build them from).
FCS_SITE_URL = os.environ.get("FCS_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Background tasks: Django's Tasks API with the database backend (django-tasks-db), run by
# `manage.py db_worker`; any number of workers on any number of machines share the queue.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Email alerts (alerts/).
# Hours a confirmation link works; a second request for one address within the hour after
# a confirmation was sent sends nothing.
FCS_ALERTS_CONFIRM_HOURS = env_int("FCS_ALERTS_CONFIRM_HOURS", 72)
FCS_ALERTS_RESEND_AFTER_SECONDS = 3600
# Subscribe requests one client address may make (per the hour), then 429.
FCS_ALERTS_REQUESTS_PER_HOUR = env_int("FCS_ALERTS_REQUESTS_PER_HOUR", 10)
# Confirm, manage or unsubscribe links that do not work one client address may open (per
# the hour), then 429 for such links (links that work still work).
FCS_ALERTS_BAD_LINKS_PER_HOUR = env_int("FCS_ALERTS_BAD_LINKS_PER_HOUR", 30)
# Addresses read and emails sent per batch: a worker's memory does not grow with the list.
FCS_ALERTS_BATCH_SIZE = env_int("FCS_ALERTS_BATCH_SIZE", 500)
# Seconds a worker's claim on a batch lasts: a batch a dead worker left is taken again then.
FCS_ALERTS_CLAIM_SECONDS = env_int("FCS_ALERTS_CLAIM_SECONDS", 600)
# Seconds between two sweeps (the task that resumes mailings a dead worker left).
FCS_ALERTS_SWEEP_SECONDS = env_int("FCS_ALERTS_SWEEP_SECONDS", 300)
# Tasks queued for each mailing: with several workers, that many share one large mailing.
FCS_ALERTS_TASKS_PER_MAILING = env_int("FCS_ALERTS_TASKS_PER_MAILING", 1)
# Hard bounces in a row after which an address is suspended.
FCS_ALERTS_MAX_BOUNCES = 3
# Local (Moscow) hour at which the daily digest goes out.
FCS_ALERTS_DIGEST_HOUR = env_int("FCS_ALERTS_DIGEST_HOUR", 8)
# Called when an article is published or scheduled, or becomes public in one more language.
FCS_ARTICLE_PUBLISHED = "alerts.services.article_published"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
