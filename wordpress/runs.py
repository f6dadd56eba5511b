"""Run an export an editor uploaded in the admin: claim it, import it, record what happened.

The import keeps its one transaction (`import_wxr`). Its progress has to be seen by the
editor's page while that transaction is still open, so `Progress` writes it through the
"progress" database alias: a second connection to the same database, declared in
config/settings/base.py, whose autocommitted updates are visible at once. That is Django's
public way to hold two connections; nothing the import writes goes through it, so a failed
import still leaves nothing behind.

Runs end, whatever happens to the worker: while it imports, a `Heartbeat` thread writes
the run's `heartbeat_at` through the same alias, and `fail_stale()` marks failed a run
that has had none for WORDPRESS_IMPORT_STALE_MINUTES. One import runs at a time: starting,
retrying and claiming a run happen under one PostgreSQL advisory lock (`exclusive()`), and
a partial unique constraint forbids a second running row whatever the code does.
"""

import io
import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .importer import import_wxr
from .models import ImportRun
from .uploads import BadArchive, UploadsArchive
from .wxr import WXRError

logger = logging.getLogger(__name__)

PROGRESS_DB = "progress"
# At most one progress row update a second, however fast the importer reads.
PROGRESS_EVERY_SECONDS = 1.0
# How often a working import says it is alive; far below the stale limit's minutes.
HEARTBEAT_SECONDS = 15.0
# The advisory lock all starts, retries and claims of a run take (any fixed 64-bit number).
LOCK_KEY = 0x57505F494D504F52  # "WP_IMPOR"

State = ImportRun.State


class Busy(Exception):
    """Another import is waiting or running; `run` is that one."""

    def __init__(self, run: ImportRun):
        super().__init__(run.file_name)
        self.run = run


class Progress:
    """The importer's `progress(count)` hook: note how far it has read, at most once a second."""

    def __init__(self, run_id: int, source, clock=time.monotonic, show=None):
        self.run_id = run_id
        self.source = source
        self.clock = clock
        # The command line's progress bar, told of every count.
        self.show = show
        self.count = 0
        self.images_done = self.images_total = 0
        self.written_at = clock()

    def __call__(self, count: int) -> None:
        self.count = count
        if self.show is not None:
            self.show(count)
        now = self.clock()
        if now - self.written_at < PROGRESS_EVERY_SECONDS:
            return
        self.written_at = now
        ImportRun.objects.using(PROGRESS_DB).filter(pk=self.run_id).update(
            items_read=count, bytes_read=self.source.tell()
        )

    def images(self, done: int, total: int) -> None:
        """Note how many of the export's images have been brought in or tried."""
        self.images_done, self.images_total = done, total
        now = self.clock()
        if now - self.written_at < PROGRESS_EVERY_SECONDS:
            return
        self.written_at = now
        ImportRun.objects.using(PROGRESS_DB).filter(pk=self.run_id).update(
            images_done=done, images_total=total
        )


class Heartbeat(threading.Thread):
    """Write the run's sign of life every HEARTBEAT_SECONDS until stopped."""

    def __init__(self, run_id: int, attempt: int):
        super().__init__(name=f"import-{run_id}-heartbeat", daemon=True)
        self.run_id, self.attempt = run_id, attempt
        self.stopped = threading.Event()

    def run(self):
        try:
            while not self.stopped.wait(HEARTBEAT_SECONDS):
                ImportRun.objects.using(PROGRESS_DB).filter(
                    pk=self.run_id, attempt=self.attempt, state=State.RUNNING
                ).update(heartbeat_at=timezone.now())
        except Exception:
            # A lost heartbeat only risks the run being failed later; the import goes on.
            logger.exception("The heartbeat of import run %s stopped", self.run_id)
        finally:
            connections[PROGRESS_DB].close()

    def stop(self):
        self.stopped.set()
        self.join()


def exclusive() -> None:
    """Hold the imports' lock until the current transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def stale_before():
    return timezone.now() - timedelta(minutes=settings.WORDPRESS_IMPORT_STALE_MINUTES)


def fail_stale() -> int:
    """Mark failed every running import whose worker has gone quiet; keep its upload."""
    minutes = settings.WORDPRESS_IMPORT_STALE_MINUTES
    cutoff = stale_before()
    quiet = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    return ImportRun.objects.filter(quiet, state=State.RUNNING).update(
        state=State.FAILED,
        finished_at=timezone.now(),
        result=_(
            "The task worker stopped giving signs of life (none for %(minutes)d minutes): it "
            "was stopped or its machine went away. The import was rolled back; nothing was "
            "stored. Retry imports the same file again."
        )
        % {"minutes": minutes},
    )


def active() -> ImportRun | None:
    """Return the import waiting or running now, if any."""
    waiting_or_running = ImportRun.objects.filter(state__in=[State.WAITING, State.RUNNING])
    return waiting_or_running.defer("upload", "uploads_zip").order_by("pk").first()


def retryable(run: ImportRun) -> bool:
    """Tell whether Retry can import the run again: it failed and its upload was kept."""
    failed = ImportRun.objects.filter(pk=run.pk, state=State.FAILED)
    return failed.exclude(upload=b"").exists()


@transaction.atomic
def begin(
    user, upload, author_map=None, *, uploads_zip=None, fetch_images=False, fetch_hosts=""
) -> ImportRun:
    """Record an uploaded export as a waiting run, or raise Busy if another is under way.

    With it, how its images come: an uploads zip, and whether to fetch them (from where).
    """
    exclusive()
    fail_stale()
    if (other := active()) is not None:
        raise Busy(other)
    if uploads_zip is not None:
        uploads_zip.seek(0)
    return ImportRun.objects.create(
        started_by=user,
        file_name=upload.name[:255],
        file_size=upload.size,
        upload=b"".join(upload.chunks()),
        author_map=author_map or {},
        uploads_zip=b"".join(uploads_zip.chunks()) if uploads_zip else b"",
        fetch_images=fetch_images,
        fetch_hosts=fetch_hosts,
    )


@transaction.atomic
def retry(run: ImportRun) -> bool:
    """Put a failed run back in the queue as a new attempt; False if it cannot be retried."""
    exclusive()
    fail_stale()
    if (other := active()) is not None:
        raise Busy(other)
    return bool(
        ImportRun.objects.filter(pk=run.pk, state=State.FAILED)
        .exclude(upload=b"")
        .update(
            state=State.WAITING,
            attempt=run.attempt + 1,
            result="",
            items_read=0,
            bytes_read=0,
            images_total=0,
            images_done=0,
            started_at=None,
            finished_at=None,
            heartbeat_at=None,
        )
    )


@transaction.atomic
def claim(run_id: int) -> int | str:
    """Mark the run running and return its attempt, or say why it was left alone."""
    exclusive()
    fail_stale()
    if ImportRun.objects.filter(state=State.RUNNING).exists():
        # It stays waiting; the sweep queues it again once the other has ended.
        return "another import is running"
    now = timezone.now()
    claimed = ImportRun.objects.filter(pk=run_id, state=State.WAITING).update(
        state=State.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return "not waiting"
    return ImportRun.objects.filter(pk=run_id).values_list("attempt", flat=True).get()


@transaction.atomic
def begin_from_command(file_name: str, file_size: int) -> ImportRun:
    """Record an import `manage.py import_wordpress` starts as running, or raise Busy.

    The same one-at-a-time rule as the admin's: the run is listed beside the uploaded ones,
    and an upload made while it runs is refused until it ends.
    """
    exclusive()
    fail_stale()
    if (other := active()) is not None:
        raise Busy(other)
    now = timezone.now()
    return ImportRun.objects.create(
        from_command=True,
        file_name=file_name[:255],
        file_size=file_size,
        state=State.RUNNING,
        started_at=now,
        heartbeat_at=now,
    )


def import_recorded(
    run_id: int,
    attempt: int,
    source,
    *,
    show=None,
    again: str = "",
    **options,
):
    """Import `source` as this attempt of the run, with its heartbeat, and record how it ended.

    Return the importer's summary. What stopped the import (a refused file, a bug) is raised
    again once the run says so.
    """
    progress = Progress(run_id, source, show=show)
    heartbeat = Heartbeat(run_id, attempt)
    heartbeat.start()
    state, result, keep_upload = State.FAILED, "", False
    try:
        summary = import_wxr(source, progress=progress, **options)
        state, result = State.DONE, "\n".join(summary.lines())
        return summary
    except WXRError as error:
        # The file itself was refused: importing it again would refuse it again.
        result = str(error)
        raise
    except BaseException as error:
        # A bug or an interruption, not the file: the transaction rolled back.
        keep_upload = True
        result = (
            f"The import stopped on an unexpected error ({type(error).__name__}); "
            f"nothing was stored. {again or _('Retry imports the same file again.')}"
        )
        raise
    finally:
        heartbeat.stop()
        ended = {"upload": b"", "uploads_zip": b""} if not keep_upload else {}
        # A late worker whose run was failed meanwhile still tells the truth, unless retried.
        ImportRun.objects.filter(pk=run_id, attempt=attempt).update(
            state=state,
            result=result,
            items_read=progress.count,
            bytes_read=source.tell(),
            images_done=progress.images_done,
            images_total=progress.images_total,
            finished_at=timezone.now(),
            **ended,
        )


def run(run_id: int) -> str:
    """Import the upload of run `run_id` once; return its new state."""
    attempt = claim(run_id)
    if isinstance(attempt, str):
        return attempt
    data, author_map = ImportRun.objects.filter(pk=run_id).values_list("upload", "author_map").get()
    source = io.BytesIO(data)
    del data
    try:
        # Only a run the editor mapped authors for passes a map.
        options = {"author_map": author_map} if author_map else {}
        import_recorded(run_id, attempt, source, **options, **image_options(run_id))
    except WXRError:
        return State.FAILED
    except Exception:
        logger.exception("The import of run %s failed", run_id)
        return State.FAILED
    return State.DONE


def image_options(run_id: int) -> dict:
    """Return how the run's images come: its uploads zip, and whether and whence to fetch."""
    run = ImportRun.objects.only("uploads_zip", "fetch_images", "fetch_hosts").get(pk=run_id)
    archive = None
    if run.uploads_zip:
        # The form checked it; a zip refused now brings no image, and the import goes on.
        try:
            archive = UploadsArchive(bytes(run.uploads_zip))
        except BadArchive:
            logger.warning("The uploads zip of import run %s was refused", run_id)
    options = {
        "uploads_archive": archive,
        "fetch_uploads": run.fetch_images,
        "fetch_hosts": run.fetch_hosts.split(),
    }
    # Only what was asked for: an import without images is called as it always was.
    return {name: value for name, value in options.items() if value}


def overdue_waiting() -> list[int]:
    """Return the waiting run to queue again: the oldest, when none runs and it waited long."""
    if ImportRun.objects.filter(state=State.RUNNING).exists():
        return []
    waiting = ImportRun.objects.filter(state=State.WAITING, created_at__lt=stale_before())
    return list(waiting.order_by("pk").values_list("pk", flat=True)[:1])
