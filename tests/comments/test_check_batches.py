"""A wave of comments is checked in batches: the database work does not grow per comment."""

import threading

import akismet
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments import tasks
from comments.models import Comment, CommentEvent, ModeratorNotice, Status, Verdict
from comments.rules import conf
from comments.spam import akismet as spam
from comments.spam import checker
from tests.factories import CommentFactory

# Someone to notify, so the editors' notices are part of the work measured.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("superuser")]


def awaiting(post, n: int) -> list[int]:
    return [
        CommentFactory(
            post=post,
            status=Status.AWAITING_CHECK,
            author_email=f"reader{n}-{i}@example.com",
            hold_reason="held for the test",
        ).pk
        for i in range(n)
    ]


def queries_to_check(post, n: int) -> int:
    ids = awaiting(post, n)
    with CaptureQueriesContext(connection) as queries:
        assert tasks.recheck_overdue.call() == n
    assert not Comment.objects.filter(pk__in=ids, status=Status.AWAITING_CHECK).exists()
    return len(queries)


def test_checking_thirty_comments_takes_as_many_queries_as_checking_two(post, akismet_answers):
    queries_to_check(post, 1)  # what is read once per process (settings, the site) is read
    two = queries_to_check(post, 2)
    thirty = queries_to_check(post, 30)

    assert conf.CHECK_BATCH >= 30  # one batch
    assert thirty == two
    assert len(akismet_answers.calls) == 1 + 2 + 30


def test_the_next_batch_is_asked_on_threads_already_running(post, akismet_answers, monkeypatch):
    # One pool per process, reused: a busy checker starts no threads for each batch.
    asked_on = []

    class Watched(spam.client_class):
        def comment_check(self, user_ip, **kwargs):
            asked_on.append(threading.current_thread())
            return super().comment_check(user_ip, **kwargs)

    monkeypatch.setattr(spam, "client_class", Watched)
    queries_to_check(post, 4)
    running = set(threading.enumerate())
    asked_on.clear()

    queries_to_check(post, 4)

    assert len(asked_on) == 4
    assert set(asked_on) <= running
    assert threading.main_thread() not in asked_on  # asked side by side, not one by one


def test_a_batch_with_every_kind_of_answer_records_each_once(post, double):
    ham, spam_ = awaiting(post, 2), []
    spam_ += [
        CommentFactory(
            post=post, status=Status.AWAITING_CHECK, author_name="akismet-guaranteed-spam"
        ).pk
        for _ in range(2)
    ]

    assert checker.drain() == 4

    verdicts = dict(Comment.objects.values_list("pk", "spam_verdict"))
    assert [verdicts[pk] for pk in ham] == [Verdict.HAM, Verdict.HAM]
    assert [verdicts[pk] for pk in spam_] == [Verdict.SPAM, Verdict.SPAM]
    checked = CommentEvent.objects.filter(action=CommentEvent.Action.CHECKED)
    assert sorted(checked.values_list("comment_id", flat=True)) == sorted(ham + spam_)
    # The held ones wait for an editor, who is told once about each.
    assert set(Comment.objects.filter(pk__in=ham).values_list("status", flat=True)) == {
        Status.PENDING
    }
    assert sorted(ModeratorNotice.objects.values_list("comment_id", flat=True)) == sorted(ham)


def test_each_comment_of_a_batch_keeps_what_akismet_was_sent_about_it(post, double):
    # Reports to Akismet later resend exactly this, so no comment may keep another's.
    ids = awaiting(post, 5)

    assert checker.drain() == 5

    sent = {
        request.data["comment_author_email"]: request.data["comment_content"]
        for request in double.requests_to("comment-check")
    }
    for comment in Comment.objects.filter(pk__in=ids):
        kept = comment.akismet_payload
        assert kept["comment_author_email"] == comment.author_email
        assert kept["comment_content"] == sent[comment.author_email] == comment.content


def test_each_comment_of_a_failed_batch_keeps_its_own_retry_time_and_error(
    post, akismet_answers, monkeypatch
):
    # Akismet fails for both in one batch; each comment's next try follows its own count of
    # failures, and its error names it, as if it had been checked alone.
    second, third = awaiting(post, 2)
    Comment.objects.filter(pk=second).update(check_attempts=1)
    Comment.objects.filter(pk=third).update(check_attempts=2)

    class NoAnswer(akismet.TestSyncClient):
        def comment_check(self, user_ip, **kwargs):
            raise akismet.RequestError(f"no answer about {kwargs['comment_author_email']}")

    monkeypatch.setattr(spam, "client_class", NoAnswer)
    before = timezone.now()
    assert checker.drain() == 2
    after = timezone.now()

    for pk, attempts in ((second, 2), (third, 3)):
        comment = Comment.objects.get(pk=pk)
        assert comment.status == Status.AWAITING_CHECK
        assert comment.check_attempts == attempts
        assert comment.check_error == f"no answer about {comment.author_email}"
        wait = conf.CHECK_RETRY.delay(attempts)
        assert before + wait <= comment.next_check_at <= after + wait
