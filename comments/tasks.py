"""Every background task of the comments app, and its share of the recurring schedule.

The work itself lives in the modules named in each task; here it is queued and retried.
`run_or_hand_off` decides, once, whether an editor's selection runs in the request or in the
worker. `MAINTENANCE` says how often each housekeeping task runs; `core.recurring` runs them.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import ngettext
from django_tasks import task

from comments.rules import conf
from comments.spam import checker
from comments.workflow import moves, purge, tally
from comments.workflow import personal_data as privacy
from comments.workflow import writer as workflow


def run_or_hand_off(job, ids: list[int], *args) -> int | None:
    """Run `job(ids, *args)` now, or queue it after commit when the selection is big (None)."""
    if len(ids) > conf.BACKGROUND_OVER:
        transaction.on_commit(lambda: job.enqueue(ids, *args))
        return None
    return job.call(ids, *args)


def background_message(working: str, n: int) -> str:
    return ngettext(
        "%(working)s %(n)d comment in the background; reload the page to follow along.",
        "%(working)s %(n)d comments in the background; reload the page to follow along.",
        n,
    ) % {"working": working, "n": n}


def _user(user_id: int | None):
    return get_user_model().objects.filter(pk=user_id).first()


# An editor's work -------------------------------------------------------------------------


@task()
def apply_move(ids: list[int], move_name: str, actor_id: int | None) -> int:
    """Apply an editor's move to a selection (`comments.workflow.writer`)."""
    return workflow.apply_move(ids, moves.MOVES[move_name], _user(actor_id)).changed


@task()
def delete_permanently(ids: list[int], actor_id: int | None) -> int:
    """Delete an editor's selection of spam and trash (`comments.workflow.purge`)."""
    return purge.delete_permanently(ids, _user(actor_id))


@task()
def empty_folder(ids: list[int], status: str, actor_id: int | None) -> int:
    """Delete the comments an editor saw in the spam or trash folder (`comments.workflow.purge`)."""
    return purge.empty_folder(status, ids, _user(actor_id))


# The spam check -----------------------------------------------------------------------------
# Checks are not queued as tasks: the comment row is the queue entry, and each task worker
# drains the due ones when woken (`comments.spam.checker`, registered with `core.workers`).


@task()
def check_comment(comment_id: int, recheck_reason: str = "") -> str:
    """Check one comment now, if its check is due or `recheck_reason` asks
    (`comments.spam.checker`)."""
    return checker.check_one(comment_id, recheck_reason)


@task()
def recheck_overdue(limit: int = 500) -> int:
    """Check every comment whose check is due: the net under the woken checkers."""
    return checker.drain(limit)


# Housekeeping ---------------------------------------------------------------------------------


@task()
def purge_comments() -> dict:
    """Purge old spam and trash (the scheduled version of `manage.py purge_comments`)."""
    spam, trash = purge.purge_old_comments()
    return {"spam": spam, "trash": trash}


@task()
def anonymise_old_comments() -> int:
    """Apply the IP retention period (`comments.workflow.personal_data`)."""
    return privacy.anonymise_old_comments()


@task()
def compact_daily_counts() -> int:
    """Fold the dashboard's ledger of daily counts into one row per bucket
    (`comments.workflow.tally`)."""
    return tally.compact()


# The comments app's share of the recurring schedule (`core.recurring`, which runs it): each
# task and how often. CommentsConfig.ready() puts them on it.
MAINTENANCE = {
    purge_comments: timedelta(days=1),
    recheck_overdue: timedelta(minutes=10),
    anonymise_old_comments: timedelta(days=1),
    compact_daily_counts: timedelta(minutes=10),
}
