"""Task workers that heal: a database restart, a crash or a kill stops no work for good.

`manage.py run_worker` runs django-tasks-db's `db_worker` (in batch mode: what is ready, then
it returns) when a task is ready: a queued task row wakes it (`announce_task` sends
`pg_notify` at the enqueue's commit; `serve_tasks` LISTENs on a connection of its own), and it
looks at least every `--interval` as a net, so an idle worker does not poll. It runs it again
when a database error ends it (PostgreSQL restarting). Beside it, a watch thread, every
`WATCH_EVERY`:

- holds a PostgreSQL advisory lock named after its process for as long as the process lives:
  the lock goes with a dead worker's connection, so any worker can tell a live one from a
  dead one with no heartbeat clock or timeout to guess;
- gives back to the queue the tasks a dead worker left running (`retry_orphans`), each at
  most `MAX_CLAIMS` times in all (a task that kills its worker every time then fails);
- queues the recurring tasks whose time has come (`core.recurring.queue_due`).

Beside them, a waker thread runs the woken jobs the apps register (`add_woken`: the spam
check, the outbox): it LISTENs on each job's PostgreSQL channel on its own connection and
runs the job when a transaction that called `wake` commits, or when the job's next item is
due (a retry, an expired claim), and at least every `IDLE_LOOK` as a net; a notification
runs only the jobs of its channel. An idle worker sends no query in between. Only
`LISTENING_WORKERS` listen at once (an advisory lock each); the others wait on the lock,
idle, and take over when a listener dies. With `RUN_WOKEN_JOBS_IN_PROCESS` (development,
tests) `wake` runs the job in the process that committed instead.

`manage.py run_worker --processes N` (`make run`) runs N such workers and starts another
whenever one exits (`supervise`): a crash or an out-of-memory kill costs a second's work.

Every task is safe to run again: each claims its work in one UPDATE (`core.outbox`,
`comments.spam.checker`) or applies its answer only if nothing changed.
"""

import contextlib
import hashlib
import logging
import os
import random
import select
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import psycopg
from django.conf import settings
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    InterfaceError,
    connection,
    connections,
    transaction,
)
from django.db.models import Case, F, Min, Value, When
from django.utils import timezone
from django_tasks.base import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from . import recurring

logger = logging.getLogger(__name__)

# Each look costs a few queries; a dead worker's task or a recurring run waits at most this.
WATCH_EVERY = 15.0
# A task claimed this many times by workers that died is not given back again.
MAX_CLAIMS = 3
# The advisory lock namespace of live workers (the first of pg_advisory_lock's two keys).
_LIVE_WORKERS = 0x7461736B  # "task"
# psycopg's own: a listener's wait talks to its connection directly.
DATABASE_ERRORS = (DatabaseError, InterfaceError, psycopg.Error)


# The longest a waker sleeps without a notification: the net for one lost with a connection.
IDLE_LOOK = 60.0
# How many workers listen at once (the rest wait to take over): each wake-up costs each
# listener a query, and two share a wave (each checks up to `CHECK_BATCH` comments side by side).
LISTENING_WORKERS = 2
# How long a stopping worker lets its woken job finish (within a container's 10-second grace).
STOP_WAIT = 8.0
# The advisory lock namespace of the listening places.
_LISTENERS = 0x77616B65  # "wake"


@dataclass(frozen=True)
class WokenJob:
    """Work that waits in an app's own rows: run when woken on `channel` or when due."""

    channel: str
    run: Callable[[], object]
    # When the next item is due without a wake-up (None: nothing waits).
    next_due: Callable[[], datetime | None]


WOKEN: dict[str, WokenJob] = {}


def add_woken(channel: str, run: Callable[[], object], next_due) -> None:
    """Have every task worker run `run()` when `channel` is notified or `next_due()` comes."""
    WOKEN[channel] = WokenJob(channel, run, next_due)


def wake(channel: str) -> None:
    """Wake the workers listening on `channel` when this transaction commits."""
    notify(channel)
    if settings.RUN_WOKEN_JOBS_IN_PROCESS:
        transaction.on_commit(WOKEN[channel].run, robust=True)


def notify(channel: str) -> None:
    """Send a PostgreSQL notification on `channel`, delivered when this transaction commits."""
    with connection.cursor() as cursor:
        # Delivered at commit, and never if the transaction rolls back.
        cursor.execute("SELECT pg_notify(%s, '')", [channel])


# The channel a queued task row wakes the task runners on (`announce_task`).
TASKS_CHANNEL = "tasks"
# A ready task another worker is claiming this moment: look again this soon.
CLAIMED_ELSEWHERE = 1.0


def announce_task(sender, **kwargs) -> None:
    """Wake the task runners when a task row is queued (django-tasks' `task_enqueued`)."""
    if issubclass(sender, DatabaseBackend):
        notify(TASKS_CHANNEL)


def next_task_due():
    """Return when the next queued task is due (now, if one is ready), or None."""
    now = timezone.now()
    # A task queued with no time is stored with the largest date: it is due now.
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        queue_name=DEFAULT_TASK_QUEUE_NAME,
    ).aggregate(
        due=Min(Case(When(run_after=get_date_max(), then=Value(now)), default=F("run_after")))
    )["due"]


def serve_tasks(run_ready: Callable[[], object], *, interval: float) -> None:
    """Run `run_ready()` when a task is ready: at once, then when one is queued or comes due.

    An idle runner sleeps on its own connection's LISTEN, and looks at the queue at least
    every `interval` seconds as a net.
    """
    listener = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with listener.cursor() as cursor:
            cursor.execute(f'LISTEN "{TASKS_CHANNEL}"')
        ran = False
        while True:
            due, now = next_task_due(), timezone.now()
            if due is not None and due <= now and not ran:
                run_ready()
                ran = True
                continue
            if due is None:
                wait = interval
            elif due <= now:
                wait = CLAIMED_ELSEWHERE
            else:
                wait = min(interval, (due - now).total_seconds())
            await_notifications(listener, wait)
            ran = False
    finally:
        with contextlib.suppress(*DATABASE_ERRORS):
            listener.close()


class WorkerLost(Exception):
    """The workers that claimed this task died each time before it ended."""


def process_name() -> str:
    """Name this worker process (host and PID), as its task runs' worker ids begin."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def worker_id(process: str, run: int) -> str:
    """The worker id of one `db_worker` run of a process."""
    return f"{process}/{run}"


def _lock_key(worker: str) -> int:
    process = worker.rsplit("/", 1)[0]
    digest = hashlib.blake2b(process.encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") & 0x7FFFFFFF


def hold_life_lock(process: str) -> None:
    """Hold this process's advisory lock on this thread's connection, taking it if needed."""
    key = _lock_key(process)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_lock(%s, %s) WHERE NOT EXISTS ("
            " SELECT FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
            " AND classid = %s AND objid = %s AND objsubid = 2)",
            [_LIVE_WORKERS, key, _LIVE_WORKERS, key],
        )


def _live_keys() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory'"
            " AND classid = %s AND objsubid = 2 AND granted",
            [_LIVE_WORKERS],
        )
        return {key for (key,) in cursor.fetchall()}


def retry_orphans() -> int:
    """Give back to the queue the tasks whose worker died running them; return how many."""
    running = list(DBTaskResult.objects.running().values_list("pk", "worker_ids"))
    if not running:
        return 0
    live = _live_keys()
    orphans = [(pk, ids) for pk, ids in running if not ids or _lock_key(ids[-1]) not in live]
    return sum(give_back(pk, ids) for pk, ids in orphans)


def give_back(pk, worker_ids: list[str]) -> bool:
    """Put a task its worker left running back in the queue, or fail it; say if it changed."""
    # Only if still as we saw it: not finished meanwhile, nor claimed again.
    left = DBTaskResult.objects.filter(
        pk=pk, status=TaskResultStatus.RUNNING, worker_ids=worker_ids
    )
    if len(worker_ids) >= MAX_CLAIMS:
        task_result = left.first()
        if task_result is None:
            return False
        task_result.set_failed(WorkerLost(f"{len(worker_ids)} workers died running it"))
        return True
    given_back = bool(left.update(status=TaskResultStatus.READY, started_at=None))
    if given_back:
        notify(TASKS_CHANNEL)
    return given_back


def give_back_own(worker: str) -> int:
    """Give back the tasks one `db_worker` run of this process left running when it ended."""
    left = DBTaskResult.objects.running().filter(worker_ids__contains=[worker])
    return sum(
        give_back(pk, ids) for pk, ids in left.values_list("pk", "worker_ids") if ids[-1] == worker
    )


class Watch(threading.Thread):
    """Keep a worker process known as alive, rescue dead workers' tasks, run the clock."""

    def __init__(self, process: str, every: float = WATCH_EVERY):
        super().__init__(name="task-worker-watch", daemon=True)
        self.process = process
        self.every = every
        self.scheduled = False
        self.ready = threading.Event()

    def run(self):
        while True:
            try:
                self.tick()
            except DATABASE_ERRORS as error:
                logger.warning("Task worker watch: the database is unreachable (%s)", error)
                # This thread's own connection; the next tick opens a new one.
                with contextlib.suppress(*DATABASE_ERRORS):
                    connection.close()
            self.ready.set()
            time.sleep(self.every)

    def tick(self) -> None:
        hold_life_lock(self.process)
        if not self.scheduled:
            recurring.schedule_maintenance()
            self.scheduled = True
        retry_orphans()
        recurring.queue_due()


class Waker(threading.Thread):
    """Run the woken jobs when notified or due; reconnect when the database comes back."""

    def __init__(self, jobs: dict[str, WokenJob]):
        super().__init__(name="task-worker-waker", daemon=True)
        self.jobs = dict(jobs)
        self.runs = 0
        self.working = threading.Lock()
        self.stopping = False

    def stop(self, timeout: float = STOP_WAIT) -> None:
        """Let the job running now finish (for up to `timeout` seconds); start no other."""
        # A batch cut short would be sent again when its lease ends: an email twice.
        self.stopping = True
        if self.working.acquire(timeout=timeout):
            self.working.release()

    def run(self):
        attempt = 0
        while True:
            runs = self.runs
            try:
                self.serve()
            except DATABASE_ERRORS as error:
                logger.warning("Task worker waker: the database is unreachable (%s)", error)
            # 1, 2, 4 … 30 seconds between tries while the database stays away.
            attempt = 0 if self.runs > runs else attempt + 1
            time.sleep(min(2.0**attempt, 30.0))

    def serve(self) -> None:
        listener = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with listener.cursor() as cursor:
                self.take_a_listening_place(cursor)
                for channel in self.jobs:
                    cursor.execute(f'LISTEN "{channel}"')
            # First every job: what is due now, a wake-up missed while not listening included.
            woken = set(self.jobs)
            dues: dict[str, datetime | None] = {}
            while True:
                for channel in woken:
                    self.run_job(self.jobs[channel])
                    dues[channel] = self.jobs[channel].next_due()
                self.runs += 1
                # Sleep until a notification, or until the next item is due; the wave's other
                # notifications are covered by the run that follows.
                woken = await_notifications(listener, self.seconds_to(dues))
                now = timezone.now()
                woken |= {channel for channel, due in dues.items() if due and due <= now}
                # Nothing woke it and nothing was due: the idle look runs every job.
                woken = (woken & set(self.jobs)) or set(self.jobs)
        finally:
            with contextlib.suppress(*DATABASE_ERRORS):
                listener.close()
            with contextlib.suppress(*DATABASE_ERRORS):
                connection.close()

    def take_a_listening_place(self, cursor) -> None:
        """Wait, idle, until this worker holds one of the `LISTENING_WORKERS` places."""
        # Every listener runs the job on every notification; the others would only find the
        # work taken. A place is an advisory lock: it passes on when its holder's process dies.
        places = list(range(LISTENING_WORKERS))
        random.shuffle(places)
        for place in places:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LISTENERS, place])
            if cursor.fetchone()[0]:
                return
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [_LISTENERS, places[0]])

    def run_job(self, job: WokenJob) -> None:
        with self.working:
            if not self.stopping:
                self._run(job)

    def _run(self, job: WokenJob) -> None:
        try:
            job.run()
        except DATABASE_ERRORS:
            raise
        except Exception:
            # A bug in one batch: its claims expire, and the job is run again when due.
            logger.exception("Task worker waker: %s failed", job.channel)

    def seconds_to(self, dues: dict[str, datetime | None]) -> float:
        """Return how long to sleep before the first of `dues`, at most `IDLE_LOOK`."""
        known = [due for due in dues.values() if due is not None]
        if not known:
            return IDLE_LOOK
        return min(IDLE_LOOK, max(0.0, (min(known) - timezone.now()).total_seconds()))


def await_notifications(listener, timeout: float) -> set[str]:
    """Sleep until `listener` is notified or `timeout` seconds pass; return the channels."""
    notifies = listener.connection.notifies
    channels = {n.channel for n in notifies(timeout=0)}
    if not channels:
        # select() sleeps until the socket has data: psycopg's own wait would wake every
        # 0.1 s to look for a Ctrl-C, which is most of an idle worker's CPU.
        select.select([listener.connection.fileno()], [], [], timeout)
        channels = {n.channel for n in notifies(timeout=0)}
    return channels


def supervise(command: list[str], count: int, *, pause: float = 1.0) -> None:
    """Run `count` copies of `command`, starting another when one exits, until SIGTERM/SIGINT."""
    children: dict[int, subprocess.Popen] = {}
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True
        for child in children.values():
            with contextlib.suppress(ProcessLookupError):
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def start():
        child = subprocess.Popen(command)  # noqa: S603 (our own manage.py, no shell)
        children[child.pid] = child

    for _ in range(count):
        start()
    while children:
        pid, status = os.wait()
        if children.pop(pid, None) is None or stopping:
            continue
        logger.warning(
            "Task worker %s exited (%s); starting another", pid, os.waitstatus_to_exitcode(status)
        )
        time.sleep(pause)  # a worker that cannot start at all is not started in a hot loop
        if not stopping:
            start()
