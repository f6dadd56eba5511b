"""Settings for `make run`: production-like (DEBUG off, whitenoise), on plain HTTP at localhost."""

import logging
import sys

from .base import *  # noqa: F403
from .base import LOGGING, SECRET_KEY

if not SECRET_KEY:
    # One line a person can act on, not a traceback through the settings loader.
    sys.exit("SECRET_KEY is not set: `make run` writes one into .env (or set it yourself).")


def _worth_showing(record: logging.LogRecord) -> bool:
    """Keep the task workers' warnings and errors, not two lines for every task they run."""
    return record.levelno >= logging.WARNING or not record.name.startswith("django_tasks")


LOGGING = {
    **LOGGING,
    "filters": {
        "worth_showing": {"()": "django.utils.log.CallbackFilter", "callback": _worth_showing}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["worth_showing"]}},
}
