"""An editor of comments is whoever holds the moderate permission; being staff is not enough."""

import pytest
from django.core import mail

from comments.models import Comment
from comments.workflow import notifications
from tests.factories import CommentFactory, UserFactory
from tests.support.people import make_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def post_writer(client):
    """Staff who may write posts but not moderate comments, signed in."""
    writer = UserFactory(username="writer", is_staff=True)
    client.force_login(writer)
    return writer


def test_staff_without_the_moderate_permission_are_held_to_the_flood_rule(send, post, post_writer):
    assert send(post, ip="203.0.113.5", comment="First").status_code == 302
    assert send(post, ip="203.0.113.5", comment="Second").status_code == 429


def test_staff_without_the_moderate_permission_go_to_akismet_as_readers(
    send, post, post_writer, akismet_answers
):
    send(post)

    assert akismet_answers.calls[0].get("user_role", "") != "administrator"
    assert Comment.objects.get().user == post_writer


def test_the_new_comment_email_goes_to_active_moderators_only(
    db, django_capture_on_commit_callbacks
):
    make_editor("eddie", email="eddie@example.com")
    make_editor("gone", email="gone@example.com", is_active=False)
    UserFactory(username="writer", is_staff=True, email="writer@example.com")
    comment = CommentFactory(status="pending")

    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.notify_moderators(comment.pk)

    assert [message.to for message in mail.outbox] == [["eddie@example.com"]]
