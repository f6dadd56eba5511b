"""The spam check survives Akismet outages and workers that die mid-check.

Real gunicorn servers and `manage.py run_worker` processes run on the test database, with the
Akismet-compatible HTTP double standing in for Akismet.
"""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Comment, CommentEvent, Status, Verdict
from devstack.stack import (
    db_worker,
    gunicorn,
    manage,
    start_db_worker,
)
from tests.reliability.readers import post_comments
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

UNAVAILABLE = "Akismet was unable to check this comment but will automatically retry later."


def recheck_overdue(env) -> None:
    """Run the safety net the maintenance scheduler runs: queue every overdue check."""
    manage(env, "shell", "-c", "from comments.tasks import recheck_overdue; recheck_overdue.call()")


def test_comments_posted_during_an_akismet_outage_are_kept_and_checked_after_it(
    double, env, article, admin_client
):
    double.mode = "error"
    with gunicorn(env, workers=3) as web, db_worker(env):
        ids = post_comments(web.url, article, 24, spam_every=6)
        assert len(ids) == 24

        def all_checks_failed():
            """every comment to have failed its first check"""
            return Comment.objects.filter(pk__in=ids, spam_verdict=Verdict.ERROR).count() == len(
                ids
            )

        wait_for(all_checks_failed)
        comments = Comment.objects.filter(pk__in=ids)
        assert {c.status for c in comments} == {Status.AWAITING_CHECK}
        for comment in comments:
            reasons = list(comment.events.values_list("reason", flat=True))
            assert UNAVAILABLE in reasons
        queue = admin_client.get("/admin/comments/comment/").content.decode()
        assert f"Awaiting spam check ({len(ids)})" in queue

        # Akismet is back; the retries come due.
        double.mode = "normal"
        Comment.objects.filter(pk__in=ids).update(next_check_at=timezone.now() - timedelta(1))
        recheck_overdue(env)

        def all_checked():
            """every comment to get Akismet's verdict"""
            return not Comment.objects.filter(pk__in=ids, status=Status.AWAITING_CHECK).exists()

        wait_for(all_checked)

    verdicts = dict(Comment.objects.filter(pk__in=ids).values_list("pk", "spam_verdict"))
    assert sorted(verdicts) == sorted(ids)
    assert list(verdicts.values()).count(Verdict.SPAM) == 4
    assert list(verdicts.values()).count(Verdict.HAM) == 20
    assert not Comment.objects.filter(pk__in=ids, status=Status.APPROVED).exists()
    for comment in Comment.objects.filter(pk__in=ids):
        checked = comment.events.filter(action=CommentEvent.Action.CHECKED)
        assert checked.count() == 1
        assert checked.get().from_status == Status.AWAITING_CHECK


def test_a_checker_killed_mid_batch_loses_nothing_and_another_checks_it_once(double, env, article):
    # A short Akismet timeout keeps the claim short (`comments.spam.checker.lease`: 16 s here).
    env = {**env, "AKISMET_TIMEOUT": "2"}
    double.delay = 1.5
    with gunicorn(env, workers=2) as web:
        ids = post_comments(web.url, article, 3)
        worker = start_db_worker(env)
        try:

            def check_started():
                """the worker to be inside its Akismet calls"""
                return len(double.requests_to("comment-check")) == len(ids)

            wait_for(check_started, timeout=30, every=0.05)
            worker.kill()
        finally:
            worker.stop()

        comments = Comment.objects.filter(pk__in=ids)
        assert {c.status for c in comments} == {Status.AWAITING_CHECK}
        assert {c.spam_verdict for c in comments} == {Verdict.UNCHECKED}
        # The dead checker's claim still holds them: nobody else may ask about them yet.
        assert all(c.check_claimed_until > timezone.now() for c in comments)
        assert not CommentEvent.objects.filter(
            comment__in=ids, action=CommentEvent.Action.CHECKED
        ).exists()

        # Two fresh checkers wait for the claim to run out, then race for the comments; no
        # one runs the safety net by hand.
        double.delay = 0.5
        with db_worker(env), db_worker(env):

            def decided():
                """every comment to get a verdict once the dead checker's claim expired"""
                return not comments.filter(status=Status.AWAITING_CHECK).exists()

            wait_for(decided, timeout=90)

    assert len(double.requests_to("comment-check")) == 2 * len(ids)
    for comment in Comment.objects.filter(pk__in=ids):
        assert (comment.status, comment.spam_verdict) == (Status.PENDING, Verdict.HAM)
        assert comment.check_claimed_until is None
        events = list(comment.events.order_by("created_at", "pk"))
        assert [e.action for e in events if e.action == CommentEvent.Action.CHECKED] == ["checked"]
        # Each event starts where the one before it ended: no double transitions.
        for before, after in itertools.pairwise(events):
            if after.from_status:
                assert after.from_status == before.to_status, (before, after)
