"""Recurring maintenance runs by the clock: each task once per period, a missed run at once."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments import tasks
from core import recurring
from core.models import RecurringTask

pytestmark = pytest.mark.django_db
PURGE = tasks.purge_comments.module_path


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def queued_paths():
    return sorted(DBTaskResult.objects.filter(status="READY").values_list("task_path", flat=True))


def recurring_paths():
    return sorted(task.module_path for task in recurring.RECURRING)


def test_schedule_maintenance_puts_each_recurring_task_on_the_clock_once(capsys):
    call_command("schedule_maintenance")
    call_command("schedule_maintenance", verbosity=2)

    assert sorted(RecurringTask.objects.values_list("path", flat=True)) == recurring_paths()
    assert PURGE in recurring_paths()
    assert "already scheduled" in capsys.readouterr().out


def test_each_due_task_is_queued_once_and_its_next_run_comes_from_the_clock(database_queue):
    recurring.schedule_maintenance()
    now = timezone.now()

    assert sorted(recurring.queue_due(now)) == recurring_paths()
    assert recurring.queue_due(now) == []

    assert queued_paths() == recurring_paths()
    purge = RecurringTask.objects.get(path=PURGE)
    assert purge.next_run_at == now + timedelta(days=1)


def test_a_run_missed_while_no_worker_was_up_happens_once_at_the_next_chance(database_queue):
    recurring.schedule_maintenance()
    RecurringTask.objects.update(next_run_at=timezone.now() - timedelta(days=3))

    recurring.queue_due()
    recurring.queue_due()

    assert queued_paths() == recurring_paths()
    assert RecurringTask.objects.filter(next_run_at__lte=timezone.now()).count() == 0


def test_a_task_taken_off_the_schedule_leaves_it():
    RecurringTask.objects.create(
        path="comments.tasks.no_longer_recurring", next_run_at=timezone.now()
    )

    recurring.schedule_maintenance()

    assert not RecurringTask.objects.filter(path="comments.tasks.no_longer_recurring").exists()


@pytest.mark.parametrize(
    "former",
    [
        "core.recurring.run_recurring",
        "comments.tasks.run_recurring",
        "comments.tasks.send_akismet_reports",
        "subscriptions.outbox.send_delivery",
        "subscriptions.outbox.send_due_deliveries",
    ],
)
def test_runs_an_older_release_queued_under_former_names_are_removed(database_queue, former):
    # Left in the queue, the worker would fail on each: the clock and the outbox's sweep
    # do what they carried.
    tasks.purge_comments.enqueue()
    DBTaskResult.objects.update(task_path=former)

    recurring.schedule_maintenance()

    assert not DBTaskResult.objects.filter(task_path=former).exists()
