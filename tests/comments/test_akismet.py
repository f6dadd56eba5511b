"""Every stored comment gets Akismet's verdict, or waits in the queue until it can."""

import datetime
import os
from dataclasses import replace
from datetime import timedelta

import akismet
import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.utils import timezone

from comments import tasks
from comments.models import Comment, CommentEvent, Status, Verdict
from comments.rules import conf
from comments.spam import akismet as spam
from comments.spam import checker, checks
from comments.workflow import check_queue, moves
from comments.workflow import writer as workflow
from core import workers
from devstack.akismet_double import SITE_TIMEOUT
from tests.factories import CommentFactory

# Someone to notify, so tests can see when a comment reaches the queue.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("superuser")]

UNAVAILABLE = "Akismet was unable to check this comment but will automatically retry later."


def last_event(comment) -> CommentEvent:
    return comment.events.order_by("pk").last()


# --- What is sent ---------------------------------------------------------------------------


def test_everything_akismet_accepts_is_sent_field_by_field(send, post, akismet_answers, settings):
    settings.SITE_URL = "https://blog.example"
    send(
        post,
        ip="203.0.113.9",
        author="Grace Reader",
        email="grace@example.com",
        url="https://grace.example/",
        comment="Marketing is a conversation.",
        headers={"HTTP_USER_AGENT": "Mozilla/5.0 Test", "HTTP_REFERER": "https://ref.example/"},
    )

    comment = Comment.objects.get()
    [sent] = akismet_answers.calls
    assert sent == {
        "user_ip": "203.0.113.9",
        "user_agent": "Mozilla/5.0 Test",
        "referrer": "https://ref.example/",
        "permalink": f"https://blog.example{post.get_absolute_url()}",
        "comment_type": "comment",
        "comment_author": "Grace Reader",
        "comment_author_email": "grace@example.com",
        "comment_author_url": "https://grace.example/",
        "comment_content": "Marketing is a conversation.",
        "comment_date_gmt": comment.submitted_at.astimezone(datetime.UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        ),
        "comment_post_modified_gmt": post.updated_at.astimezone(datetime.UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        ),
        "blog_lang": "en",
        "blog_charset": "UTF-8",
        "honeypot_field_name": "ak_hp_textarea",
    }
    # Kept, so spam and ham reports later send exactly the same.
    assert comment.akismet_payload == sent


def test_reply_is_sent_as_a_reply(send, post, akismet_answers):
    parent = CommentFactory(post=post)

    send(post, comment_parent=str(parent.pk))

    assert akismet_answers.calls[0]["comment_type"] == "reply"


def test_test_mode_sends_is_test(send, post, akismet_answers, settings):
    settings.AKISMET_TEST_MODE = True

    send(post)

    assert akismet_answers.calls[0]["is_test"] == 1


def test_a_moderators_comment_is_sent_with_the_administrator_role(
    send, editor_client, post, akismet_answers
):

    send(post)

    assert akismet_answers.calls[0]["user_role"] == "administrator"


def test_the_reader_never_waits_for_akismet(
    client, post, double, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from tests.comments.commenting import form_data

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("comments:post", args=[post.pk]), form_data(post))

    assert response.status_code == 302
    assert Comment.objects.get().status == Status.AWAITING_CHECK
    assert double.requests_to("comment-check") == []
    assert len(queued) == 1  # the check, queued for after the commit


# --- Verdicts through the akismet package's TestSyncClient ---------------------------------


def test_ham_goes_to_the_moderation_queue(send, post, akismet_answers):
    send(post)

    comment = Comment.objects.get()
    assert (comment.status, comment.spam_verdict) == (Status.PENDING, Verdict.HAM)
    event = last_event(comment)
    assert event.reason.startswith("Akismet cleared this comment.")
    assert (event.actor_label, event.from_status, event.to_status) == (
        "Akismet",
        Status.AWAITING_CHECK,
        Status.PENDING,
    )
    assert comment.spam_checked_at is not None


def test_spam_goes_to_the_spam_folder_without_an_email(send, post, akismet_answers):
    akismet_answers(akismet.CheckResponse.SPAM)

    send(post)

    comment = Comment.objects.get()
    assert (comment.status, comment.spam_verdict) == (Status.SPAM, Verdict.SPAM)
    assert last_event(comment).reason == "Akismet caught this comment as spam."
    assert mail.outbox == []


def test_discard_goes_to_spam_flagged_discard(send, post, akismet_answers):
    akismet_answers(akismet.CheckResponse.DISCARD)

    send(post)

    comment = Comment.objects.get()
    assert (comment.status, comment.spam_verdict) == (Status.SPAM, Verdict.DISCARD)
    assert last_event(comment).reason.startswith("Akismet caught this comment as spam")


def test_discard_is_dropped_when_the_setting_says_so(send, post, akismet_answers, settings):
    settings.AKISMET_DROP_DISCARD = True
    akismet_answers(akismet.CheckResponse.DISCARD)

    response = send(post)

    assert response.status_code == 302
    assert Comment.objects.count() == 0
    record = CommentEvent.objects.get(action=CommentEvent.Action.PURGED)
    assert "dropped (AKISMET_DROP_DISCARD)" in record.reason
    assert mail.outbox == []


@pytest.mark.parametrize(
    "error",
    [
        akismet.RequestError("Akismet timed out."),
        akismet.ProtocolError("Received unexpected or non-standard response from Akismet."),
        akismet.APIKeyError("Akismet API key and/or site URL are invalid."),
    ],
)
def test_failed_check_waits_in_the_queue_labelled_awaiting_spam_check(
    send, post, monkeypatch, settings, error
):
    settings.AKISMET_API_KEY = "test-key"

    class Failing(akismet.TestSyncClient):
        def comment_check(self, user_ip, **kwargs):
            raise error

    monkeypatch.setattr(spam, "client_class", Failing)

    send(post)

    comment = Comment.objects.get()
    assert comment.status == Status.AWAITING_CHECK
    assert comment.get_status_display() == "Awaiting spam check"
    assert comment.spam_verdict == Verdict.ERROR
    assert comment.check_error == str(error)
    assert last_event(comment).reason == UNAVAILABLE
    assert comment in Comment.objects.in_queue()


def test_no_key_skips_the_check_and_queues_the_comment(send, post, settings):
    settings.AKISMET_API_KEY = ""

    send(post)

    comment = Comment.objects.get()
    assert (comment.status, comment.spam_verdict) == (Status.PENDING, Verdict.SKIPPED)
    assert last_event(comment).reason == "not checked: Akismet not configured"


# --- Verdicts and failures through the HTTP double ---------------------------------------------


def test_double_ham_is_sent_with_the_key_and_the_site(send, post, double, settings):
    send(post, ip="203.0.113.9", author="Grace Reader")

    [request] = double.requests_to("comment-check")
    assert request.data["api_key"] == "test-key"
    assert request.data["blog"] == f"{settings.SITE_URL}/"
    assert request.data["user_ip"] == "203.0.113.9"
    assert request.data["comment_author"] == "Grace Reader"
    assert request.data["honeypot_field_name"] == "ak_hp_textarea"
    # Over the wire: the key and the site, then exactly the stored payload, field by field.
    stored = Comment.objects.get().akismet_payload
    assert request.data == {
        "api_key": "test-key",
        "blog": f"{settings.SITE_URL}/",
        **{name: str(value) for name, value in stored.items()},
    }
    assert Comment.objects.get().status == Status.PENDING
    # No verify-key round trip before each check.
    assert double.requests_to("verify-key") == []


@pytest.mark.parametrize(
    "fields",
    [
        {"author": "akismet-guaranteed-spam"},
        {"author": "viagra-test-123"},
        {"email": "akismet-guaranteed-spam@example.com"},
    ],
)
def test_double_spam_test_values_go_to_spam(send, post, double, fields):
    send(post, **fields)

    comment = Comment.objects.get()
    assert (comment.status, comment.spam_verdict) == (Status.SPAM, Verdict.SPAM)


def test_double_administrator_role_is_ham(send, editor_client, post, double):

    send(post, author="akismet-guaranteed-spam")

    assert Comment.objects.get().spam_verdict == Verdict.HAM


def test_double_discard_goes_to_spam_flagged_discard(send, post, double):
    double.mode = "discard"

    send(post)

    assert Comment.objects.get().spam_verdict == Verdict.DISCARD


@pytest.mark.parametrize("author", ["akismet-guaranteed-spam", "Grace Reader"])
def test_a_compressed_answer_from_akismet_is_read_as_sent(send, post, double, author):
    double.compressed = True

    send(post, author=author)

    spam = author == "akismet-guaranteed-spam"
    assert Comment.objects.get().spam_verdict == (Verdict.SPAM if spam else Verdict.HAM)
    asked = {k.lower(): v for k, v in double.requests_to("comment-check")[0].headers.items()}
    assert "gzip" in asked["accept-encoding"]  # so the answer came compressed


@pytest.mark.parametrize(
    ("mode", "delay", "error"),
    [
        ("normal", SITE_TIMEOUT + 1, "timed out"),
        ("error", 0, "500"),
        ("garbage", 0, "unexpected"),
        ("invalid_key", 0, "invalid"),
    ],
)
def test_double_failure_keeps_the_comment_and_recovers_on_retry(
    send, post, double, django_capture_on_commit_callbacks, mode, delay, error
):
    double.mode, double.delay = mode, delay

    response = send(post)

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert comment.status == Status.AWAITING_CHECK
    assert comment.spam_verdict == Verdict.ERROR
    assert error in comment.check_error.lower()
    assert comment.check_attempts == 1
    assert comment.next_check_at > timezone.now()
    assert last_event(comment).reason == UNAVAILABLE
    assert len(mail.outbox) == 1  # it is in the queue now: editors are told once

    # Akismet recovers; when the retry is due, the safety net checks it.
    double.reset()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.recheck_overdue.call() == 0  # not due yet
        Comment.objects.update(next_check_at=timezone.now() - timedelta(seconds=1))
        assert tasks.recheck_overdue.call() == 1

    comment.refresh_from_db()
    assert (comment.status, comment.spam_verdict) == (Status.PENDING, Verdict.HAM)
    assert comment.check_error == ""
    assert len(double.requests_to("comment-check")) == 1
    assert len(mail.outbox) == 1


def test_retries_back_off_and_record_the_failure_once(
    send, post, double, django_capture_on_commit_callbacks
):
    double.mode = "error"
    send(post)
    comment = Comment.objects.get()
    first_wait = comment.next_check_at - timezone.now()

    Comment.objects.update(next_check_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.recheck_overdue.call()

    comment.refresh_from_db()
    assert comment.check_attempts == 2
    assert comment.next_check_at - timezone.now() > first_wait
    assert comment.events.filter(action=CommentEvent.Action.CHECK_FAILED).count() == 1
    assert conf.CHECK_RETRY.delay(10) == timedelta(minutes=20)


def test_check_gives_up_after_15_days_and_leaves_it_to_an_editor(
    post, double, django_capture_on_commit_callbacks
):
    double.mode = "error"
    comment = CommentFactory(
        post=post,
        status=Status.AWAITING_CHECK,
        submitted_at=timezone.now() - timedelta(days=15, minutes=1),
        check_attempts=900,
        next_check_at=timezone.now() - timedelta(minutes=1),
    )

    with django_capture_on_commit_callbacks(execute=True):
        tasks.check_comment.call(comment.pk)

    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert comment.next_check_at is None
    assert "15 days" in last_event(comment).reason


def test_an_unexpected_error_is_tried_a_few_times_then_left_to_an_editor(
    post, akismet_answers, monkeypatch, admin_client
):
    def broken(payload):
        raise RuntimeError("a bug, not Akismet")

    monkeypatch.setattr(spam, "comment_check", broken)
    comment = CommentFactory(post=post, status=Status.AWAITING_CHECK, akismet_payload={})
    waiting = CommentFactory(post=post, status=Status.AWAITING_CHECK, akismet_payload={})
    Comment.objects.filter(pk=waiting.pk).update(next_check_at=timezone.now() + timedelta(hours=1))

    for _ in range(conf.CHECK_MAX_UNEXPECTED_FAILURES):
        Comment.objects.filter(pk=comment.pk).update(
            next_check_at=timezone.now() - timedelta(seconds=1)
        )
        tasks.recheck_overdue.call()

    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert comment.spam_verdict == Verdict.ERROR
    assert comment.check_error == "RuntimeError: a bug, not Akismet"
    Comment.objects.filter(pk=waiting.pk).update(next_check_at=timezone.now())
    assert tasks.recheck_overdue.call() == 1  # only the other comment is still tried
    queue = admin_client.get("/admin/comments/comment/?status=pending").content.decode()
    assert "Check failed: RuntimeError: a bug, not Akismet" in queue


def test_a_check_whose_checker_died_is_done_once_its_claim_expires(
    client, post, double, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from tests.comments.commenting import form_data

    # Stored (no in-process check: its commit callbacks are not run), then claimed by a
    # checker that dies before it asks Akismet.
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("comments:post", args=[post.pk]), form_data(post))
    comments, _until = checker.claim()
    assert [c.pk for c in comments] == [Comment.objects.get().pk]

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.recheck_overdue.call() == 0  # another checker leaves it alone
        # Its claim runs out.
        Comment.objects.update(check_claimed_until=timezone.now() - timedelta(seconds=1))
        assert tasks.recheck_overdue.call() == 1

    comment = Comment.objects.get()
    assert (comment.status, comment.spam_verdict) == (Status.PENDING, Verdict.HAM)
    assert comment.check_claimed_until is None
    assert len(double.requests_to("comment-check")) == 1


def test_comment_is_kept_when_its_check_cannot_run_at_once(
    send, post, double, monkeypatch, django_capture_on_commit_callbacks
):
    def broken():
        raise ConnectionError("no checker")

    wake_up = workers.WOKEN[check_queue.CHANNEL]
    monkeypatch.setitem(workers.WOKEN, check_queue.CHANNEL, replace(wake_up, run=broken))
    response = send(post)

    assert response.status_code == 302
    assert Comment.objects.get().status == Status.AWAITING_CHECK
    with django_capture_on_commit_callbacks(execute=True):
        tasks.recheck_overdue.call()
    assert Comment.objects.get().spam_verdict == Verdict.HAM


def test_editor_may_approve_while_the_check_waits_and_keeps_the_decision(
    send, post, double, django_capture_on_commit_callbacks
):
    double.mode = "error"
    send(post)
    comment = Comment.objects.get()
    workflow.apply_move([comment.pk], moves.APPROVE)

    double.reset()
    Comment.objects.update(next_check_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.check_comment.call(comment.pk) == "skipped"

    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    assert double.requests_to("comment-check") == []


def test_a_replayed_check_does_not_check_twice(send, post, double):
    send(post)
    comment = Comment.objects.get()

    assert tasks.check_comment.call(comment.pk) == "skipped"

    assert len(double.requests_to("comment-check")) == 1
    assert comment.events.filter(action=CommentEvent.Action.CHECKED).count() == 1


def test_recheck_of_the_queue_sends_the_reason_and_moves_spam_out(
    post, double, django_capture_on_commit_callbacks
):
    comment = CommentFactory(
        post=post, status=Status.PENDING, author_name="akismet-guaranteed-spam"
    )

    with django_capture_on_commit_callbacks(execute=True):
        tasks.check_comment.call(comment.pk, recheck_reason="recheck_queue")

    [request] = double.requests_to("comment-check")
    assert request.data["recheck_reason"] == "recheck_queue"
    comment.refresh_from_db()
    assert (comment.status, comment.spam_verdict) == (Status.SPAM, Verdict.SPAM)


# --- The system check ------------------------------------------------------------------------


def test_system_check_accepts_a_valid_key(double):
    assert checks.check_akismet_key() == []
    assert len(double.requests_to("verify-key")) == 1


def test_system_check_reports_an_invalid_key(double):
    double.mode = "invalid_key"

    [error] = checks.check_akismet_key()

    assert error.id == "comments.E001"
    assert "rejected AKISMET_API_KEY" in error.msg
    with pytest.raises(SystemCheckError, match=r"comments\.E001"):
        call_command("check", "--deploy", "--tag", "akismet")


def test_system_check_warns_when_akismet_is_unreachable(double):
    double.mode = "error"

    [warning] = checks.check_akismet_key()

    assert warning.id == "comments.W001"


def test_system_check_says_without_a_key_that_comments_go_unchecked_and_where_to_set_one(
    settings, capsys
):
    settings.AKISMET_API_KEY = ""

    [warning] = checks.check_akismet_key()
    # What `make run` prints at start-up (its --fail-level CRITICAL lets the site start).
    call_command("check", "--deploy", "--tag", "akismet", "--fail-level", "CRITICAL")

    assert warning.id == "comments.I002"
    shown = capsys.readouterr().err
    assert "comments.I002" in shown
    assert "No Akismet key is set" in shown
    assert "AKISMET_API_KEY in .env" in shown
    assert "no issues" not in shown


# --- One HTTP client per process ---------------------------------------------------------


def test_every_check_reuses_one_http_client_per_process(send, post, double, monkeypatch):
    built = []

    class Counted(spam.httpx.Client):
        def __init__(self, *args, **kwargs):
            built.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(spam.httpx, "Client", Counted)
    spam.close()

    for n in range(3):
        send(post, email=f"reader{n}@example.com", comment=f"Comment {n}")
    spam.verify_key()

    assert len(double.requests_to("comment-check")) == 3
    assert len(built) == 1
    assert not built[0].is_closed


def test_the_http_client_is_closed_when_the_process_ends(send, post, double):
    send(post)
    http = spam.http_client()

    spam.close()  # what atexit runs when the process ends

    assert http.is_closed
    assert spam.http_client() is not http


def test_a_forked_process_asks_akismet_on_connections_of_its_own(send, post, double):
    # gunicorn forks its workers from a loaded app: a client built before the fork would have
    # parent and child writing requests on the same kept-alive sockets.
    send(post)
    parents = spam.http_client()
    # Read before the fork: the child must not use the parent's database connection either.
    payload = spam.payload_for(Comment.objects.get(post=post))
    answer, sink = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child's verdict comes back through the pipe)
        try:
            own = spam.http_client() is not parents
            os.write(sink, b"1" if own and spam.comment_check(payload) == Verdict.HAM else b"0")
        finally:
            os._exit(0)
    os.waitpid(child, 0)

    assert os.read(answer, 1) == b"1"
    assert spam.http_client() is parents
    assert not parents.is_closed


def test_a_check_that_has_failed_a_thousand_times_still_waits_twenty_minutes(
    send, post, double, django_capture_on_commit_callbacks
):
    # Fifteen days of retries at most every 20 minutes is about a thousand failures.
    double.mode = "error"
    send(post)
    Comment.objects.update(check_attempts=1000, next_check_at=timezone.now() - timedelta(seconds=1))

    with django_capture_on_commit_callbacks(execute=True):
        tasks.recheck_overdue.call()

    comment = Comment.objects.get()
    assert (comment.status, comment.check_attempts) == (Status.AWAITING_CHECK, 1001)
    wait = comment.next_check_at - timezone.now()
    assert timedelta(minutes=19) < wait <= timedelta(minutes=20)
