"""An editor imports a WordPress export from the admin: "Import from WordPress"."""

import io
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from comments.models import Comment
from tests.factories import UserFactory
from tests.support.people import editors_group, make_editor
from wordpress import runs, tasks
from wordpress.models import ImportedItem, ImportRun

from .helpers import FIXTURES, MIGRATION, export_of_posts, grant_import, run_import

# The import's progress is written through a second connection ("progress").
pytestmark = pytest.mark.django_db(databases=["default", "progress"])

IMPORT_URL = "/admin/wordpress/importrun/import/"


@pytest.fixture
def upload(editor_client, django_capture_on_commit_callbacks):
    """Upload a file on the import page as an editor, running the task it queues."""

    def send(name: str, content: bytes | None = None, **extra):
        if content is None:
            content = (FIXTURES / name).read_bytes()
        with django_capture_on_commit_callbacks(execute=True):
            return editor_client.post(
                IMPORT_URL, {"file": SimpleUploadedFile(name, content)}, **extra
            )

    return send


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def test_the_import_page_is_linked_from_the_imports_list_and_offers_the_upload(editor_client):
    runs_list = editor_client.get(reverse("admin:wordpress_importrun_changelist"))
    form = page(editor_client.get(IMPORT_URL)).find("form", enctype="multipart/form-data")

    assert page(runs_list).find("a", href=IMPORT_URL).text == "Import from WordPress"
    assert form.find("input", type="file", attrs={"name": "file"}) is not None
    assert "Up to 64.0\xa0MB." in form.text


def test_the_add_link_of_the_admin_index_leads_to_the_import_page(editor_client):
    response = editor_client.get(reverse("admin:wordpress_importrun_add"))

    assert response.status_code == 302
    assert response.url == IMPORT_URL


def test_an_upload_is_imported_and_its_page_shows_the_summary(upload, editor_client):
    response = upload("site.xml")

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:wordpress_importrun_change", args=[run.pk])
    shown = page(editor_client.get(response.url))
    summary = shown.find("pre", class_="import-summary").text
    assert "Done" in shown.find(class_="import-state").text
    assert "Created: 2 authors, 2 categories, 1 tag, 6 posts, 2 pages, 17 comments" in summary
    assert "Shortcodes left as text: [gallery] x1." in summary
    assert shown.find("meta", attrs={"http-equiv": "refresh"}) is None
    assert Post.objects.count() == 8
    assert Comment.objects.count() == 17


def test_the_summary_is_the_one_the_command_prints(upload):
    upload("site.xml")
    again = ImportRun.objects.get()
    upload("site.xml")
    second = ImportRun.objects.exclude(pk=again.pk).get()

    # A second run of the same file: the command now prints exactly the second run's summary.
    assert second.result == run_import("site.xml").rstrip("\n")


def test_a_finished_run_keeps_no_copy_of_the_file(upload):
    upload("site.xml")

    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.DONE
    assert bytes(run.upload) == b""
    assert run.file_name == "site.xml"
    assert run.file_size == (FIXTURES / "site.xml").stat().st_size
    assert run.finished_at is not None


@pytest.mark.parametrize("fixture", ["empty.xml", "not_xml.txt", "truncated.xml", "not_wxr.xml"])
def test_a_bad_file_shows_the_commands_one_line_and_stores_nothing(upload, editor_client, fixture):
    with pytest.raises(CommandError) as command:
        run_import(fixture)

    response = editor_client.get(upload(fixture).url)

    shown = page(response)
    assert response.status_code == 200
    assert "Failed" in shown.find(class_="import-state").text
    assert shown.find(class_="import-error").text == str(command.value)
    assert not Post.objects.exists()
    assert not ImportedItem.objects.exists()
    assert bytes(ImportRun.objects.get(from_command=False).upload) == b""


def test_a_file_over_the_limit_is_refused_with_a_form_error(upload, settings):
    size = (FIXTURES / "site.xml").stat().st_size
    settings.WORDPRESS_IMPORT_MAX_BYTES = size - 1

    response = upload("site.xml")

    assert response.status_code == 200
    error = page(response).find(class_="errorlist").text
    assert "This file is larger than 22.9\xa0KB" in error
    assert "WORDPRESS_IMPORT_MAX_BYTES" in error
    assert not ImportRun.objects.exists()
    assert not Post.objects.exists()


def test_a_file_of_exactly_the_limit_is_taken(upload, settings):
    settings.WORDPRESS_IMPORT_MAX_BYTES = (FIXTURES / "site.xml").stat().st_size

    assert upload("site.xml").status_code == 302
    assert ImportRun.objects.get().state == ImportRun.State.DONE


def test_a_post_without_a_file_asks_for_one(editor_client):
    response = editor_client.post(IMPORT_URL, {})

    assert response.status_code == 200
    assert "This field is required." in page(response).find(class_="errorlist").text


def test_the_run_page_follows_a_waiting_and_a_running_import_by_itself(editor_client):
    run = ImportRun.objects.create(file_name="big.xml", file_size=4_000_000, upload=b"<rss/>")
    url = reverse("admin:wordpress_importrun_change", args=[run.pk])

    waiting = page(editor_client.get(url))
    ImportRun.objects.filter(pk=run.pk).update(
        state=ImportRun.State.RUNNING,
        items_read=1250,
        bytes_read=1_000_000,
        started_at=timezone.now() - timedelta(minutes=3),
    )
    running = page(editor_client.get(url))

    assert waiting.find("meta", attrs={"http-equiv": "refresh"})["content"] == "2"
    assert "Waiting for the worker" in waiting.find(class_="import-state").text
    assert running.find("meta", attrs={"http-equiv": "refresh"})["content"] == "2"
    assert running.find("progress")["value"] == "25"
    assert "25% read: 1,250 items and comments" in running.text
    assert "Started 3\xa0minutes ago." in running.text


@pytest.mark.django_db(transaction=True, databases=["default", "progress"])
def test_the_run_page_shows_progress_while_the_import_is_still_running(editor_client, monkeypatch):
    # 120 posts: the importer reports its progress every 50 items read.
    export = export_of_posts(120)
    run = ImportRun.objects.create(file_name="posts.xml", file_size=len(export), upload=export)
    url = reverse("admin:wordpress_importrun_change", args=[run.pk])
    monkeypatch.setattr(runs, "PROGRESS_EVERY_SECONDS", 0)
    seen, posts_outside = [], []
    report = runs.Progress.__call__

    def report_and_look(self, count):
        report(self, count)
        # The editor's page, while the import's one transaction is still open.
        seen.append(page(editor_client.get(url)))
        posts_outside.append(Post.objects.using("progress").count())

    monkeypatch.setattr(runs.Progress, "__call__", report_and_look)

    assert tasks.import_upload.call(run.pk) == ImportRun.State.DONE
    assert [shown.find(class_="import-state").text.strip() for shown in seen] == ["Running"] * 2
    assert "50 items and comments" in seen[0].find("progress").parent.text
    assert "100 items and comments" in seen[1].find("progress").parent.text
    assert 0 < int(seen[0].find("progress")["value"]) < int(seen[1].find("progress")["value"])
    assert all(shown.find("meta", attrs={"http-equiv": "refresh"}) for shown in seen)
    # Outside the import's one transaction nothing shows before it ends.
    assert posts_outside == [0, 0]
    assert Post.objects.count() == 120


@pytest.mark.django_db(transaction=True, databases=["default", "progress"])
def test_progress_is_committed_on_its_own_connection_even_if_the_import_rolls_back(monkeypatch):
    run = ImportRun.objects.create(file_name="posts.xml", file_size=100)
    progress = runs.Progress(run.pk, io.BytesIO(b"x" * 100))
    progress.source.seek(40)
    monkeypatch.setattr(runs, "PROGRESS_EVERY_SECONDS", 0)

    def failing_import():
        with transaction.atomic():
            progress(50)
            raise RuntimeError("the import failed")

    with pytest.raises(RuntimeError):
        failing_import()

    run.refresh_from_db()
    assert (run.items_read, run.bytes_read) == (50, 40)


def test_progress_is_written_at_most_once_a_second(monkeypatch):
    # The suite writes progress every time (tests/conftest.py); this test is about the limit.
    monkeypatch.setattr(runs, "PROGRESS_EVERY_SECONDS", 1.0)
    run = ImportRun.objects.create(file_name="posts.xml", file_size=100)
    clock = iter([0.0, 1.5, 1.6, 1.7, 2.0, 2.6])
    progress = runs.Progress(run.pk, io.BytesIO(b"x" * 100), clock=lambda: next(clock))

    with CaptureQueriesContext(connections["progress"]) as writes:
        for count in (50, 100, 150, 200, 250):
            progress(count)

    # Written at 1.5 s and at 2.6 s: not at 1.6, 1.7 or 2.0.
    assert len(writes) == 2


def test_a_run_is_imported_once_even_if_its_task_comes_twice(upload):
    upload("site.xml")
    run = ImportRun.objects.get()

    assert tasks.import_upload.call(run.pk) == "not waiting"
    assert Post.objects.count() == 8


def test_the_migration_lets_the_editors_group_import():
    group = editors_group()

    MIGRATION.grant(apps, None)

    granted = set(group.permissions.values_list("codename", flat=True))
    assert {"add_importrun", "view_importrun"} <= granted


def test_anonymous_visitors_are_sent_to_sign_in(client):
    run = ImportRun.objects.create(file_name="a.xml", file_size=1)
    for url in (IMPORT_URL, reverse("admin:wordpress_importrun_change", args=[run.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/admin/login/")
    posted = client.post(IMPORT_URL, {"file": SimpleUploadedFile("site.xml", b"<rss/>")})
    assert posted.status_code == 302
    assert ImportRun.objects.count() == 1


def test_staff_without_the_import_permission_are_refused(client):
    client.force_login(UserFactory(username="intern", is_staff=True))
    run = ImportRun.objects.create(file_name="a.xml", file_size=1)

    assert client.get(IMPORT_URL).status_code == 403
    posted = client.post(IMPORT_URL, {"file": SimpleUploadedFile("site.xml", b"<rss/>")})
    assert posted.status_code == 403
    assert client.get(reverse("admin:wordpress_importrun_change", args=[run.pk])).status_code == 403
    assert ImportRun.objects.count() == 1


def test_a_user_with_only_the_import_permission_may_import(
    client, django_capture_on_commit_callbacks
):
    client.force_login(grant_import(UserFactory(username="mover", is_staff=True)))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            IMPORT_URL,
            {"file": SimpleUploadedFile("site.xml", (FIXTURES / "site.xml").read_bytes())},
        )

    assert client.get(response.url).status_code == 200
    assert ImportRun.objects.get().state == ImportRun.State.DONE


def test_an_unknown_or_malformed_run_address_is_404(editor_client):
    assert editor_client.get("/admin/wordpress/importrun/999999/change/").status_code == 404
    assert editor_client.get("/admin/wordpress/importrun/abc/change/").status_code == 404


def test_an_upload_without_the_csrf_token_is_refused():
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(make_editor())

    posted = browser.post(IMPORT_URL, {"file": SimpleUploadedFile("site.xml", b"<rss/>")})

    assert posted.status_code == 403
    assert not ImportRun.objects.exists()


def test_an_upload_is_recorded_in_the_admins_history(upload):
    upload("site.xml")

    entry = LogEntry.objects.get()
    assert (entry.user.username, entry.object_repr) == ("eddie", "site.xml")


# --- Authors by mapping (issue 27) -------------------------------------------------------------


def send_with_authors(editor_client, capture, authors: str):
    with capture(execute=True):
        return editor_client.post(
            IMPORT_URL,
            {
                "file": SimpleUploadedFile("site.xml", (FIXTURES / "site.xml").read_bytes()),
                "authors": authors,
            },
        )


def test_the_upload_form_asks_whose_byline_each_file_author_gets(editor_client):
    form = page(editor_client.get(IMPORT_URL)).find("form", enctype="multipart/form-data")

    assert form.find("textarea", attrs={"name": "authors"}) is not None
    assert "login = a username here" in form.text


def test_an_author_the_editor_maps_is_credited_to_that_account(
    editor_client, editor, django_capture_on_commit_callbacks
):
    response = send_with_authors(editor_client, django_capture_on_commit_callbacks, "jbj = eddie")

    assert response.status_code == 302
    assert ImportRun.objects.get().state == ImportRun.State.DONE
    assert Post.objects.get(slug="hello-world").author == editor
    assert not get_user_model().objects.filter(username="jbj").exists()


def test_an_author_left_unmapped_gets_a_new_account_even_where_the_login_is_staffs(
    editor_client, editor, django_capture_on_commit_callbacks
):
    make_editor(username="jbj")

    send_with_authors(editor_client, django_capture_on_commit_callbacks, "")

    author = Post.objects.get(slug="hello-world").author
    assert author.username == "jbj-2"
    assert not author.is_staff


def test_a_map_to_an_account_that_does_not_exist_is_refused_storing_nothing(
    editor_client, django_capture_on_commit_callbacks
):
    response = send_with_authors(
        editor_client, django_capture_on_commit_callbacks, "jbj = nobody\nnonsense"
    )

    assert response.status_code == 200
    errors = page(response).find(class_="errorlist").text
    assert "There is no account “nobody” here." in errors
    assert "“nonsense” is not “login = username”." in errors
    assert not ImportRun.objects.exists()
    assert not Post.objects.exists()
