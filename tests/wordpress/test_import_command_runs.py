"""`manage.py import_wordpress` keeps the admin's rule of one import at a time, and its runs
are listed beside the uploaded ones."""

import threading
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connections
from django.urls import reverse

from blog.models import Post
from wordpress import runs
from wordpress.models import ImportRun

from .helpers import FIXTURES, run_import

IMPORT_URL = "/admin/wordpress/importrun/import/"
SITE = FIXTURES / "site.xml"


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.django_db(databases=["default", "progress"])
def test_a_command_import_is_listed_with_its_summary(editor_client):
    printed = run_import("site.xml")

    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.DONE
    assert run.from_command
    assert run.result.splitlines() == printed.splitlines()
    listing = page(editor_client.get("/admin/wordpress/importrun/"))
    assert "manage.py import_wordpress" in listing.find(id="result_list").text
    shown = page(editor_client.get(reverse("admin:wordpress_importrun_change", args=[run.pk])))
    assert "imported with manage.py import_wordpress" in shown.find(class_="import-run").text
    assert shown.find(class_="import-summary").text.strip() == run.result.strip()


@pytest.mark.django_db(databases=["default", "progress"])
def test_the_command_waits_its_turn_behind_an_upload_and_stores_nothing(editor_client):
    ImportRun.objects.create(file_name="first.xml", file_size=1, upload=b"<rss/>")

    with pytest.raises(CommandError) as refused:
        run_import("site.xml")

    assert str(refused.value) == (
        "Another import is under way (first.xml, waiting for the worker); "
        "run this again once it has ended."
    )
    assert not Post.objects.exists()
    assert list(ImportRun.objects.values_list("file_name", flat=True)) == ["first.xml"]


@pytest.mark.django_db(databases=["default", "progress"])
def test_a_file_the_command_refuses_is_a_failed_run_with_the_same_line(editor_client):
    with pytest.raises(CommandError) as refused:
        run_import("not_wxr.xml")

    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.FAILED
    assert run.result == str(refused.value)
    assert not Post.objects.exists()
    # Nothing is kept to retry: the file is on the server, not in the database.
    assert not runs.retryable(run)


@pytest.mark.django_db(transaction=True, databases=["default", "progress"])
def test_an_upload_while_the_command_imports_is_refused_and_both_end_well(
    editor_client, monkeypatch
):
    started, go = threading.Event(), threading.Event()
    real_import = runs.import_wxr

    def paused_import(*args, **kwargs):
        started.set()
        assert go.wait(30), "the test never let the import go on"
        return real_import(*args, **kwargs)

    monkeypatch.setattr(runs, "import_wxr", paused_import)
    printed = StringIO()

    def import_from_the_command_line():
        try:
            call_command("import_wordpress", str(SITE), stdout=printed)
        finally:
            connections.close_all()  # this thread's own connections

    command = threading.Thread(target=import_from_the_command_line)
    command.start()
    try:
        assert started.wait(30), "the command never started its import"
        response = editor_client.post(
            IMPORT_URL, {"file": SimpleUploadedFile("second.xml", SITE.read_bytes())}
        )
    finally:
        go.set()
        command.join(60)

    error = page(response).find(class_="errorlist").text
    assert "Another import is under way: “site.xml” (Running)." in error
    run = ImportRun.objects.get()
    assert (run.file_name, run.state) == ("site.xml", ImportRun.State.DONE)
    assert Post.objects.exists()
    assert printed.getvalue().splitlines() == run.result.splitlines()
