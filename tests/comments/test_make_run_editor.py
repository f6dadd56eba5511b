"""The editor account `make run` creates can write, preview, reply and answer data requests."""

import logging
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from blog.models import AuthorProfile, Post
from comments.models import Status
from tests.factories import CommentFactory
from tests.support.people import editors_group

pytestmark = pytest.mark.django_db


def make_run_editor(**options):
    editors_group()
    call_command("ensure_editor", stdout=StringIO(), **options)
    return get_user_model().objects.get(username="editor")


@pytest.fixture
def run_editor_client(client):
    client.force_login(make_run_editor())
    return client


def test_the_editor_gets_the_sites_name_and_address(settings):
    editor = make_run_editor()

    assert editor.author_profile.display_name == settings.SITE_NAME
    assert editor.get_full_name() == settings.SITE_NAME
    assert editor.email == settings.DEFAULT_FROM_EMAIL


def test_a_name_and_address_can_be_given():
    editor = make_run_editor(name="Ada Lovelace", email="ada@blog.example")

    assert editor.author_profile.display_name == "Ada Lovelace"
    assert editor.email == "ada@blog.example"


def test_an_editor_made_before_without_a_name_is_mended_and_a_named_one_kept(settings):
    get_user_model().objects.create_user("editor", email="editor@localhost", is_staff=True)
    assert make_run_editor().author_profile.display_name == settings.SITE_NAME

    AuthorProfile.objects.filter(user__username="editor").update(display_name="Mine")
    assert make_run_editor(name="Other").author_profile.display_name == "Mine"


def field_values(page: str, form_id: str) -> dict:
    """Return what a browser would send from the form: inputs, textareas, selected options."""
    form = BeautifulSoup(page, "html.parser").find("form", id=form_id)
    data = {}
    for field in form.select("input[name], textarea[name], select[name]"):
        if field.name == "select" and field.has_attr("multiple"):
            chosen = [option["value"] for option in field.find_all("option", selected=True)]
            if chosen:
                data[field["name"]] = chosen
        elif field.name == "select":
            chosen = field.find("option", selected=True)
            data[field["name"]] = chosen["value"] if chosen else ""
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                data[field["name"]] = field.get("value", "on")
        elif field.get("type") not in ("submit", "button", "file"):
            data[field["name"]] = field.get("value", "") if field.name == "input" else field.text
    return data


def test_a_new_post_is_the_editors_own_and_previews_and_saves_with_their_byline(
    run_editor_client, settings
):
    page = run_editor_client.get("/admin/blog/post/add/").text
    now = timezone.localtime()
    data = {
        **field_values(page, "post_form"),
        "title": "First words",
        "slug": "first-words",
        "body": "Hello, readers.",
        "status": Post.Status.PUBLISHED,
        "published_at_0": now.strftime("%Y-%m-%d"),
        "published_at_1": now.strftime("%H:%M:%S"),
    }

    preview = run_editor_client.post("/admin/blog/post/preview/", data)
    saved = run_editor_client.post("/admin/blog/post/add/", data)

    assert preview.status_code == 200, preview.text
    assert f'rel="author" href="/author/editor/">{settings.SITE_NAME}</a> ·' in preview.text
    assert saved.status_code == 302
    post = Post.objects.get(slug="first-words")
    assert post.author.username == "editor"
    assert f">{settings.SITE_NAME}</a> ·" in run_editor_client.get(post.get_absolute_url()).text


def test_the_editors_reply_carries_their_name_and_address(run_editor_client, settings):
    comment = CommentFactory(status=Status.APPROVED)

    page = run_editor_client.get(
        reverse("admin:comments_comment_change", args=[comment.pk]).replace("change/", "reply/")
    )

    form = BeautifulSoup(page.text, "html.parser")
    assert form.find("input", id="author")["value"] == settings.SITE_NAME
    assert form.find("input", id="email")["value"] == settings.DEFAULT_FROM_EMAIL


def test_the_editor_answers_data_requests(run_editor_client):
    page = run_editor_client.get(reverse("admin:comments_data_request"))

    assert page.status_code == 200


def test_an_editor_without_the_permission_is_told_why_with_no_traceback(editor_client, caplog):

    with caplog.at_level(logging.WARNING):
        page = editor_client.get(reverse("admin:comments_data_request"))

    assert page.status_code == 403
    assert "Can export and erase a reader" in page.text
    assert [record for record in caplog.records if record.exc_info] == []
