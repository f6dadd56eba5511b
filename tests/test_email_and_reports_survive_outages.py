"""What the site owes someone outside a request is sent once, retried, given up, sent again.

Subscriber email, the editors' email about a comment in the queue and Akismet's spam and ham
reports all go through one outbox (`core.outbox`), so each of them behaves the same way when
the mail server or Akismet is down, and when a worker dies holding one.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import AkismetReport, Comment, CommentEvent, ModeratorNotice, Status
from core import outbox
from devstack.stack import free_port
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

EDITOR = "mod@example.com"
STORED = {"user_ip": "198.51.100.9", "user_agent": "Mozilla/5.0", "comment_content": "Hi."}


def send_due(label: str) -> int:
    """Run the outbox as a woken worker does; return how many of `label` went."""
    return outbox.send_due()[label]


def make_due(model, **which) -> None:
    model.objects.filter(**which).update(send_after=timezone.now())


def test_the_editors_email_lost_to_a_mail_server_outage_arrives_once_it_is_back(
    send, post, moderator, akismet_answers, smtp_server, settings
):
    server_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nothing listens there: the server is down

    send(post, author="Grace", comment="Worth a look.")

    notice = ModeratorNotice.objects.get()
    assert (notice.state, notice.attempts) == (ModeratorNotice.State.FAILED, 1)
    assert "ConnectionRefusedError" in notice.last_error
    assert Comment.objects.get().notified_at is None

    settings.EMAIL_PORT = server_port
    assert send_due("comments.ModeratorNotice") == 0  # it waits out its backoff first
    make_due(ModeratorNotice)
    assert send_due("comments.ModeratorNotice") == 1

    [email] = smtp_server.wait_for(EDITOR)
    assert "Worth a look." in smtp_server.body(email)
    assert Comment.objects.get().notified_at is not None
    make_due(ModeratorNotice)
    assert send_due("comments.ModeratorNotice") == 0
    assert len(smtp_server.to(EDITOR)) == 1


def test_each_failure_waits_longer_before_the_next_try(post, moderator, settings):
    settings.EMAIL_BACKEND = "tests.subscriptions.test_notification_rules.RefusingBackend"
    comment = CommentFactory(post=post, status=Status.PENDING)
    notice = ModeratorNotice.objects.create(comment=comment)

    waits = []
    for _ in range(4):
        make_due(ModeratorNotice)
        before = timezone.now()
        assert outbox.deliver("comments.ModeratorNotice", notice.pk) == "failed: will retry"
        notice.refresh_from_db()
        waits.append(round((notice.send_after - before) / timedelta(minutes=1)))

    assert waits == [1, 2, 4, 8]
    assert notice.attempts == 4


def test_a_report_gives_up_after_ten_tries_and_an_editor_can_send_it_again(
    admin_client, double, django_capture_on_commit_callbacks
):
    comment = CommentFactory(status=Status.SPAM, akismet_payload=STORED)
    report = AkismetReport.objects.create(
        comment=comment, kind=AkismetReport.Kind.SPAM, state="failed", attempts=9
    )
    double.mode = "error"

    assert send_due("comments.AkismetReport") == 0
    report.refresh_from_db()
    assert (report.state, report.attempts) == (AkismetReport.State.GAVE_UP, 10)
    failed = comment.events.get(action=CommentEvent.Action.REPORT_FAILED)
    assert failed.reason.endswith("gave up.")
    make_due(AkismetReport)
    assert send_due("comments.AkismetReport") == 0  # given up: it is left alone
    assert len(double.requests_to("submit-spam")) == 1

    double.mode = "normal"
    page = admin_client.get("/admin/comments/akismetreport/?state=gave_up")
    assert "Failed, gave up" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/comments/akismetreport/",
            {"action": "send_again", "_selected_action": [report.pk]},
            follow=True,
        )
    assert "1 report queued to be sent again." in response.text
    report.refresh_from_db()
    assert (report.state, report.attempts) == (AkismetReport.State.SENT, 1)
    assert len(double.requests_to("submit-spam")) == 2


def test_a_message_held_by_a_worker_that_died_is_sent_again_once_its_lease_ends(post, moderator):
    from django.core import mail

    lost, busy = (CommentFactory(post=post, status=Status.PENDING) for _ in range(2))
    # A claim's `send_after` is the end of its lease.
    ended, running = timezone.now() - timedelta(seconds=1), timezone.now() + outbox.lease()
    ModeratorNotice.objects.create(comment=lost, state="sending", send_after=ended)
    ModeratorNotice.objects.create(comment=busy, state="sending", send_after=running)

    assert send_due("comments.ModeratorNotice") == 1

    [email] = mail.outbox
    assert lost.content in email.body
    assert ModeratorNotice.objects.get(comment=busy).state == ModeratorNotice.State.SENDING


def test_a_message_handed_over_twice_is_sent_once(post, moderator):
    from django.core import mail

    notice = ModeratorNotice.objects.create(
        comment=CommentFactory(post=post, status=Status.PENDING)
    )

    assert outbox.deliver("comments.ModeratorNotice", notice.pk) == "sent"
    assert outbox.deliver("comments.ModeratorNotice", notice.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_a_report_waits_for_an_akismet_key_without_using_up_its_tries(settings):
    settings.AKISMET_API_KEY = ""
    report = AkismetReport.objects.create(
        comment=CommentFactory(status=Status.SPAM, akismet_payload=STORED),
        kind=AkismetReport.Kind.SPAM,
    )

    assert outbox.deliver("comments.AkismetReport", report.pk).startswith("held:")

    report.refresh_from_db()
    assert (report.state, report.attempts) == (AkismetReport.State.QUEUED, 0)
    assert report.send_after - timezone.now() > timedelta(minutes=59)


def test_editors_see_whether_their_email_about_a_comment_went_out(editor_client, post, settings):
    settings.EMAIL_BACKEND = "tests.subscriptions.test_notification_rules.RefusingBackend"
    UserFactory(username="moderator", email=EDITOR, is_superuser=True)
    notice = ModeratorNotice.objects.create(
        comment=CommentFactory(post=post, status=Status.PENDING)
    )
    outbox.deliver("comments.ModeratorNotice", notice.pk)

    page = editor_client.get("/admin/comments/moderatornotice/")

    assert page.status_code == 200
    assert "Failed, will retry" in page.text
    assert "SMTPServerDisconnected" in page.text


def test_messages_queued_together_each_go_at_their_own_time_with_no_task_row(
    post, moderator, settings, django_capture_on_commit_callbacks
):
    from django.core import mail
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    now, later = timezone.now(), timezone.now() + timedelta(minutes=15)
    due = [ModeratorNotice.objects.create(comment=waiting(post), send_after=now) for _ in range(2)]
    held = ModeratorNotice.objects.create(comment=waiting(post), send_after=later)

    with django_capture_on_commit_callbacks(execute=True):
        outbox.queue(*due, held)

    # The rows are the queue: the commit woke the outbox, which sent what was due.
    assert not DBTaskResult.objects.exists()
    assert len(mail.outbox) == 2
    held.refresh_from_db()
    assert held.state == ModeratorNotice.State.QUEUED
    # The workers wake by themselves when the held one is due.
    assert outbox.next_due() == later
    make_due(ModeratorNotice, pk=held.pk)
    assert send_due("comments.ModeratorNotice") == 1
    assert len(mail.outbox) == 3
    assert outbox.next_due() is None


def waiting(post):
    return CommentFactory(post=post, status=Status.PENDING)


def test_an_editor_sends_a_failed_email_to_the_editors_again_from_the_admin(
    editor_client, post, settings, django_capture_on_commit_callbacks
):
    from django.core import mail

    notice = ModeratorNotice.objects.create(
        comment=CommentFactory(post=post, status=Status.PENDING), state="gave_up", attempts=8
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            "/admin/comments/moderatornotice/",
            {"action": "send_again", "_selected_action": [notice.pk]},
            follow=True,
        )

    assert "1 email queued to be sent again." in response.text
    notice.refresh_from_db()
    assert (notice.state, notice.attempts) == (ModeratorNotice.State.SENT, 1)
    assert [m.to for m in mail.outbox] == [[editor_client.editor.email]]


def test_a_batch_is_claimed_and_recorded_in_one_statement_per_outcome(post, moderator):
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def updates_of_the_notices(waiting: int, decided: int) -> int:
        ModeratorNotice.objects.all().delete()
        for status in [Status.PENDING] * waiting + [Status.APPROVED] * decided:
            ModeratorNotice.objects.create(comment=CommentFactory(post=post, status=status))
        with CaptureQueriesContext(connection) as queries:
            assert send_due("comments.ModeratorNotice") == waiting
        table = ModeratorNotice._meta.db_table
        return sum(
            q["sql"].lstrip().startswith(f'UPDATE "{table}"') for q in queries.captured_queries
        )

    # The claim, the sent ones, the cancelled ones (nothing left to say: already decided).
    assert updates_of_the_notices(waiting=1, decided=1) == 3
    assert updates_of_the_notices(waiting=3, decided=3) == 3
    assert len(mail.outbox) == 4
    assert set(ModeratorNotice.objects.values_list("state", flat=True)) == {"sent", "cancelled"}
