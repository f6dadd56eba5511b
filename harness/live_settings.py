"""Settings for the real gunicorn servers and workers that reliability tests start.

`config.settings.local` as `make run` uses it (everything from the environment), except
that static files are served from the apps without `collectstatic`, and hashing is fast.
"""

from config.settings.local import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
