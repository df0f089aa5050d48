"""Settings shared by every environment. Secure by default: DEBUG is off and there is no
SECRET_KEY here; dev.py and test.py set insecure values explicitly, production.py demands them."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

from threatpress.core.storage_settings import s3_storages_from_environment

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
# Everything the running site writes (SQLite file, media, exports) lives under VAR_DIR.
VAR_DIR = Path(os.environ.get("THREATPRESS_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise ImproperlyConfigured(f"{name} must be a whole number above zero, not {value!r}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])

INSTALLED_APPS = [
    "threatpress.core",
    "threatpress.accounts",
    "threatpress.consent",
    "threatpress.publishing",
    "threatpress.reports",
    "threatpress.regions",
    "threatpress.readership",
    "threatpress.exports",
    "threatpress.translations",
    "threatpress.api",
    "threatpress.discovery",
    "threatpress.citation",
    "threatpress.search",
    "threatpress.caching",
    "threatpress.manuscripts",
    "threatpress.readiness",
    "wagtail_footnotes",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.table_block",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.locales",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # First, so it sees the response with every header the others add: Cache-Control, ETag and
    # Last-Modified, and whether the page cache may store it (docs/caching.md).
    "threatpress.caching.middleware.CacheHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Wagtail's Site for the request from the remembered fragments, not a query each time.
    "threatpress.caching.sites.RememberedSiteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before the locale middleware: the API's answers are not in the caller's language.
    "threatpress.api.middleware.LanguageNeutralAnswersMiddleware",
    "threatpress.core.locale_middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "threatpress.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's middleware: the admin's policy by path, and on public pages the origins of
    # scripts registered for consent (threatpress/core/csp.py, docs/consent.md).
    "threatpress.consent.middleware.RegistryCSPMiddleware",
    "threatpress.consent.middleware.ConsentVaryMiddleware",
    # After the header middleware, so that its 400 pages carry the same security headers.
    "threatpress.core.middleware.RejectMalformedRequestMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "threatpress.urls"
WSGI_APPLICATION = "threatpress.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "threatpress.core.context_processors.site_chrome",
                "threatpress.consent.context_processors.consent",
            ],
        },
    },
]

# DATABASE_URL selects the database everywhere (sqlite:///path or postgres://...).
# The embedded default is a SQLite file under VAR_DIR.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        # Reusing connections saves ~4 ms a request (SQLite too: each sync worker has its own).
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while an editor saves; a busy timeout avoids "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caching (docs/caching.md). `pages` holds whole responses for anonymous readers, served by the
# WSGI front before the middleware; local memory in each process unless REDIS_URL is set (a
# Redis database of its own: a purge of everything empties it).
REDIS_URL = os.environ.get("REDIS_URL", "")
THREATPRESS_PAGE_CACHE = env_bool("THREATPRESS_PAGE_CACHE", True)
if REDIS_URL:
    _pages_cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
else:
    _pages_cache = {
        # Django's LocMemCache without pickling: stored pages are never changed (backends.py).
        "BACKEND": "threatpress.caching.backends.SharedObjectLocMemCache",
        "LOCATION": "threatpress-pages",
        "OPTIONS": {"MAX_ENTRIES": env_int("THREATPRESS_CACHE_MAX_ENTRIES", 5000)},
    }
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": _pages_cache,
}
# Lifetimes in seconds: the in-app cache and shared caches (both purged), browsers (not), and
# how long a shared cache may serve a stale copy while it revalidates or while the site is down.
THREATPRESS_CACHE_SECONDS = env_int("THREATPRESS_CACHE_SECONDS", 3600)
THREATPRESS_CACHE_SHARED_SECONDS = env_int("THREATPRESS_CACHE_SHARED_SECONDS", 3600)
THREATPRESS_CACHE_BROWSER_SECONDS = env_int("THREATPRESS_CACHE_BROWSER_SECONDS", 30)
THREATPRESS_CACHE_STALE_REVALIDATE_SECONDS = 30
THREATPRESS_CACHE_STALE_ERROR_SECONDS = 86400
# Varnish (or any cache that accepts PURGE) in front: purged with Wagtail's HTTP backend after
# each commit, with the same paths as the page cache. wagtail.contrib.frontend_cache is not in
# INSTALLED_APPS on purpose: its own signal handlers would purge before the commit.
THREATPRESS_VARNISH_URL = os.environ.get("THREATPRESS_VARNISH_URL", "")
# Our purge list already holds each language's own addresses; Wagtail must not add prefixes.
WAGTAILFRONTENDCACHE_LANGUAGES: list[str] = []
if THREATPRESS_VARNISH_URL:
    WAGTAILFRONTENDCACHE = {
        "varnish": {
            # Wagtail's HTTP backend, a batch over one connection (caching/varnish_purge.py).
            "BACKEND": "threatpress.caching.varnish_purge.KeepAliveHTTPBackend",
            "LOCATION": THREATPRESS_VARNISH_URL,
        }
    }

# Login throttling: five failures for one user from one address lock that pair out for 15 minutes.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("THREATPRESS_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "429.html"
AXES_HTTP_RESPONSE_CODE = 429

# Two-factor authentication (threatpress/accounts, docs/security.md): off unless THREATPRESS_2FA is
# true. Its apps and middleware are always installed; the middleware reads this on every request.
THREATPRESS_2FA = env_bool("THREATPRESS_2FA", False)
# After n wrong codes in a row, the next attempt waits 2^(n-1) seconds (django-otp's default).
OTP_TOTP_THROTTLE_FACTOR = 1

# Argon2 for new and changed passwords; the others only to verify (and upgrade) older hashes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: English and Lithuanian from the start; the set is configuration.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("lt", "Lietuvių")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [PROJECT_DIR / "locale"]
# Our own date and number formats per language: threatpress/formats/<lang>/formats.py.
FORMAT_MODULE_PATH = ["threatpress.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("THREATPRESS_TIME_ZONE", "Europe/Vilnius")

# Static files: hashed names, compressed copies, served by WhiteNoise with far-future caching.
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("THREATPRESS_STATIC_ROOT", BASE_DIR / "static_collected"))
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "threatpress.core.staticfinders.FontPackageFinder",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # PDFs and audio, outside MEDIA_ROOT: only the export view, which checks the visibility
    # rule, hands them out (docs/exports.md).
    "exports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "exports")},
    },
}
# With THREATPRESS_S3_BUCKET set, uploads and exports go to private objects in an S3-compatible
# bucket instead (core/object_storage.py, docs/deployment.md "Object storage").
STORAGES.update(s3_storages_from_environment())
# The app serves uploaded media itself (from disk or from the bucket), checking visibility first.
THREATPRESS_SERVE_MEDIA = env_bool("THREATPRESS_SERVE_MEDIA", True)
if os.environ.get("THREATPRESS_S3_BUCKET") and not THREATPRESS_SERVE_MEDIA:
    raise ImproperlyConfigured(
        "THREATPRESS_SERVE_MEDIA=false with THREATPRESS_S3_BUCKET: the bucket is private, so the "
        "app must serve its images."
    )

# Security headers that hold in every environment.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "threatpress.core.views.csrf_failure"

# The site uses none of these browser features; say so, for every page and every frame.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "sync-xhr",
        "usb",
        "xr-spatial-tracking",
    )
}

# Content Security Policy for readers: no inline script or style, nothing from another host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Where the editors' admin lives: the Wagtail admin and the footnote dialog its editor loads.
THREATPRESS_ADMIN_PATH_PREFIXES = ["/admin/", "/footnotes/"]
# The editors' own policy (threatpress/core/csp.py). Why each relaxation is there:
# docs/security.md.
THREATPRESS_ADMIN_CSP = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # Wagtail's few inline initialisers carry this response's nonce.
        "script-src": ["'self'", NONCE, "'report-sample'"],
        # Jcrop (image focal point) probes event support with the handler "return;"; only that.
        "script-src-attr": [
            "'unsafe-hashes'",
            "'sha256-i+qr4lq34KgNHiW62lWi9aInEBwiEOrfCzaNPCvkqD8='",
            "'report-sample'",
        ],
        # Draftail writes <style> elements that differ per editor: no hash or nonce can cover them.
        "style-src": ["'self'", "'unsafe-inline'"],
        "style-src-elem": ["'self'", "'unsafe-inline'"],
        "style-src-attr": ["'none'", "'report-sample'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        # The preview panel frames admin URLs from the admin itself.
        "frame-ancestors": ["'self'"],
    },
}

# Readership counts (docs/readership.md): anonymous daily totals, buffered in each process and
# written every few seconds, so a reader's request never waits for the database.
THREATPRESS_READERSHIP = env_bool("THREATPRESS_READERSHIP", True)
THREATPRESS_READERSHIP_FLUSH_SECONDS = env_int("THREATPRESS_READERSHIP_FLUSH_SECONDS", 10)
THREATPRESS_READERSHIP_FLUSH_AFTER = env_int("THREATPRESS_READERSHIP_FLUSH_AFTER", 1000)
# A background thread per process writes the counts (and once more at exit).
THREATPRESS_READERSHIP_BACKGROUND = True

# Consent (docs/consent.md). Built-in cookies are declared in threatpress/consent/registry.py;
# an operator adds a statistics script (loaded only after Statistic consent) and its cookies
# here, or any other cookie or script through THREATPRESS_CONSENT_EXTRA in a settings module.
THREATPRESS_STATISTICS_SCRIPT_URL = os.environ.get("THREATPRESS_STATISTICS_SCRIPT_URL", "")
THREATPRESS_STATISTICS_COOKIES = env_list("THREATPRESS_STATISTICS_COOKIES", [])
THREATPRESS_CONSENT_EXTRA: list[dict] = []
# Change it to ask every visitor again although no cookie or script changed.
THREATPRESS_CONSENT_REVISION = os.environ.get("THREATPRESS_CONSENT_REVISION", "")
# How long a choice is remembered: a refusal for about six months, a consent for a year.
THREATPRESS_CONSENT_REFUSAL_DAYS = env_int("THREATPRESS_CONSENT_REFUSAL_DAYS", 182)
THREATPRESS_CONSENT_ACCEPTANCE_DAYS = env_int("THREATPRESS_CONSENT_ACCEPTANCE_DAYS", 365)

# Audio exports (docs/audio.md). Synthesised paragraphs are cached here, so an unchanged one is
# never synthesised twice. English is read by Piper ("piper": natural; about 45 CPU seconds per
# 1,000 words, at the lowest priority) where piper-tts and its voice are installed, else by
# espeak-ng ("espeak": robotic, about a second per 1,000 words). Lithuanian is always espeak-ng.
THREATPRESS_AUDIO_CACHE_DIR = Path(
    os.environ.get("THREATPRESS_AUDIO_CACHE_DIR", VAR_DIR / "audio-cache")
)
THREATPRESS_AUDIO_ENGLISH_VOICE = os.environ.get("THREATPRESS_AUDIO_ENGLISH_VOICE", "piper")
if THREATPRESS_AUDIO_ENGLISH_VOICE not in {"piper", "espeak"}:
    raise ImproperlyConfigured("THREATPRESS_AUDIO_ENGLISH_VOICE must be piper or espeak")

WAGTAIL_SITE_NAME = os.environ.get("THREATPRESS_SITE_NAME", "ThreatPress")
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME  # the account's label in the authenticator app
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# Wagtail's database search: SQLite's FTS5, or PostgreSQL's full text search. Pages carry their
# own Snowball stems in their language (threatpress/search/text.py), so PostgreSQL's `simple`
# configuration (no stemming of its own, no stop words) sees the same words SQLite does.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "simple"}
}

# Uploads are hostile input (docs/security.md). No SVG: it is a document that can carry script.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env_int("THREATPRESS_IMAGE_MAX_MB", 10) * 1024 * 1024
# Pixels decide the memory a rendition needs (about 4 bytes each), not the file size: a 50 KB
# PNG can declare 400 million of them. Pillow's own refusal starts at 179 million.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = env_int("THREATPRESS_IMAGE_MAX_MEGAPIXELS", 40) * 1_000_000
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = env_int("THREATPRESS_DOCUMENT_MAX_MB", 50) * 1024 * 1024
# Wagtail checks a document's extension only; this form also checks its content matches.
WAGTAILDOCS_DOCUMENT_FORM_BASE = "threatpress.core.documents.DocumentForm"
# Documents always go through Wagtail's view (also with object storage): it checks collection
# privacy and sends nosniff and "Content-Security-Policy: default-src 'none'".
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT = True
# Each allowed extension's type, fixed here rather than guessed from the host's mimetypes.
WAGTAILDOCS_CONTENT_TYPES = {
    "csv": "text/csv",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "pdf": "application/pdf",
    "txt": "text/plain",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Opened in the browser; everything else is downloaded (Content-Disposition: attachment).
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf", "text/plain"]

# Draftail's widget, answering input that is not its JSON with a whitelist instead of a 500.
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {"WIDGET": "threatpress.core.editor.DraftailRichTextArea"}
}
WAGTAIL_FOOTNOTES_TEXT_FEATURES = ["bold", "italic", "link"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from gravatar.com: an editor's e-mail address (hashed) would go to a third party
# on every admin page, and the admin's Content Security Policy allows images from us only.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ALLOW_UNICODE_SLUGS = False
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django.security.DisallowedHost": {"handlers": ["console"], "level": "ERROR"},
    },
}
