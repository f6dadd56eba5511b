import itertools
import logging
import os
import signal
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connections
from django_tasks.base import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks_db.management.commands.db_worker import Worker

from core import workers

logger = logging.getLogger("core.workers")

# Seconds between tries to reach the database again after it went away: 1, 2, 4 … 30.
RECONNECT_CAP = 30.0


class Command(BaseCommand):
    help = (
        "Run a task worker (django-tasks-db's db_worker, woken when a task is queued) that "
        "outlives database restarts, "
        "gives back the tasks dead workers left running and runs the recurring schedule."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=30.0,
            help="Seconds between looks at an empty queue when no queued task wakes the "
            "worker (default: %(default)s).",
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=None,
            help="Run this many workers, each in its own process, and start another whenever "
            "one exits (default: one worker, in this process).",
        )

    def handle(self, *args, interval, processes, **options):
        if processes is not None:
            command = [sys.executable, sys.argv[0], "run_worker", "--interval", str(interval)]
            workers.supervise(command, processes)
            return
        if settings.TASK_WORKER_NICENESS:
            # Background work yields to requests when the cores are busy (readers first).
            os.nice(settings.TASK_WORKER_NICENESS)
        process = workers.process_name()
        watch = workers.Watch(process)
        watch.start()
        watch.ready.wait(timeout=workers.WATCH_EVERY)
        waker = workers.Waker(workers.WOKEN)
        if workers.WOKEN:
            waker.start()
        # SIGTERM ends the process through `finally` (db_worker's handler does the same).
        signal.signal(signal.SIGTERM, _exit)
        try:
            self._run_tasks(process, interval)
        finally:
            waker.stop()

    def _run_tasks(self, process: str, interval: float) -> None:
        for run in itertools.count(1):
            worker = workers.worker_id(process, run)
            try:
                workers.serve_tasks(lambda worker=worker: _run_ready(worker), interval=interval)
                return
            except workers.DATABASE_ERRORS as error:
                logger.warning("Task worker %s: the database went away (%s)", worker, error)
            self._give_back_when_back(worker)

    def _give_back_when_back(self, worker: str) -> None:
        """Wait for the database, then put the task the ended run was running back in line."""
        for attempt in itertools.count():
            time.sleep(min(2.0**attempt, RECONNECT_CAP))
            try:
                connections.close_all()
                given_back = workers.give_back_own(worker)
            except workers.DATABASE_ERRORS:
                continue
            logger.warning("Task worker: the database is back; %d task(s) given back", given_back)
            return


def _exit(signum, frame):
    sys.exit(0)


def _run_ready(worker_id: str) -> None:
    """Run the ready tasks one by one with django-tasks-db's worker, then return."""
    worker = Worker(
        queue_names=[DEFAULT_TASK_QUEUE_NAME],
        interval=0,
        batch=True,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    # Its handler ends the process on SIGTERM, or after the task it is running.
    worker.configure_signals()
    worker.run()
    if not worker.running:
        sys.exit(0)  # SIGTERM came during a task, which has ended
