"""Recurring maintenance keeps exactly one future run of each task queued."""

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from comments import tasks
from core import recurring

pytestmark = pytest.mark.django_db
PURGE = tasks.purge_comments.module_path


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def queued_paths():
    return sorted(
        r.args_kwargs["args"][0]
        for r in DBTaskResult.objects.filter(task_path__endswith="run_recurring", status="READY")
    )


def recurring_paths():
    return sorted(task.module_path for task in recurring.RECURRING)


def test_schedule_maintenance_queues_each_recurring_task_once(database_queue, capsys):
    call_command("schedule_maintenance")
    call_command("schedule_maintenance", verbosity=2)

    assert queued_paths() == recurring_paths()
    assert PURGE in queued_paths()
    assert "already queued" in capsys.readouterr().out


def test_schedule_maintenance_removes_duplicate_runs(database_queue):
    for _ in range(3):
        recurring.run_recurring.enqueue(PURGE)

    recurring.schedule_maintenance()

    assert queued_paths().count(PURGE) == 1


def test_a_recurring_run_queues_its_next_run(database_queue):
    recurring.run_recurring.call(PURGE)

    (next_run,) = DBTaskResult.objects.filter(task_path__endswith="run_recurring")
    assert next_run.args_kwargs["args"] == [PURGE]
    assert (next_run.run_after - next_run.enqueued_at).total_seconds() > 23 * 3600


def test_without_a_scheduling_backend_nothing_is_queued(capsys):
    call_command("schedule_maintenance")

    assert "cannot schedule" in capsys.readouterr().out


def test_runs_queued_by_an_older_release_under_other_names_are_removed(database_queue):
    recurring.run_recurring.enqueue("comments.moderation.purge_comments_task")

    recurring.schedule_maintenance()

    assert queued_paths() == recurring_paths()


def test_runs_queued_before_the_scheduler_moved_to_core_are_replaced(database_queue):
    recurring.run_recurring.enqueue(PURGE)
    # What an older release queued: the same run, under the scheduler's former address.
    DBTaskResult.objects.update(task_path="comments.tasks.run_recurring")

    recurring.schedule_maintenance()

    assert not DBTaskResult.objects.filter(task_path="comments.tasks.run_recurring").exists()
    assert queued_paths() == recurring_paths()


@pytest.mark.parametrize(
    "former",
    [
        "comments.tasks.send_akismet_reports",
        "subscriptions.outbox.send_delivery",
        "subscriptions.outbox.send_due_deliveries",
    ],
)
def test_senders_an_older_release_queued_are_removed_for_the_outbox_to_send(database_queue, former):
    # Left in the queue, the worker would fail on each: the outbox's sweep sends their messages.
    recurring.run_recurring.enqueue(PURGE)
    DBTaskResult.objects.update(task_path=former)

    recurring.schedule_maintenance()

    assert not DBTaskResult.objects.filter(task_path=former).exists()
    assert queued_paths() == recurring_paths()
