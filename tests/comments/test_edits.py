"""An editor's change to what a reader wrote is history, and changed text is checked again."""

import pytest
from django.urls import reverse

from comments.models import Comment, CommentEvent, Status
from tests.factories import CommentFactory
from tests.support.people import make_editor

pytestmark = pytest.mark.django_db


def edit(client, comment, **changes):
    data = {
        "author_name": comment.author_name,
        "author_email": comment.author_email,
        "author_url": comment.author_url,
        "content": comment.content,
        **changes,
    }
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_an_editors_change_is_in_the_comments_history(editor_client, editor, post):
    comment = CommentFactory(post=post, author_name="Grace Redaer")

    edit(editor_client, comment, author_name="Grace Reader", author_url="https://grace.example/")

    event = comment.events.get(action=CommentEvent.Action.EDITED)
    assert event.actor == editor
    assert event.reason == "Changed name, website."
    page = editor_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    assert "Changed name, website." in page.content.decode()


def test_changed_text_of_a_checked_comment_is_rechecked_with_reason_edit(
    send, post, client, akismet_answers, django_capture_on_commit_callbacks
):
    send(post, comment="First words.")
    comment = Comment.objects.get()
    assert comment.status == Status.PENDING
    client.force_login(make_editor())

    with django_capture_on_commit_callbacks(execute=True):
        edit(client, comment, content="Better words.")

    first, again = akismet_answers.calls
    assert again["recheck_reason"] == "edit"
    assert again["comment_content"] == "Better words."
    assert "recheck_reason" not in first


def test_a_changed_name_alone_is_not_rechecked(
    send, post, client, akismet_answers, django_capture_on_commit_callbacks
):
    send(post)
    comment = Comment.objects.get()
    client.force_login(make_editor())

    with django_capture_on_commit_callbacks(execute=True):
        edit(client, comment, author_name="G. Reader")

    assert len(akismet_answers.calls) == 1
    assert comment.events.filter(action=CommentEvent.Action.EDITED).exists()


def test_an_edit_of_an_approved_comment_shows_on_the_page(editor_client, post):
    comment = CommentFactory(post=post, content="Typo hree.")

    edit(editor_client, comment, content="Typo here.")

    assert "Typo here." in editor_client.get(post.get_absolute_url()).content.decode()
