"""A mail server that accepts connections and never answers holds up no one.

A real gunicorn server and one `manage.py run_worker` process run on the test database; the
site's email goes to a TCP server on 127.0.0.1 that accepts every connection and says
nothing, as a wedged mail relay does.
"""

import re
import socket
import threading

import httpx
import pytest
from django.db import connection

from comments.models import Comment, ModeratorNotice, Verdict
from core.outbox import Message
from devstack.stack import comment_form, database_url_for, db_worker, gunicorn, stack_env
from tests.factories import PostFactory
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


class SilentServer:
    """A TCP server that accepts every connection and never sends a byte."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self.accept, daemon=True)

    def accept(self):
        while True:
            try:
                conn, _address = self.sock.accept()
            except OSError:
                return  # closed
            self.accepted.append(conn)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.sock.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture
def silent_mail_server():
    with SilentServer() as server:
        yield server


def post_comment(base_url: str, article, n: int) -> int:
    with httpx.Client(timeout=30) as client:
        action, hidden = comment_form(client.get(base_url + article.get_absolute_url()).text)
        answer = client.post(
            base_url + action,
            data={
                **hidden,
                "author": f"Reader {n}",
                "email": f"reader{n}@example.com",
                "comment": f"Comment number {n}: selling is not marketing.",
            },
        )
    assert answer.status_code == 302, answer.text[:300]
    return int(re.search(r"#comment-(\d+)$", answer.headers["location"])[1])


def test_a_mail_server_that_never_answers_fails_the_email_and_the_worker_moves_on(
    double, silent_mail_server, moderator, tmp_path
):
    article = PostFactory(title="Selling vs. Marketing")
    env = stack_env(
        database_url_for(connection),
        AKISMET_API_KEY="test-key",
        AKISMET_API_URL=double.url,
        COMMENTS_FLOOD_SECONDS=0,
        CACHE_URL=f"filecache://{tmp_path / 'cache'}",
        EMAIL_URL=f"smtp://127.0.0.1:{silent_mail_server.port}",
        EMAIL_TIMEOUT=2,
    )
    with gunicorn(env, workers=1) as web, db_worker(env):
        first = post_comment(web.url, article, 1)

        def notice_failed():
            """the editors' email about the first comment to fail on the silent server"""
            return ModeratorNotice.objects.filter(
                comment_id=first, state=Message.State.FAILED
            ).first()

        # The one worker would still be waiting for the server's greeting without a timeout.
        notice = wait_for(notice_failed, timeout=30)
        assert silent_mail_server.accepted, "the email never reached the mail server"
        assert "timed out" in notice.last_error
        assert notice.attempts == 1

        second = post_comment(web.url, article, 2)

        def second_checked():
            """the next comment's spam check to complete on the same worker"""
            return Comment.objects.filter(pk=second, spam_verdict=Verdict.HAM).exists()

        wait_for(second_checked, timeout=30)
