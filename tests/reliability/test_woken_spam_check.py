"""A stored comment wakes the task workers at once; they share a wave and never check twice.

Real gunicorn servers and `manage.py run_worker` processes run on the test database, with the
Akismet-compatible HTTP double standing in for Akismet.
"""

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from comments.models import Comment, CommentEvent, Status, Verdict
from comments.workflow.check_queue import CHANNEL
from core.workers import IDLE_LOOK
from devstack.stack import db_worker, gunicorn
from tests.reliability.readers import post_comments
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def akismet_timeout() -> int:
    return 10


def listening() -> bool:
    """a task worker to listen for stored comments"""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE query = %s AND state = 'idle'",
            [f'LISTEN "{CHANNEL}"'],
        )
        return cursor.fetchone()[0] > 0


def test_a_comment_posted_through_the_site_wakes_an_idle_worker_that_checks_it(
    double, env, article
):
    with gunicorn(env, workers=2) as web, db_worker(env) as worker:
        # The worker has started and listens: it sleeps until woken (or until its idle look,
        # a minute away).
        wait_for(listening, timeout=60)
        [comment_id] = post_comments(web.url, article, 1)

        def checked():
            """the comment to be checked by the woken worker"""
            return Comment.objects.filter(pk=comment_id, spam_verdict=Verdict.HAM).exists()

        # Well before the idle look: only the notification can have woken it.
        wait_for(checked, timeout=IDLE_LOOK / 2)
        assert worker.alive()

    assert Comment.objects.get(pk=comment_id).status == Status.PENDING
    # The comment row was the queue entry: no task row per comment.
    assert not DBTaskResult.objects.filter(task_path__startswith="comments.tasks.check").exists()


def test_workers_share_a_wave_and_check_each_comment_once(double, env, article):
    with gunicorn(env, workers=2) as web, db_worker(env), db_worker(env), db_worker(env):
        ids = post_comments(web.url, article, 48, spam_every=8)

        def all_checked():
            """every comment of the wave to get Akismet's verdict"""
            return not Comment.objects.filter(pk__in=ids, status=Status.AWAITING_CHECK).exists()

        wait_for(all_checked, timeout=IDLE_LOOK / 2)

    assert len(double.requests_to("comment-check")) == len(ids)
    checked = CommentEvent.objects.filter(comment__in=ids, action=CommentEvent.Action.CHECKED)
    assert sorted(checked.values_list("comment_id", flat=True)) == sorted(ids)
    verdicts = list(Comment.objects.filter(pk__in=ids).values_list("spam_verdict", flat=True))
    assert verdicts.count(Verdict.SPAM) == 6
    assert verdicts.count(Verdict.HAM) == 42
