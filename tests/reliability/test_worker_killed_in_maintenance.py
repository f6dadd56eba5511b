"""A task worker SIGKILLed in the middle of a recurring task stops no maintenance.

Real `manage.py run_worker` processes run on the test database. Nobody runs
`schedule_maintenance`: the workers put the recurring tasks on the clock themselves. The
maintenance is held in a run by a table lock taken here, and the worker is killed there, as
the out-of-memory killer or a container stop past its grace period would.
"""

from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core import recurring
from core.models import RecurringTask
from devstack.stack import database_url_for, db_worker, stack_env, start_db_worker
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

# What the issue names: IP retention, the purges, overdue checks (the outbox, which the
# issue also names, is woken when due: `core.outbox`).
MAINTENANCE = {
    "comments.tasks.anonymise_old_comments",
    "comments.tasks.purge_comments",
    "comments.tasks.recheck_overdue",
}


def successful_runs(path: str, since) -> int:
    return DBTaskResult.objects.filter(
        task_path=path, status=TaskResultStatus.SUCCESSFUL, finished_at__gte=since
    ).count()


def test_a_worker_killed_in_a_recurring_task_stops_no_maintenance(tmp_path):
    assert {task.module_path for task in recurring.RECURRING} >= MAINTENANCE
    env = stack_env(database_url_for(connection), CACHE_URL=f"filecache://{tmp_path / 'cache'}")
    settings = connection.settings_dict
    blocker = psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"] or "postgres",
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    )
    # Every comment-maintaining task waits on this lock, in the middle of its run.
    blocker.execute("LOCK TABLE comments_comment IN ACCESS EXCLUSIVE MODE")
    started_at = timezone.now()
    worker = start_db_worker(env)
    try:

        def stuck_in_maintenance():
            """the worker to be inside a recurring task, waiting on the lock"""
            # A RUNNING row alone is not enough: a task that does not touch the locked table
            # (one of another app's) can finish between this check and the kill.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                    [blocker.info.backend_pid],
                )
                (waiting,) = cursor.fetchone()
            if not waiting:
                return None
            return DBTaskResult.objects.filter(
                status=TaskResultStatus.RUNNING, task_path__in=MAINTENANCE
            ).first()

        killed_run = wait_for(stuck_in_maintenance, timeout=60)
        worker.kill()
    finally:
        worker.stop()
        blocker.rollback()
        blocker.close()
    killed_at = timezone.now()
    assert DBTaskResult.objects.get(pk=killed_run.pk).status == TaskResultStatus.RUNNING

    with db_worker(env):

        def killed_run_done():
            """the run the killed worker left to be run again, to its end"""
            return DBTaskResult.objects.filter(
                pk=killed_run.pk, status=TaskResultStatus.SUCCESSFUL
            ).exists()

        wait_for(killed_run_done, timeout=60)
        for path in MAINTENANCE:
            wait_for(lambda path=path: successful_runs(path, started_at), what=f"{path} to run")

        # The clock, not a queued run, says when each runs next: all are on it.
        schedule = dict(RecurringTask.objects.values_list("path", "next_run_at"))
        assert set(schedule) >= MAINTENANCE
        assert all(when > killed_at for when in schedule.values())

        # Their time comes (a day passes): each runs again, once.
        ran_at = timezone.now()
        RecurringTask.objects.update(next_run_at=ran_at - timedelta(seconds=1))
        for path in MAINTENANCE:
            wait_for(lambda path=path: successful_runs(path, ran_at), what=f"{path} to run again")

    for path in MAINTENANCE:
        assert successful_runs(path, ran_at) == 1, path
