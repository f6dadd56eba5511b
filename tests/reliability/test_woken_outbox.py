"""The outbox is woken, not polled: email goes out at once, retries on time, and a killed
worker's message goes out once, after its lease.

Real gunicorn servers and `manage.py run_worker` processes run on the test database, with the
Akismet-compatible HTTP double standing in for Akismet and a real SMTP server (aiosmtpd)
receiving the site's email.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.models import ModeratorNotice, Status
from core import recurring
from core.outbox import CHANNEL, Message
from core.workers import IDLE_LOOK, WOKEN
from devstack.stack import db_worker, gunicorn
from tests.factories import CommentFactory
from tests.reliability.readers import post_comments
from tests.reliability.test_mail_server_faults import SilentServer
from tests.subscriptions.mailbox import start_smtp_server
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

EDITOR = "mod@example.com"


@pytest.fixture
def akismet_timeout() -> int:
    return 1


@pytest.fixture
def mail_server():
    inbox, controller = start_smtp_server()
    try:
        yield inbox, f"smtp://127.0.0.1:{controller.port}"
    finally:
        controller.stop()


def listening() -> bool:
    """a task worker's waker to listen (for the outbox, among its channels)"""
    from django.db import connection

    assert CHANNEL in WOKEN
    with connection.cursor() as cursor:
        # Its connection's last statement is the last of its LISTENs, while it waits.
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE query = ANY(%s) AND state = 'idle'",
            [[f'LISTEN "{channel}"' for channel in WOKEN]],
        )
        return cursor.fetchone()[0] > 0


def recorded_sent():
    """the worker to record the email as sent"""
    return ModeratorNotice.objects.filter(state=Message.State.SENT).first()


def tasks_besides_maintenance():
    return DBTaskResult.objects.exclude(task_path__in=[t.module_path for t in recurring.RECURRING])


def test_the_editors_email_reaches_the_mail_server_at_once_with_no_task_row(
    double, env, article, moderator, mail_server
):
    inbox, email_url = mail_server
    env = {**env, "EMAIL_URL": email_url}
    with gunicorn(env, workers=1) as web, db_worker(env):
        wait_for(listening, timeout=60)
        [comment_id] = post_comments(web.url, article, 1)

        # Checked, held for review, and the editors told: well before the idle look, so only
        # the notifications can have woken the worker.
        [email] = inbox.wait_for(EDITOR, timeout=IDLE_LOOK / 4)
        wait_for(recorded_sent, timeout=10)

    assert "Comment number 0 on selling and marketing." in inbox.body(email)
    notice = ModeratorNotice.objects.get(comment_id=comment_id)
    assert (notice.state, notice.attempts) == (Message.State.SENT, 1)
    # The notice row was the queue entry: no task row carried it.
    assert not tasks_besides_maintenance().exists()


def test_a_failed_email_is_retried_when_its_time_comes_by_a_worker_no_one_wakes(
    double, env, article, moderator, mail_server
):
    inbox, email_url = mail_server
    comment = CommentFactory(post=article, status=Status.PENDING)
    # As a first failure leaves it; its retry is due a little after the worker starts.
    retry_at = timezone.now() + timedelta(seconds=15)
    ModeratorNotice.objects.create(
        comment=comment,
        state=Message.State.FAILED,
        attempts=1,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
        send_after=retry_at,
    )

    with db_worker({**env, "EMAIL_URL": email_url}):
        [email] = inbox.wait_for(EDITOR, timeout=(retry_at - timezone.now()).seconds + 10)
        arrived_at = timezone.now()
        wait_for(recorded_sent, timeout=10)

    assert comment.content in inbox.body(email)
    # On time: not before its retry, and well before the idle look would have found it.
    assert retry_at <= arrived_at < retry_at + timedelta(seconds=IDLE_LOOK / 4)
    notice = ModeratorNotice.objects.get()
    assert (notice.state, notice.attempts, notice.last_error) == (Message.State.SENT, 2, "")
    assert not tasks_besides_maintenance().exists()


def test_a_worker_killed_holding_an_email_leaves_it_to_another_after_its_lease_once(
    double, env, article, moderator, mail_server
):
    inbox, email_url = mail_server
    comment = CommentFactory(post=article, status=Status.PENDING)
    ModeratorNotice.objects.create(comment=comment)

    with SilentServer() as silent:
        # A worker claims the email and waits on a mail server that never answers.
        stuck = {**env, "EMAIL_URL": f"smtp://127.0.0.1:{silent.port}", "EMAIL_TIMEOUT": "3"}
        with db_worker(stuck) as first:

            def claimed():
                """the worker to claim the email and be waiting on the mail server"""
                notice = ModeratorNotice.objects.get()
                return silent.accepted and notice.state == Message.State.SENDING and notice

            held = wait_for(claimed, timeout=60)
            first.kill()
        lease_ends = held.send_after

        with db_worker({**env, "EMAIL_URL": email_url}):
            # Not while the lease holds (its worker might still be sending it) …
            wait_for(listening, timeout=60)
            assert ModeratorNotice.objects.get().state == Message.State.SENDING
            assert not inbox.to(EDITOR)
            # … and once it ends, sent by the other worker.
            [email] = inbox.wait_for(
                EDITOR, timeout=(lease_ends - timezone.now()).total_seconds() + 15
            )
            arrived_at = timezone.now()
            wait_for(recorded_sent, timeout=10)

    assert arrived_at >= lease_ends
    assert comment.content in inbox.body(email)
    notice = ModeratorNotice.objects.get()
    assert (notice.state, notice.attempts) == (Message.State.SENT, 2)
    assert len(inbox.to(EDITOR)) == 1


def test_a_worker_stopped_while_sending_records_the_outcome_before_it_exits(
    double, env, article, moderator
):
    ModeratorNotice.objects.create(comment=CommentFactory(post=article, status=Status.PENDING))

    with SilentServer() as silent:
        stuck = {**env, "EMAIL_URL": f"smtp://127.0.0.1:{silent.port}", "EMAIL_TIMEOUT": "3"}
        with db_worker(stuck) as worker:

            def sending():
                """the worker to be sending the email to a mail server that never answers"""
                state = ModeratorNotice.objects.values_list("state", flat=True).get()
                return silent.accepted and state == Message.State.SENDING

            wait_for(sending, timeout=60)
            # As a deploy stops it: the send in flight ends (here, times out) and is recorded.
            worker.stop()
            assert not worker.alive()

    notice = ModeratorNotice.objects.get()
    assert (notice.state, notice.attempts) == (Message.State.FAILED, 1)
    assert "timed out" in notice.last_error
