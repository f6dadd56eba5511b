"""An idle task worker does not poll the task queue, and a queued task wakes it at once.

A real `manage.py run_worker` process runs on the test database with a 30-second net between
its looks at the queue, as a site runs it; the test process queues the task, as an editor's
import does from a request.
"""

import pytest
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.workers import TASKS_CHANNEL
from devstack.stack import db_worker
from subscriptions.deliveries import prune_subscriptions
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

NET = 30.0


def waiting_for_tasks() -> bool:
    """the worker's task runner to wait for a queued task"""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE query = %s AND state = 'idle'",
            [f'LISTEN "{TASKS_CHANNEL}"'],
        )
        return cursor.fetchone()[0] > 0


def test_a_task_queued_while_the_workers_idle_runs_at_once(env, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with db_worker(env, interval=NET):
        wait_for(waiting_for_tasks, timeout=60)
        # Its first look (and the maintenance it queued at start) is done: it sleeps now.
        wait_for(lambda: not DBTaskResult.objects.ready().exists(), what="the queue to empty")

        queued = prune_subscriptions.enqueue()

        def done():
            """the queued task to run"""
            return DBTaskResult.objects.filter(
                pk=queued.id, status=TaskResultStatus.SUCCESSFUL
            ).exists()

        # Well within the net between looks: only the notification can have woken it.
        wait_for(done, timeout=NET / 6)
