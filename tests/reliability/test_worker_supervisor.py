"""`make run`'s task workers come back by themselves when one exits.

`manage.py run_worker --processes 2`, as `make run` starts it, on the test database; one of
its workers is SIGKILLed, as the out-of-memory killer would.
"""

import os
import signal
from pathlib import Path

import pytest
from django.db import connection

from devstack.stack import PYTHON, children, database_url_for, spawn, stack_env
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_task_worker_that_dies_is_started_again_and_all_stop_together():
    env = stack_env(database_url_for(connection))
    command = [str(PYTHON), "manage.py", "run_worker", "--processes", "2", "--interval", "0.2"]
    supervisor = spawn("run_worker", command, env)
    try:

        def two_workers():
            """the supervisor to run two workers"""
            found = children(supervisor.pid)
            return found if len(found) == 2 else None

        first = wait_for(two_workers, timeout=60)
        os.kill(first[0], signal.SIGKILL)

        def replaced():
            """a new worker in the killed one's place"""
            found = children(supervisor.pid)
            return found if len(found) == 2 and first[0] not in found else None

        now = wait_for(replaced, timeout=60)
        assert first[1] in now, "the other worker was restarted too"
        assert supervisor.alive()
    finally:
        supervisor.stop()
    assert supervisor.popen.returncode == 0, supervisor.log()[-2000:]
    assert not [pid for pid in now if Path(f"/proc/{pid}").exists()], "a worker outlived it"
