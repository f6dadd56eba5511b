"""The recurring schedule: which background tasks run every so often, and how often.

django-tasks has no cron. Each app puts its tasks on the schedule from its AppConfig.ready()
(`add_recurring`). The clock decides when each runs: a `RecurringTask` row holds its next
time, and every task worker (`core.workers`) looks every 15 seconds for the rows whose time
has come (`queue_due`), claims them with `SELECT … FOR UPDATE SKIP LOCKED`, queues each task
once and moves its time on, in one transaction. A run missed while no worker was up happens
at the next chance, once; a worker killed in a run loses nothing (its task is given back to
the queue, `core.workers`), and the next run is already on the clock.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import RecurringTask

# Each recurring task, and how often it runs.
RECURRING = {}
_BY_PATH = {}
# Tasks an older release queued that no longer exist: the runners of the queue-driven
# schedule this one replaced, the senders the outbox replaced, and the outbox's own tasks
# before it was woken (`core.outbox` sends what they carried: the rows are the queue).
_FORMER_PATHS = (
    "core.recurring.run_recurring",
    "comments.tasks.run_recurring",
    "comments.tasks.send_akismet_reports",
    "comments.tasks.queue_rechecks",
    "subscriptions.outbox.send_delivery",
    "subscriptions.outbox.send_due_deliveries",
    "core.outbox.deliver",
    "core.outbox.deliver_all",
    "core.outbox.send_due",
)


def add_recurring(recurring, every: timedelta) -> None:
    """Put a task on the recurring schedule."""
    RECURRING[recurring] = every
    _BY_PATH[recurring.module_path] = recurring


def queue_due(now=None) -> list[str]:
    """Queue each recurring task whose time has come, once, and set its next time."""
    now = now or timezone.now()
    queued = []
    with transaction.atomic():
        # Another worker queueing the same rows skips them: each run is queued once.
        due = RecurringTask.objects.select_for_update(skip_locked=True).filter(
            path__in=list(_BY_PATH), next_run_at__lte=now
        )
        for row in due:
            recurring = _BY_PATH[row.path]
            recurring.enqueue()
            row.next_run_at = now + RECURRING[recurring]
            row.save(update_fields=["next_run_at"])
            queued.append(row.path)
    return queued


def schedule_maintenance() -> list[str]:
    """Put each recurring task on the clock, due at once if it is new; say what was done."""
    # Runs an older release queued (under names no longer used) would fail in the worker.
    DBTaskResult.objects.filter(task_path__in=_FORMER_PATHS, status=TaskResultStatus.READY).delete()
    known = set(RecurringTask.objects.values_list("path", flat=True))
    RecurringTask.objects.exclude(path__in=list(_BY_PATH)).delete()
    RecurringTask.objects.bulk_create(
        [RecurringTask(path=path, next_run_at=timezone.now()) for path in _BY_PATH],
        ignore_conflicts=True,
    )
    return [
        f"{recurring.module_path}: "
        + ("already scheduled" if recurring.module_path in known else f"every {every}")
        for recurring, every in RECURRING.items()
    ]
