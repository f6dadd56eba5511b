"""One home for what tunes the comments: read here, and only here.

- What the environment sets (`COMMENTS_*`, read once through django-environ in
  config/settings/base.py and documented in .env.example): read at call time, so a test's
  or an operator's override holds.
- What editors set (the Discussion settings row, `comments.rules.discussion.DiscussionSettings`):
  `discussion()`, at most one read per request.
- The fixed figures of the comments' outbox rows: how long each keeps trying.
"""

from datetime import timedelta

from django.conf import settings

from core.outbox import Retry


def discussion():
    """Return the editors' discussion settings, read at most once per request."""
    # Imported here: the settings row's defaults are read from this module.
    from comments.rules.discussion import current

    return current()


def ip_retention_days() -> int:
    """Return how many days a comment keeps its IP address and user agent."""
    return settings.COMMENTS_IP_RETENTION_DAYS


def spam_purge_days() -> int:
    """Return how many days spam waits before it is deleted for good."""
    return settings.COMMENTS_SPAM_PURGE_DAYS


def trash_purge_days() -> int:
    """Return how many days trash waits before it is deleted for good."""
    return settings.COMMENTS_TRASH_PURGE_DAYS


def flood_seconds() -> int:
    """Return how many seconds one sender waits between two comments."""
    return settings.COMMENTS_FLOOD_SECONDS


def min_form_seconds() -> int:
    """Return how many seconds a form must be open before a comment from it counts."""
    return settings.COMMENTS_MIN_FORM_SECONDS


def max_form_age_days() -> int:
    """Return how many days a comment form stays good for."""
    return settings.COMMENTS_MAX_FORM_AGE_DAYS


def default_thread_depth() -> int:
    """Return the thread depth when the discussion settings leave it unset."""
    return settings.COMMENTS_THREAD_DEPTH


def default_per_page() -> int:
    """Return the comments per page when the discussion settings leave it unset."""
    return settings.COMMENTS_PER_PAGE


def edit_minutes() -> int:
    """Return how many minutes a reader may edit their own comment."""
    return settings.COMMENTS_EDIT_MINUTES


def drop_discard() -> bool:
    """Return whether a comment Akismet calls blatant spam is deleted rather than kept as spam."""
    return settings.AKISMET_DROP_DISCARD


# The spam check: WordPress retries every 20 minutes and gives up after 15 days; we start
# sooner (1, 2, 4 … minutes) and back off. An unexpected error (a bug, not an answer from
# Akismet) is tried at most three times, then the comment waits for an editor.
CHECK_RETRY = Retry(cap=timedelta(minutes=20))
CHECK_GIVE_UP_AFTER = timedelta(days=15)
CHECK_MAX_UNEXPECTED_FAILURES = 3
# Comments one checker claims at once: Akismet is asked about them side by side. What a batch
# costs besides its comments (the claim, the reads and writes of its outcomes) is shared by
# more of them in a wave: 64 cost a checker 1.2-1.3 ms of CPU a comment against 1.3-1.55 at
# 32, in-process (issue 26).
CHECK_BATCH = 64
# An editor's selection bigger than this is moved or deleted by the task worker, so that no
# admin request runs into the web server's timeout (about 10,000 comments a second here).
BACKGROUND_OVER = 20_000

# The editors' email and their chat's message: every 1, 2, 4 … minutes, at most 2 hours apart.
MODERATOR_NOTICE_RETRY = Retry(cap=timedelta(hours=2))
WEBHOOK_RETRY = Retry(cap=timedelta(hours=2))
WEBHOOK_TIMEOUT_SECONDS = 5.0
# Akismet's spam/ham reports: at most 12 hours apart, ten tries; an hour while no key is set.
REPORT_RETRY = Retry(cap=timedelta(hours=12), max_attempts=10)
REPORT_UNCONFIGURED_WAIT = timedelta(hours=1)
