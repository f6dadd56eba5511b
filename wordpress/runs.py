"""Run an export an editor uploaded in the admin: claim it, import it, record what happened.

The import keeps its one transaction (`import_wxr`). Its progress has to be seen by the
editor's page while that transaction is still open, so `Progress` writes it through the
"progress" database alias: a second connection to the same database, declared in
config/settings/base.py, whose autocommitted updates are visible at once. That is Django's
public way to hold two connections; nothing the import writes goes through it, so a failed
import still leaves nothing behind.
"""

import io
import logging
import time

from django.utils import timezone

from .importer import import_wxr
from .models import ImportRun
from .wxr import WXRError

logger = logging.getLogger(__name__)

PROGRESS_DB = "progress"
# At most one progress row update a second, however fast the importer reads.
PROGRESS_EVERY_SECONDS = 1.0


class Progress:
    """The importer's `progress(count)` hook: note how far it has read, at most once a second."""

    def __init__(self, run_id: int, source, clock=time.monotonic):
        self.run_id = run_id
        self.source = source
        self.clock = clock
        self.count = 0
        self.written_at = clock()

    def __call__(self, count: int) -> None:
        self.count = count
        now = self.clock()
        if now - self.written_at < PROGRESS_EVERY_SECONDS:
            return
        self.written_at = now
        ImportRun.objects.using(PROGRESS_DB).filter(pk=self.run_id).update(
            items_read=count, bytes_read=self.source.tell()
        )


def run(run_id: int) -> str:
    """Import the upload of run `run_id` once; return its new state."""
    # Claimed with one UPDATE, so a task delivered twice imports once.
    claimed = ImportRun.objects.filter(pk=run_id, state=ImportRun.State.WAITING).update(
        state=ImportRun.State.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "not waiting"
    data = ImportRun.objects.filter(pk=run_id).values_list("upload", flat=True).get()
    source = io.BytesIO(data)
    del data
    progress = Progress(run_id, source)
    try:
        summary = import_wxr(source, progress=progress)
    except WXRError as error:
        state, result = ImportRun.State.FAILED, str(error)
    except Exception as error:
        # A bug, not the file: the transaction rolled back, so the run says so and stops.
        logger.exception("The import of run %s failed", run_id)
        state = ImportRun.State.FAILED
        result = (
            f"The import stopped on an unexpected error ({type(error).__name__}); "
            "nothing was stored."
        )
    else:
        state, result = ImportRun.State.DONE, "\n".join(summary.lines())
    ImportRun.objects.filter(pk=run_id).update(
        state=state,
        result=result,
        items_read=progress.count,
        bytes_read=source.tell(),
        finished_at=timezone.now(),
        upload=b"",
    )
    return state
