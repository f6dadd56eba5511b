"""Editors are told in their chat too: a Slack-compatible webhook gets each held comment."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from comments.models import DiscussionSettings, Status, WebhookNotice
from comments.rules import conf
from comments.workflow import notifications, webhooks
from core import outbox
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


class ChatServer:
    """A local incoming-webhook server that fails its first `failures` requests."""

    def __init__(self, failures: int):
        self.failures = failures
        self.received: list[dict] = []
        chat = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                chat.received.append(json.loads(body))
                failed = len(chat.received) <= chat.failures
                self.send_response(500 if failed else 200)
                self.end_headers()
                self.wfile.write(b"error" if failed else b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/services/T0/B0/secret"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def chat():
    with ChatServer(failures=1) as server:
        yield server


def use_webhook(url: str) -> None:
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"moderation_webhook_url": url})


def held_comment(post):
    return CommentFactory(
        post=post, status=Status.PENDING, hold_reason="2 links", author_name="Grace Hopper"
    )


def test_a_held_comment_reaches_the_chat_after_a_failure_and_send_again(
    chat, post, editor_client, django_capture_on_commit_callbacks
):
    use_webhook(chat.url)
    comment = held_comment(post)

    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_moderators(comment.pk)
    notice = WebhookNotice.objects.get()
    assert notice.state == WebhookNotice.State.FAILED
    assert "500" in notice.last_error

    with django_capture_on_commit_callbacks(execute=True):
        answer = editor_client.post(
            "/admin/comments/webhooknotice/",
            {"action": "send_again", "_selected_action": [notice.pk]},
        )

    assert answer.status_code == 302
    notice.refresh_from_db()
    assert notice.state == WebhookNotice.State.SENT
    assert len(chat.received) == 2
    text = chat.received[-1]["text"]
    assert f"A comment by Grace Hopper on “{post.title}” waits for review (2 links)." in text
    assert f"/admin/comments/comment/{comment.pk}/change/" in text


def test_a_chat_server_that_never_answers_does_not_hold_the_worker(
    post, monkeypatch, django_capture_on_commit_callbacks
):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # connections are accepted by the kernel and never answered
    monkeypatch.setattr(conf, "WEBHOOK_TIMEOUT_SECONDS", 0.5)
    monkeypatch.setattr(webhooks, "_client", None)
    use_webhook(f"http://127.0.0.1:{silent.getsockname()[1]}/hook")
    comment = held_comment(post)

    try:
        with django_capture_on_commit_callbacks(execute=True):
            notifications.notify_moderators(comment.pk)
    finally:
        silent.close()

    notice = WebhookNotice.objects.get()
    assert notice.state == WebhookNotice.State.FAILED
    assert "Timeout" in notice.last_error


def test_without_a_webhook_nothing_is_queued_for_the_chat(post, django_capture_on_commit_callbacks):
    comment = held_comment(post)

    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_moderators(comment.pk)

    assert not WebhookNotice.objects.exists()


def test_a_comment_decided_before_the_message_goes_needs_none(
    chat, post, django_capture_on_commit_callbacks
):
    use_webhook(chat.url)
    comment = held_comment(post)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_moderators(comment.pk)
    comment.status = Status.APPROVED
    comment.save()

    with django_capture_on_commit_callbacks(execute=True):
        outbox.send_again(WebhookNotice.objects.all())

    assert WebhookNotice.objects.get().state == WebhookNotice.State.CANCELLED
    assert len(chat.received) == 1
