"""Settings for the test suite: real PostgreSQL, synchronous tasks, fast hashing."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend")
    }
}
# A comment is checked by the time its POST returns (`core.workers.wake`).
RUN_WOKEN_JOBS_IN_PROCESS = True
STORAGES = {
    "default": STORAGES["default"],  # noqa: F405 (the media storage the environment chose)
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AKISMET_API_KEY = ""
