"""Every import ends: a gone worker's run fails, Retry and Delete work, one runs at a time."""

import threading
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connections, transaction
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from core import recurring
from tests.factories import UserFactory
from wordpress import runs, tasks
from wordpress.models import ImportRun

from .helpers import FIXTURES, export_of_posts

pytestmark = pytest.mark.django_db(databases=["default", "progress"])

IMPORT_URL = "/admin/wordpress/importrun/import/"
SITE = (FIXTURES / "site.xml").read_bytes()


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def run_url(run, view="change") -> str:
    return reverse(f"admin:wordpress_importrun_{view}", args=[run.pk])


def running(minutes_quiet: float, **fields) -> ImportRun:
    """Return a run a worker claimed and last heard from `minutes_quiet` minutes ago."""
    beat = timezone.now() - timedelta(minutes=minutes_quiet)
    return ImportRun.objects.create(
        file_name="site.xml",
        file_size=len(SITE),
        upload=SITE,
        state=ImportRun.State.RUNNING,
        started_at=beat - timedelta(minutes=1),
        heartbeat_at=beat,
        **fields,
    )


def failed(upload=SITE) -> ImportRun:
    return ImportRun.objects.create(
        file_name="site.xml",
        file_size=len(SITE),
        upload=upload,
        state=ImportRun.State.FAILED,
        result="The import stopped on an unexpected error (OperationalError).",
        finished_at=timezone.now(),
    )


# A worker gone -------------------------------------------------------------------------------


def test_a_run_whose_worker_went_quiet_shows_failed_with_its_reason_and_a_retry(editor_client):
    run = running(minutes_quiet=11)

    shown = page(editor_client.get(run_url(run)))

    assert "Failed" in shown.find(class_="import-state").text
    reason = shown.find(class_="import-error").text
    assert "The task worker stopped giving signs of life (none for 10 minutes)" in reason
    assert "nothing was stored" in reason
    assert shown.find("meta", attrs={"http-equiv": "refresh"}) is None
    assert shown.select_one("form.import-retry")["action"] == run_url(run, "retry")
    # Kept, so that Retry can import it again.
    assert bytes(ImportRun.objects.get().upload) == SITE


def test_a_run_whose_worker_is_alive_keeps_running(editor_client):
    run = running(minutes_quiet=1)

    shown = page(editor_client.get(run_url(run)))

    assert "Running" in shown.find(class_="import-state").text
    assert "Last sign of life from the task worker: 1\xa0minute ago." in shown.text
    assert shown.find("form", class_="import-retry") is None
    assert shown.find("a", class_="deletelink") is None


def test_the_stale_limit_is_a_setting(editor_client, settings):
    settings.WORDPRESS_IMPORT_STALE_MINUTES = 30
    run = running(minutes_quiet=11)

    assert "Running" in page(editor_client.get(run_url(run))).find(class_="import-state").text
    settings.WORDPRESS_IMPORT_STALE_MINUTES = 5
    assert (
        "none for 5 minutes"
        in page(editor_client.get(run_url(run))).find(class_="import-error").text
    )


def test_the_list_of_imports_fails_a_stale_run_too(editor_client):
    run = running(minutes_quiet=20)

    listing = editor_client.get(reverse("admin:wordpress_importrun_changelist"))

    assert listing.status_code == 200
    assert ImportRun.objects.get(pk=run.pk).state == ImportRun.State.FAILED


def test_the_periodic_sweep_fails_stale_runs_and_is_on_the_schedule():
    stale, alive = running(minutes_quiet=15), ImportRun.objects.create(file_name="b", file_size=1)

    assert tasks.sweep_imports.call() == {"failed": 1, "queued_again": 0}
    assert ImportRun.objects.get(pk=stale.pk).state == ImportRun.State.FAILED
    assert ImportRun.objects.get(pk=alive.pk).state == ImportRun.State.WAITING
    assert recurring.RECURRING[tasks.sweep_imports] == timedelta(minutes=5)


def test_the_sweep_queues_again_a_run_left_waiting(editor_client):
    run = ImportRun.objects.create(file_name="site.xml", file_size=len(SITE), upload=SITE)
    ImportRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(hours=1))

    assert tasks.sweep_imports.call() == {"failed": 0, "queued_again": 1}
    assert ImportRun.objects.get(pk=run.pk).state == ImportRun.State.DONE
    assert Post.objects.count() == 8


def test_a_run_that_crashed_keeps_its_file_for_retry(editor_client, monkeypatch):
    run = ImportRun.objects.create(file_name="site.xml", file_size=len(SITE), upload=SITE)

    def crash(source, progress):
        raise MemoryError

    monkeypatch.setattr(runs, "import_wxr", crash)
    assert tasks.import_upload.call(run.pk) == ImportRun.State.FAILED

    shown = page(editor_client.get(run_url(run)))
    assert "unexpected error (MemoryError)" in shown.find(class_="import-error").text
    assert shown.find("form", class_="import-retry") is not None
    assert bytes(ImportRun.objects.get().upload) == SITE


# Retry ---------------------------------------------------------------------------------------


def test_retry_imports_a_failed_run_again_and_records_it(
    editor_client, django_capture_on_commit_callbacks
):
    run = failed()

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(run_url(run, "retry"))

    assert (response.status_code, response.url) == (302, run_url(run))
    shown = page(editor_client.get(response.url))
    assert "The import is queued again." in shown.select_one(".messagelist").text
    assert "Done" in shown.find(class_="import-state").text
    assert "Created: 2 authors" in shown.find("pre", class_="import-summary").text
    run.refresh_from_db()
    assert (run.attempt, bytes(run.upload)) == (2, b"")
    assert Post.objects.count() == 8
    assert LogEntry.objects.get(action_flag=CHANGE).object_repr == "site.xml"


def test_a_refused_file_offers_no_retry_and_a_forced_one_is_refused(editor_client):
    run = failed(upload=b"")

    shown = page(editor_client.get(run_url(run)))
    response = editor_client.post(run_url(run, "retry"), follow=True)

    assert shown.find("form", class_="import-retry") is None
    assert "Only a failed import whose file was kept can retry." in response.text
    assert ImportRun.objects.get().state == ImportRun.State.FAILED


def test_retry_is_refused_while_another_import_runs(editor_client):
    run, other = failed(), running(minutes_quiet=0)

    response = editor_client.post(run_url(run, "retry"), follow=True)

    assert "Another import is under way: “site.xml” (Running)." in response.text
    assert ImportRun.objects.get(pk=run.pk).state == ImportRun.State.FAILED
    assert ImportRun.objects.get(pk=other.pk).state == ImportRun.State.RUNNING


def test_retry_needs_a_post_and_the_import_permission(editor_client, client):
    run = failed()

    assert editor_client.get(run_url(run, "retry")).status_code == 405
    client.force_login(UserFactory(username="intern", is_staff=True))
    assert client.post(run_url(run, "retry")).status_code == 403
    assert ImportRun.objects.get().state == ImportRun.State.FAILED


# Delete --------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["done", "failed", "waiting"])
def test_an_editor_deletes_a_run_that_is_not_running(editor_client, state):
    run = ImportRun.objects.create(file_name="site.xml", file_size=1, upload=SITE, state=state)

    link = page(editor_client.get(run_url(run))).find("a", class_="deletelink")
    response = editor_client.post(link["href"], {"post": "yes"})

    assert link["href"] == run_url(run, "delete")
    assert response.status_code == 302
    assert not ImportRun.objects.exists()


def test_a_running_import_cannot_be_deleted(editor_client):
    run = running(minutes_quiet=0)

    assert editor_client.post(run_url(run, "delete"), {"post": "yes"}).status_code == 403
    assert ImportRun.objects.filter(pk=run.pk).exists()


# One at a time -------------------------------------------------------------------------------


def test_a_second_upload_while_one_waits_is_refused_with_a_message(editor_client):
    ImportRun.objects.create(file_name="first.xml", file_size=1, upload=SITE)

    notice = page(editor_client.get(IMPORT_URL)).find(class_="import-under-way")
    response = editor_client.post(IMPORT_URL, {"file": SimpleUploadedFile("second.xml", SITE)})

    assert "Another import is under way: “first.xml” (Waiting for the worker)." in notice.text
    assert response.status_code == 200
    error = page(response).find(class_="errorlist").text
    assert "Another import is under way: “first.xml” (Waiting for the worker)." in error
    assert "One import runs at a time" in error
    assert list(ImportRun.objects.values_list("file_name", flat=True)) == ["first.xml"]


def test_an_upload_after_a_stale_run_is_taken(editor_client, django_capture_on_commit_callbacks):
    stale = running(minutes_quiet=30)

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(IMPORT_URL, {"file": SimpleUploadedFile("site.xml", SITE)})

    assert response.status_code == 302
    assert ImportRun.objects.get(pk=stale.pk).state == ImportRun.State.FAILED
    assert ImportRun.objects.exclude(pk=stale.pk).get().state == ImportRun.State.DONE


def test_a_worker_leaves_a_run_waiting_while_another_runs():
    running(minutes_quiet=0)
    second = ImportRun.objects.create(file_name="b.xml", file_size=len(SITE), upload=SITE)

    assert tasks.import_upload.call(second.pk) == "another import is running"
    assert ImportRun.objects.get(pk=second.pk).state == ImportRun.State.WAITING
    assert not Post.objects.exists()


def test_the_database_refuses_two_running_imports():
    running(minutes_quiet=0)
    second = ImportRun.objects.create(file_name="b.xml", file_size=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        ImportRun.objects.filter(pk=second.pk).update(state=ImportRun.State.RUNNING)


@pytest.mark.django_db(transaction=True, databases=["default", "progress"])
def test_two_workers_at_once_import_one_run_and_leave_the_other_waiting(monkeypatch):
    first = ImportRun.objects.create(file_name="a.xml", file_size=len(SITE), upload=SITE)
    second = ImportRun.objects.create(file_name="b.xml", file_size=len(SITE), upload=SITE)
    importing, release = threading.Event(), threading.Event()
    real_import = runs.import_wxr

    def slow_import(source, progress):
        importing.set()
        assert release.wait(10)
        return real_import(source, progress=progress)

    monkeypatch.setattr(runs, "import_wxr", slow_import)
    outcome = {}

    def worker():
        try:
            outcome["first"] = tasks.import_upload.call(first.pk)
        finally:
            connections.close_all()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert importing.wait(10)
        outcome["second"] = tasks.import_upload.call(second.pk)
    finally:
        release.set()
        thread.join(20)

    assert outcome == {"first": ImportRun.State.DONE, "second": "another import is running"}
    assert ImportRun.objects.get(pk=second.pk).state == ImportRun.State.WAITING
    assert Post.objects.count() == 8


@pytest.mark.django_db(transaction=True, databases=["default", "progress"])
def test_a_working_import_writes_its_sign_of_life(monkeypatch):
    export = export_of_posts(3)
    run = ImportRun.objects.create(file_name="p.xml", file_size=len(export), upload=export)
    monkeypatch.setattr(runs, "HEARTBEAT_SECONDS", 0.05)
    beats = []
    real_import = runs.import_wxr

    def import_while_watching(source, progress):
        claimed = ImportRun.objects.using("progress").get(pk=run.pk).heartbeat_at
        for _ in range(200):
            beat = ImportRun.objects.using("progress").get(pk=run.pk).heartbeat_at
            if beat > claimed:
                beats.append(beat)
                break
            threading.Event().wait(0.02)
        return real_import(source, progress=progress)

    monkeypatch.setattr(runs, "import_wxr", import_while_watching)

    assert tasks.import_upload.call(run.pk) == ImportRun.State.DONE
    assert len(beats) == 1
