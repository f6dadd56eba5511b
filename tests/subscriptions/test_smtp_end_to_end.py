"""The whole round trip over a real SMTP server: confirm, receive a follow-up, one-click out."""

import pytest
from django.test import Client

from comments.models import Status
from subscriptions.models import Subscription
from tests.comments.moderation_helpers import run_action
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

READER = "grace@example.com"


def path_of(url: str) -> str:
    assert url.startswith("https://blog.example/")
    return url.removeprefix("https://blog.example")


def test_reader_confirms_gets_a_follow_up_and_unsubscribes_in_one_click_over_smtp(
    smtp_server, send, post, editor, client, django_capture_on_commit_callbacks
):
    response = send(post, email=READER, subscribe_comments="yes", author="Grace Reader")
    assert response.status_code == 302

    [confirmation] = smtp_server.wait_for(READER)
    assert "Please confirm" in confirmation["Subject"]
    confirm = path_of(smtp_server.link(confirmation, "confirm"))
    assert "Yes, email me about new comments" in client.get(confirm).text
    assert "Subscription confirmed" in client.post(confirm).text

    answer = CommentFactory(
        post=post, status=Status.PENDING, author_name="Ada", content="Both, in that order."
    )
    editors_browser = Client()
    editors_browser.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        run_action(editors_browser, "approve_comments", [answer])

    [_, follow_up] = smtp_server.wait_for(READER, 2)
    assert f"New comment on “{post.title}”" in follow_up["Subject"]
    assert "Both, in that order." in smtp_server.body(follow_up)
    assert follow_up["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = smtp_server.one_click(follow_up)
    assert one_click == smtp_server.link(follow_up, "unsubscribe")

    # What a mail client does for RFC 8058: a POST with no cookies, no login, no CSRF token.
    mail_client = Client(enforce_csrf_checks=True)
    done = mail_client.post(
        path_of(one_click),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert done.status_code == 200
    assert not Subscription.objects.exists()

    later = CommentFactory(post=post, status=Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        run_action(editors_browser, "approve_comments", [later])
    assert len(smtp_server.to(READER)) == 2
