"""Background work of the wordpress app."""

from django_tasks import task

from . import runs


@task()
def import_upload(run_id: int) -> str:
    """Import an export an editor uploaded in the admin (`wordpress.runs`)."""
    return runs.run(run_id)
