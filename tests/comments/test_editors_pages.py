"""What the editors' pages are called, how their forms are labelled, what their counts link to."""

import html
import re

import pytest
from django.urls import reverse

from comments.models import Status
from tests.comments.moderation_helpers import queue_url
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


def title_of(page) -> str:
    return html.unescape(re.search(r"<title>(.*?)</title>", page.text, re.S).group(1)).strip()


def test_the_admin_carries_the_blogs_name_not_djangos(editor_client, settings):
    page = editor_client.get("/admin/")

    assert f'<a href="/admin/">{settings.SITE_NAME}</a>' in page.text
    assert title_of(page).endswith(f"| {settings.SITE_NAME}")
    assert "Django administration" not in page.text
    assert "Django site admin" not in page.text


def test_the_comment_page_is_titled_by_author_and_post_in_whole_words(editor_client):
    post = PostFactory(
        title="Why selling and marketing are two halves of one job, and which comes first"
    )
    comment = CommentFactory(
        post=post,
        author_name="Rita Reader",
        content="Marketing makes selling possible; selling pays for marketing. " * 3,
    )

    page = editor_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))

    heading = html.unescape(re.search(r"<h1>(.*?)</h1>", page.text, re.S).group(1))
    assert (
        heading
        == "Comment by Rita Reader on “Why selling and marketing are two halves of one job, and…”"
    )
    assert title_of(page).startswith(heading)
    assert str(post.pk) not in heading
    history = editor_client.get(reverse("admin:comments_comment_history", args=[comment.pk]))
    # Every word on the history page's title is whole.
    assert "“Marketing makes selling possible; selling pays…”" in title_of(history)


def test_a_short_title_is_shown_whole(editor_client):
    comment = CommentFactory(post=PostFactory(title="Short"), author_name="Sam")

    page = editor_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))

    assert "<h1>Comment by Sam on “Short”</h1>" in page.text


def test_quick_edit_labels_each_field_as_the_readers_form_does(editor_client):
    comment = CommentFactory(status=Status.PENDING)

    page = editor_client.get(reverse("admin:comments_comment_quick_edit", args=[comment.pk]))

    form = re.search(r'<form[^>]*class="quick-edit.*?</form>', page.text, re.S).group(0)
    labels = dict(re.findall(r'<label[^>]*for="([^"]+)"[^>]*>([^<]+)</label>', form))
    fields = re.findall(r'<(?:input|textarea)[^>]*\bname="(?!csrf)([^"]+)"[^>]*>', form)
    ids = dict(re.findall(r'<(?:input|textarea)[^>]*name="(?!csrf)([^"]+)"[^>]*id="([^"]+)"', form))
    assert fields == ["author_name", "author_email", "author_url", "content"]
    assert [labels[ids[name]] for name in fields] == ["Name", "Email", "Website", "Comment"]
    # Ids of the comment's own: the form opens inside the queue, beside other rows.
    assert all(str(comment.pk) in field_id for field_id in ids.values())


def test_the_queue_shows_how_many_wait_on_each_post_linking_to_them(editor_client):
    busy = PostFactory(title="Busy post")
    CommentFactory.create_batch(3, post=busy, status=Status.PENDING)
    CommentFactory(post=busy, status=Status.APPROVED)
    CommentFactory(post=PostFactory(title="Quiet post"), status=Status.PENDING)

    page = editor_client.get(queue_url()).text

    busy_link = html.escape(queue_url(post__id__exact=busy.pk))
    assert f'<a class="post-pending" href="{busy_link}">3 pending</a>' in page
    assert ">1 pending</a>" in page
    followed = editor_client.get(queue_url(post__id__exact=busy.pk))
    assert len(followed.context["cl"].result_list) == 3


def test_the_authors_approved_count_links_to_their_comments(editor_client):
    CommentFactory.create_batch(2, author_email="fan@example.com", status=Status.APPROVED)
    CommentFactory(author_email="fan@example.com", status=Status.PENDING)

    page = editor_client.get(queue_url()).text

    link = html.escape(queue_url(q="fan@example.com", status="approved"))
    assert f'<a class="approved-count" href="{link}">2 approved</a>' in page
    followed = editor_client.get(queue_url(q="fan@example.com", status="approved"))
    assert len(followed.context["cl"].result_list) == 2


def test_the_queue_lists_its_keyboard_shortcuts_and_marks_each_rows_keys(editor_client):
    CommentFactory(status=Status.PENDING)

    page = editor_client.get(queue_url()).text

    assert '<details class="keyboard-shortcuts" hidden>' in page
    for key, what in [("j", "select the next"), ("a", "approve"), ("z", "undo the last move")]:
        assert f"<kbd>{key}</kbd>" in page
        assert what in page
    for key, label in [("a", "Approve"), ("s", "Spam"), ("d", "Trash"), ("r", "Reply")]:
        assert re.search(rf'data-shortcut="{key}" aria-keyshortcuts="{key}">{label}<', page)
    assert 'src="/static/comments/shortcuts.js"' in page
