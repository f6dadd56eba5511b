"""Settings shared by every environment, read once from the environment (see .env.example)."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# `make run` keeps its generated SECRET_KEY in .env; real environment variables win.
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=True):
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# `make run` serves on 127.0.0.1:PORT, so links in emails follow PORT unless SITE_URL is set.
_port = env("PORT", default="8000")
SITE_URL = env("SITE_URL", default=f"http://127.0.0.1:{_port}").rstrip("/")
SITE_NAME = env("SITE_NAME", default="John Bradley Jackson")
SITE_DESCRIPTION = env("SITE_DESCRIPTION", default="")
TIME_ZONE = env("TIME_ZONE", default="UTC")
LANGUAGE_CODE = "en-us"
USE_I18N = True
USE_TZ = True

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
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "taggit",
    # Single-row settings with their admin: the discussion settings (comments/rules/discussion.py).
    "solo",
    "core",
    "blog",
    "comments",
    "subscriptions",
    "redirects",
    "wordpress",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but one: it reads the Cache-Control every other layer has set.
    "core.proxy.ProxyFreshnessMiddleware",
    "core.middleware.ClientAddressMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
    "core.middleware.MethodNotAllowedPageMiddleware",
    "core.middleware.AdminQueryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Dates in the zone the site settings name (blog.site), changed without a restart.
    "blog.middleware.SiteTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Old addresses, then WordPress's query words (?p=12), looked up on the way to a 404.
    "redirects.middleware.OldAddressMiddleware",
    "wordpress.middleware.WordPressQueryMiddleware",
    # Last, as django-axes asks: it turns a lockout into its "locked out" response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "blog.context_processors.site",
            ],
        },
    },
]


def _database_settings() -> dict:
    url = env("DATABASE_URL", default="")
    if url:
        return env.db_url_config(url)
    # Without DATABASE_URL, start (or reuse) the embedded PostgreSQL in .data/postgres.
    from config.embedded_postgres import database_settings

    return database_settings()


def _prepared_statements() -> dict:
    # A statement run five times on a connection is prepared (psycopg's threshold), so
    # PostgreSQL stops parsing and planning a comment's few statements on every POST: its
    # CPU per comment fell from about 2.0 to 1.3 ms (issue 26). Preparing needs server-side
    # binding, which also spares Python quoting each value. A pooler in transaction mode
    # that cannot carry prepared statements needs DATABASE_PREPARED_STATEMENTS=false.
    if not env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        return {}
    return {"server_side_binding": True, "prepare_threshold": 5}


DATABASES = {"default": _database_settings()}
DATABASES["default"].update(
    {
        "CONN_MAX_AGE": env.int("CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {**DATABASES["default"].get("OPTIONS", {}), **_prepared_statements()},
        "TEST": {"NAME": env("TEST_DATABASE_NAME", default="test_blog")},
    }
)
# A second connection to the same database, for what must be seen while a long transaction
# is open on the first: an admin import writes its progress here while `import_wxr` holds
# its one transaction on "default" (wordpress/runs.py). In tests it mirrors "default".
DATABASES["progress"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://blog")}
# django-solo keeps the discussion settings in this cache, so pages read them with no query.
# A per-process cache could not be told of a save made in another process: then they are
# read once per request instead.
SOLO_CACHE = None if CACHES["default"]["BACKEND"].endswith(".LocMemCache") else "default"
SOLO_CACHE_TIMEOUT = 24 * 60 * 60

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
# django-environ puts a URL's ?timeout= in OPTIONS, which Django's mail backends never read.
_email_url_timeout = EMAIL_CONFIG.pop("OPTIONS", {}).get("TIMEOUT")
vars().update(EMAIL_CONFIG)
# A mail server that accepts and never answers would otherwise hold a task worker for good.
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=float(_email_url_timeout or 10))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="blog@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# Images editors upload (blog/images.py). MEDIA_URL is where readers fetch them: /media/ on
# this site (nginx serves MEDIA_ROOT there), or the absolute address of an S3 bucket or its
# CDN, whose origin the CSP then allows for images.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = env("MEDIA_URL", default="/media/")
if not MEDIA_URL.endswith("/"):
    MEDIA_URL += "/"
IMAGE_MAX_BYTES = env.int("IMAGE_MAX_BYTES", default=20 * 1024 * 1024)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=50_000_000)
IMAGE_MAX_FRAMES = env.int("IMAGE_MAX_FRAMES", default=1000)
MEDIA_STORAGE = env("MEDIA_STORAGE", default="filesystem")
# Other sites whose images posts may show (origins: https://images.example.com): the
# sanitiser keeps them and the CSP allows them; every other site's image is left out.
IMAGE_REMOTE_ORIGINS = [
    origin.rstrip("/").lower() for origin in env.list("IMAGE_REMOTE_ORIGINS", default=[])
]
# Django serves MEDIA_ROOT itself where no nginx stands in front (`make run`).
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)


def media_storage(kind: str, media_url: str) -> dict:
    """Return STORAGES["default"] for MEDIA_STORAGE `kind` (S3 settings from the environment)."""
    if kind == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(f"MEDIA_STORAGE is 's3' or 'filesystem', not {kind!r}.")
    public = urlsplit(media_url)
    if not (public.scheme and public.netloc):
        raise ImproperlyConfigured(
            "MEDIA_STORAGE=s3 needs MEDIA_URL: the bucket's public address or its CDN's, "
            "such as https://media.example.com/."
        )
    # Files are named once and never overwritten, so readers may keep them for a year.
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL", default=None),
            "region_name": env("S3_REGION", default=None),
            "access_key": env("S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("S3_SECRET_ACCESS_KEY", default=None),
            # Readers get MEDIA_URL + the file's name: a public bucket or a CDN, no signatures.
            "custom_domain": public.netloc + public.path.rstrip("/"),
            "url_protocol": f"{public.scheme}:",
            "querystring_auth": False,
            "file_overwrite": False,
            "default_acl": env("S3_DEFAULT_ACL", default=None),
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }


def media_origin(media_url: str) -> str | None:
    """Return the origin images are served from when it is not this site's, else None."""
    public = urlsplit(media_url)
    return f"{public.scheme}://{public.netloc}" if public.scheme and public.netloc else None


STORAGES = {
    "default": media_storage(MEDIA_STORAGE, MEDIA_URL),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# django-axes counts failed admin logins per user name and IP, and locks that pair out;
# core/lockout.py also locks a user name after more failures from any addresses.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "core.lockout.UserNameLockoutHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The user name alone: its failures from every address are kept in axes' failure log.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_USERNAME_FAILURE_LIMIT = env.int("AXES_USERNAME_FAILURE_LIMIT", default=20)
AXES_USERNAME_WINDOW = timedelta(minutes=env.int("AXES_USERNAME_WINDOW_MINUTES", default=60))
# Lockouts are still logged; the version banner on every start of every command is not.
AXES_VERBOSE = False
# Readers sign in at /accounts/login/ (when only signed-in users may comment); it sends them
# back to the post they came from, or else home.
LOGIN_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


# --- Security headers and cookies (production.py adds HTTPS-only settings) ---------------
# A strict policy: nothing inline, scripts and styles from this site only (a per-request
# nonce where a template must inline one), avatars from Gravatar, no framing, no plugins.
# Images in posts come from this site or the media origin only: a post's image on another
# site is blocked (an importer copies such images here first).
def content_security_policy(media_url: str, image_origins=()) -> dict:
    """Return the policy for a site whose uploaded images are served from `media_url`.

    `image_origins` are the other sites posts may show images from (IMAGE_REMOTE_ORIGINS).
    """
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF, NONCE],
            "style-src": [SELF, NONCE],
            # Uploaded images: this site, or exactly the media origin (S3, a CDN).
            "img-src": [
                SELF,
                *filter(None, [media_origin(media_url)]),
                *image_origins,
                "https://www.gravatar.com",
                "https://secure.gravatar.com",
                "data:",
            ],
            "font-src": [SELF],
            "connect-src": [SELF],
            "object-src": [NONE],
            "base-uri": [NONE],
            "form-action": [SELF],
            "frame-ancestors": [NONE],
        }
    }


CONTENT_SECURITY_POLICY = content_security_policy(MEDIA_URL, IMAGE_REMOTE_ORIGINS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Editors sign in again after 12 hours rather than Django's two weeks.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"
# Reverse proxies in front of the site that append to X-Forwarded-For (0: none, trust nothing).
TRUSTED_PROXY_HOPS = env.int("TRUSTED_PROXY_HOPS", default=0)
# Days a comment keeps its IP address and user agent (they are sent to Akismet).
COMMENTS_IP_RETENTION_DAYS = env.int("COMMENTS_IP_RETENTION_DAYS", default=60)
# Moderation: days spam and trash wait before the daily purge (comments/workflow/purge.py).
COMMENTS_SPAM_PURGE_DAYS = env.int("COMMENTS_SPAM_PURGE_DAYS", default=15)
COMMENTS_TRASH_PURGE_DAYS = env.int("COMMENTS_TRASH_PURGE_DAYS", default=30)

# The largest WordPress export an editor may upload in the admin ("Import from WordPress").
WORDPRESS_IMPORT_MAX_BYTES = env.int("WORDPRESS_IMPORT_MAX_BYTES", default=64 * 1024 * 1024)
# Minutes without a sign of life from its worker after which a running import is failed.
WORDPRESS_IMPORT_STALE_MINUTES = env.int("WORDPRESS_IMPORT_STALE_MINUTES", default=10)
# The largest uploads folder (zip) an editor may send beside an export, and the most files
# it may hold; unpacked, it may be four times as large (wordpress/uploads.py).
WORDPRESS_UPLOADS_MAX_BYTES = env.int("WORDPRESS_UPLOADS_MAX_BYTES", default=256 * 1024 * 1024)
WORDPRESS_UPLOADS_MAX_FILES = env.int("WORDPRESS_UPLOADS_MAX_FILES", default=20_000)
# Fetching an import's images from the old site (wordpress/fetching.py).
WORDPRESS_FETCH_MAX_FILES = env.int("WORDPRESS_FETCH_MAX_FILES", default=5000)
WORDPRESS_FETCH_TIMEOUT_SECONDS = env.float("WORDPRESS_FETCH_TIMEOUT_SECONDS", default=20.0)
WORDPRESS_FETCH_ALLOW_ADDRESSES = env.list("WORDPRESS_FETCH_ALLOW_ADDRESSES", default=[])

# Background work (spam checks, Akismet reports, purges) goes through Django's Tasks API.
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}
# Run woken background jobs (the spam check) in the web process right after its commit,
# instead of in `run_worker`: for development without a worker, and the tests.
RUN_WOKEN_JOBS_IN_PROCESS = env.bool("RUN_WOKEN_JOBS_IN_PROCESS", default=False)
# How much lower task workers run than requests (nice): background work yields when the cores
# are busy, so readers and commenters are answered first. 0 for the same priority.
TASK_WORKER_NICENESS = env.int("TASK_WORKER_NICENESS", default=15)

# Akismet: without a key, comments are stored and queued unchecked.
AKISMET_API_KEY = env("AKISMET_API_KEY", default="")
AKISMET_API_URL = env("AKISMET_API_URL", default="https://rest.akismet.com").rstrip("/")
AKISMET_TIMEOUT = env.float("AKISMET_TIMEOUT", default=3.0)
AKISMET_TEST_MODE = env.bool("AKISMET_TEST_MODE", default=False)
# Drop comments Akismet calls blatant spam ("discard") instead of keeping them in Spam.
AKISMET_DROP_DISCARD = env.bool("AKISMET_DROP_DISCARD", default=False)

# Comments: the local rules (comments/intake/policy.py) and the comment section's shape.
COMMENTS_FLOOD_SECONDS = env.int("COMMENTS_FLOOD_SECONDS", default=15)
COMMENTS_MIN_FORM_SECONDS = env.int("COMMENTS_MIN_FORM_SECONDS", default=3)
COMMENTS_MAX_FORM_AGE_DAYS = env.int("COMMENTS_MAX_FORM_AGE_DAYS", default=2)
COMMENTS_THREAD_DEPTH = env.int("COMMENTS_THREAD_DEPTH", default=5)
COMMENTS_PER_PAGE = env.int("COMMENTS_PER_PAGE", default=50)
COMMENTS_EDIT_MINUTES = env.int("COMMENTS_EDIT_MINUTES", default=10)

BLOG_POSTS_PER_PAGE = env.int("BLOG_POSTS_PER_PAGE", default=10)
BLOG_FEED_SUMMARIES = env.bool("BLOG_FEED_SUMMARIES", default=False)

# Pages readers without cookies of ours share (core/http_caching.py): how long a proxy or CDN
# may serve one (s-maxage), and how long after that it may serve it while it fetches a new one.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=1)
PAGE_STALE_SECONDS = env.int("PAGE_STALE_SECONDS", default=10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # pgserver narrates every handle it opens and closes.
        "pgserver": {"level": "WARNING"},
        # httpx logs every Akismet request at INFO, naming rest.akismet.com even when
        # AKISMET_API_URL points elsewhere: a line per comment, and CPU spent formatting it.
        # Failures are logged by the spam check itself.
        "httpx": {"level": "WARNING"},
    },
}
