"""Settings for the real gunicorn servers and workers that reliability tests start.

`config.settings.local` as `make run` uses it (everything from the environment), except
that static files are served from the apps without `collectstatic`, and hashing is fast.
"""

from config.settings.local import *  # noqa: F403

STORAGES = {
    "default": STORAGES["default"],  # noqa: F405 (the media storage the environment chose)
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
