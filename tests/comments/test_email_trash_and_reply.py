"""The new-comment email's Trash and Reply links: each asks once, then acts."""

import re

import pytest
from django.core import mail

from comments.models import Comment, CommentEvent, Status
from tests.support.people import make_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def emailed(send, post, moderator, akismet_answers, settings):
    """Post a comment that waits for review; return it and the email the moderator gets."""
    settings.SITE_URL = "https://blog.example"
    send(post, author="Grace", email="grace@example.com", comment="Worth a look.")
    [email] = mail.outbox
    return Comment.objects.get(), email.body


def link(body: str, label: str) -> str:
    return re.search(rf"^{label}: https://blog\.example(\S+)$", body, re.M).group(1)


def test_the_email_links_to_trash_and_reply_beside_approve_and_spam(emailed):
    comment, body = emailed

    for label, page in [
        ("Approve it", "approve"),
        ("Mark it as spam", "spam"),
        ("Move it to the trash", "trash"),
        ("Approve and reply", "approve-and-reply"),
    ]:
        assert link(body, label) == f"/admin/comments/comment/{comment.pk}/{page}/"


def test_the_trash_link_asks_then_trashes(emailed, client):
    comment, body = emailed
    client.force_login(make_editor())
    url = link(body, "Move it to the trash")

    question = client.get(url)
    comment.refresh_from_db()
    assert "Move to trash this comment?" in question.text
    assert comment.status == Status.PENDING

    client.post(url)
    comment.refresh_from_db()
    assert comment.status == Status.TRASH


def test_the_reply_link_opens_the_form_then_the_reply_approves_and_answers(
    emailed, client, django_capture_on_commit_callbacks
):
    comment, body = emailed
    client.force_login(make_editor())
    url = link(body, "Approve and reply")

    page = client.get(url)
    comment.refresh_from_db()
    assert "Reply to Grace" in page.text
    assert comment.status == Status.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"author": "Eddie", "email": "eddie@example.com", "comment": "Thanks!"})
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    assert comment.replies.get().status == Status.APPROVED
    assert comment.events.filter(action=CommentEvent.Action.REPLIED).exists()
