"""The recurring schedule: which background tasks run every so often, and how often.

django-tasks has no cron. Each app puts its tasks on the schedule from its AppConfig.ready()
(`add_recurring`); `schedule_maintenance()` (`manage.py schedule_maintenance`, run on every
start) keeps exactly one future run of each queued, and each run queues the next when it
finishes.
"""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

# Each recurring task, and how often it runs.
RECURRING = {}
_BY_PATH = {}
_READY = TaskResultStatus.READY
# Tasks an older release queued that no longer exist: run_recurring before it moved here, and
# the senders the outbox replaced (`core.outbox`, whose sweep sends what they carried).
_FORMER_PATHS = (
    "comments.tasks.run_recurring",
    "comments.tasks.send_akismet_reports",
    "subscriptions.outbox.send_delivery",
    "subscriptions.outbox.send_due_deliveries",
)


def add_recurring(recurring, every: timedelta) -> None:
    """Put a task on the recurring schedule."""
    RECURRING[recurring] = every
    _BY_PATH[recurring.module_path] = recurring


@task()
def run_recurring(path: str) -> object:
    """Run one recurring task now, then queue its next run."""
    recurring = _BY_PATH[path]
    try:
        return recurring.call()
    finally:
        if not queued_runs(run_recurring, path).exists():
            enqueue_later(run_recurring, RECURRING[recurring], path)


def enqueue_later(task_to_run, delay: timedelta, *args) -> bool:
    """Queue a task to run after `delay`, if the backend can defer (tests run tasks at once)."""
    if not task_to_run.get_backend().supports_defer:
        return False
    task_to_run.using(run_after=timezone.now() + delay).enqueue(*args)
    return True


def queued_runs(task_to_run, *args):
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
    DBTaskResult.objects.filter(task_path__in=_FORMER_PATHS, status=_READY).delete()
    DBTaskResult.objects.filter(task_path=run_recurring.module_path, status=_READY).exclude(
        args_kwargs__args__0__in=list(_BY_PATH)
    ).delete()
    done = []
    for recurring, every in RECURRING.items():
        runs = queued_runs(run_recurring, recurring.module_path)
        pks = list(runs.order_by("run_after").values_list("pk", flat=True))
        if pks:
            # Keep the earliest run; extra ones would make the task run twice as often.
            runs.filter(pk__in=pks[1:]).delete()
            done.append(f"{recurring.module_path}: already queued")
        else:
            enqueue_later(run_recurring, min(every, timedelta(minutes=1)), recurring.module_path)
            done.append(f"{recurring.module_path}: queued, then every {every}")
    return done
