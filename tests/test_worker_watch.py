"""The task workers' watch reads little: the running tasks through their own index."""

import pytest
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db


def test_the_running_tasks_are_found_through_an_index_not_the_whole_queue():
    with transaction.atomic(), connection.cursor() as cursor:
        # The planner would read a table this small whole; the question is whether it can not.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = DBTaskResult.objects.running().values_list("pk", "worker_ids").explain()

    assert "core_running_tasks_idx" in plan, plan
