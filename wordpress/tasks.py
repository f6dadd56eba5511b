"""Background work of the wordpress app."""

from django_tasks import task

from . import runs


@task()
def import_upload(run_id: int) -> str:
    """Import an export an editor uploaded in the admin (`wordpress.runs`)."""
    return runs.run(run_id)


@task()
def sweep_imports() -> dict:
    """Fail the imports whose worker is gone, and queue again a run left waiting."""
    stale = runs.fail_stale()
    waiting = runs.overdue_waiting()
    for run_id in waiting:
        # Claimed with one UPDATE under the imports' lock: a copy already queued is harmless.
        import_upload.enqueue(run_id)
    return {"failed": stale, "queued_again": len(waiting)}
