"""Settings for `make run`: production-like (DEBUG off, whitenoise), on plain HTTP at localhost."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY

if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY is not set: `make run` writes one into .env.")
