"""A task worker killed in the middle of an import: the run ends, and Retry imports it.

The import runs in a real `manage.py db_worker` process on the test database, as compose's
`worker` does; SIGKILL ends it the way an out-of-memory kill or a lost machine would.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse

from blog.models import Post
from devstack.stack import database_url_for, db_worker, stack_env
from tests.support.waiting import wait_for
from wordpress import tasks
from wordpress.models import ImportRun

from .helpers import export_of_posts

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "progress"])


def state_of(run):
    return ImportRun.objects.filter(pk=run.pk).values_list("state", flat=True).get()


def test_a_run_whose_worker_was_killed_fails_and_a_retry_imports_it(
    editor_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    env = stack_env(database_url_for(connection), LIVE_STACK_LOGS=tmp_path / "logs")
    export = export_of_posts(3000)
    run = ImportRun.objects.create(file_name="big.xml", file_size=len(export), upload=export)
    tasks.import_upload.enqueue(run.pk)

    with db_worker(env) as worker:
        wait_for(
            lambda: state_of(run) == ImportRun.State.RUNNING, timeout=120, what="the run to start"
        )
        worker.kill()

    # The killed worker's transaction rolled back: nothing half-stored, the run still says
    # "Running" and its sign of life has stopped. Time passes past the stale limit.
    assert not Post.objects.exists()
    assert state_of(run) == ImportRun.State.RUNNING
    quiet = timedelta(minutes=settings.WORDPRESS_IMPORT_STALE_MINUTES + 1)
    ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=run.created_at - quiet)

    page = editor_client.get(reverse("admin:wordpress_importrun_change", args=[run.pk]))
    assert "The task worker stopped giving signs of life" in page.text
    assert state_of(run) == ImportRun.State.FAILED

    with django_capture_on_commit_callbacks(execute=True):
        retried = editor_client.post(reverse("admin:wordpress_importrun_retry", args=[run.pk]))
    with db_worker(env):
        wait_for(
            lambda: state_of(run) == ImportRun.State.DONE, timeout=120, what="the retry to end"
        )

    assert retried.status_code == 302
    assert Post.objects.count() == 3000
    run.refresh_from_db()
    assert (run.attempt, bytes(run.upload)) == (2, b"")
