"""Every background task of the comments app, and the recurring schedule.

The work itself lives in the modules named in each task; here it is queued, retried and
scheduled. `run_or_hand_off` decides, once, whether an editor's selection runs in the request
or in the worker. django-tasks has no cron: `schedule_maintenance()` keeps exactly one future
run of each `RECURRING` task queued, and each run queues the next when it finishes.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import ngettext
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from . import moves, privacy, purge, reports, signals, spamcheck, tally, workflow
from .models import Comment

# Bigger jobs go to the task worker, so that no admin request runs into the web server's
# timeout (a batch of moves runs at about 10,000 comments a second here).
BACKGROUND_OVER = 20_000


def run_or_hand_off(job, ids: list[int], *args) -> int | None:
    """Run `job(ids, *args)` now, or queue it after commit when the selection is big (None)."""
    if len(ids) > BACKGROUND_OVER:
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
    """Apply an editor's move to a selection (`comments.workflow`)."""
    return workflow.apply_move(ids, moves.MOVES[move_name], _user(actor_id)).changed


@task()
def delete_permanently(ids: list[int], actor_id: int | None) -> int:
    """Delete an editor's selection of spam and trash (`comments.purge`)."""
    return purge.delete_permanently(ids, _user(actor_id))


@task()
def empty_folder(ids: list[int], status: str, actor_id: int | None) -> int:
    """Delete the comments an editor saw in the spam or trash folder (`comments.purge`)."""
    return purge.empty_folder(status, ids, _user(actor_id))


# The spam check -----------------------------------------------------------------------------


@task()
def check_comment(comment_id: int, recheck_reason: str = "") -> str:
    """Ask Akismet about a stored comment (`comments.spamcheck`); schedule a retry if due."""
    result = spamcheck.check(comment_id, recheck_reason)
    if result.retry_at is not None and check_comment.get_backend().supports_defer:
        # Backends without deferred tasks (the test suite's) leave it to recheck_overdue.
        when = result.retry_at
        transaction.on_commit(
            lambda: check_comment.using(run_after=when).enqueue(comment_id), robust=True
        )
    return result.outcome


@task()
def queue_rechecks(ids: list[int], reason: str) -> int:
    """Queue one spam check per comment (their own retries and backoff apply)."""
    for pk in ids:
        check_comment.enqueue(pk, recheck_reason=reason)
    return len(ids)


@receiver(signals.checks_requested)
def _queue_rechecks(sender, ids, reason, **kwargs):
    # One task fans out into one check per comment, so the request stays short.
    queue_rechecks.enqueue(ids, reason)


@task()
def recheck_overdue(limit: int = 500) -> int:
    """Queue a check for every comment whose check is overdue: lost tasks are harmless."""
    overdue = (
        Comment.objects.awaiting_check()
        .filter(Q(next_check_at__lte=timezone.now()) | Q(next_check_at__isnull=True))
        .order_by("next_check_at")
        .values_list("pk", flat=True)[:limit]
    )
    ids = list(overdue)
    for comment_id in ids:
        check_comment.enqueue(comment_id)
    return len(ids)


# Reports to Akismet -------------------------------------------------------------------------


@task()
def send_akismet_reports() -> dict:
    """Send every queued or failed spam/ham report; retry the failures later with backoff."""
    done = reports.send_reports()
    delay = done.retry_after()
    if delay is not None and not _queued(send_akismet_reports).exists():
        _enqueue_later(send_akismet_reports, delay)
    result = {"sent": done.sent, "failed": done.failed}
    return {**result, "skipped": done.skipped} if done.skipped else result


@receiver(signals.reports_queued)
def _send_reports(sender, **kwargs):
    send_akismet_reports.enqueue()


# Housekeeping ---------------------------------------------------------------------------------


@task()
def purge_comments() -> dict:
    """Purge old spam and trash (the scheduled version of `manage.py purge_comments`)."""
    spam, trash = purge.purge_old_comments()
    return {"spam": spam, "trash": trash}


@task()
def anonymise_old_comments() -> int:
    """Apply the IP retention period (`comments.privacy`)."""
    return privacy.anonymise_old_comments()


@task()
def compact_daily_counts() -> int:
    """Fold the dashboard's ledger of daily counts into one row per bucket (`comments.tally`)."""
    return tally.compact()


# The recurring schedule: each task and how often it runs. Other apps add theirs from their
# AppConfig.ready() with `add_recurring` (the subscriptions app's outbox does).
RECURRING = {
    purge_comments: timedelta(days=1),
    recheck_overdue: timedelta(minutes=10),
    send_akismet_reports: timedelta(hours=1),
    anonymise_old_comments: timedelta(days=1),
    compact_daily_counts: timedelta(minutes=10),
}
_READY = TaskResultStatus.READY
_BY_PATH = {recurring.module_path: recurring for recurring in RECURRING}


def add_recurring(recurring, every: timedelta) -> None:
    """Put another app's task on the recurring schedule."""
    RECURRING[recurring] = every
    _BY_PATH[recurring.module_path] = recurring


@task()
def run_recurring(path: str) -> object:
    """Run one recurring task now, then queue its next run."""
    recurring = _BY_PATH[path]
    try:
        return recurring.call()
    finally:
        if not _queued(run_recurring, path).exists():
            _enqueue_later(run_recurring, RECURRING[recurring], path)


def _enqueue_later(task_to_run, delay: timedelta, *args) -> bool:
    """Queue a task to run after `delay`, if the backend can defer (tests run tasks at once)."""
    if not task_to_run.get_backend().supports_defer:
        return False
    task_to_run.using(run_after=timezone.now() + delay).enqueue(*args)
    return True


def _queued(task_to_run, *args):
    """Runs of a task with these arguments waiting in the database queue (none elsewhere)."""
    if not task_to_run.get_backend().supports_defer:
        return DBTaskResult.objects.none()
    return DBTaskResult.objects.filter(
        task_path=task_to_run.module_path, status=_READY, args_kwargs__args=list(args)
    )


def schedule_maintenance() -> list[str]:
    """Make sure each recurring task has exactly one future run queued; say what was done."""
    backend = run_recurring.get_backend()
    if not backend.supports_defer:
        return [f"The {backend.alias} task backend cannot schedule; nothing queued."]
    # Runs queued under names no longer on the schedule (an older release's) would fail.
    DBTaskResult.objects.filter(task_path=run_recurring.module_path, status=_READY).exclude(
        args_kwargs__args__0__in=list(_BY_PATH)
    ).delete()
    done = []
    for recurring, every in RECURRING.items():
        queued = _queued(run_recurring, recurring.module_path)
        pks = list(queued.order_by("run_after").values_list("pk", flat=True))
        if pks:
            # Keep the earliest run; extra ones would make the task run twice as often.
            queued.filter(pk__in=pks[1:]).delete()
            done.append(f"{recurring.module_path}: already queued")
        else:
            _enqueue_later(run_recurring, min(every, timedelta(minutes=1)), recurring.module_path)
            done.append(f"{recurring.module_path}: queued, then every {every}")
    return done
