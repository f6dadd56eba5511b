"""The "N Comments" count stays true when decisions about one post commit at the same time."""

import threading

import pytest
from django.db import connection, transaction

from comments.models import Status
from comments.workflow import moves
from comments.workflow import writer as workflow
from tests.factories import CommentFactory
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def approve(comment):
    workflow.apply_move([comment.pk], moves.APPROVE)


def someone_waits_for_a_lock() -> bool:
    """another transaction to wait for a lock this one holds"""
    # pg_locks is read afresh on every query, even inside a transaction.
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted)")
        return cursor.fetchone()[0]


def test_two_approvals_committing_at_once_leave_the_true_count(post):
    first, second = CommentFactory.create_batch(2, post=post, status=Status.PENDING)
    first_counted = threading.Event()
    failures = []

    def approve_first_and_commit_once_the_second_waits():
        try:
            with transaction.atomic():
                approve(first)
                first_counted.set()
                wait_for(someone_waits_for_a_lock, timeout=10)
        except AssertionError as failure:
            failures.append(failure)
        finally:
            connection.close()

    worker = threading.Thread(target=approve_first_and_commit_once_the_second_waits)
    worker.start()
    assert first_counted.wait(5)
    approve(second)
    worker.join()

    assert failures == []

    post.refresh_from_db()
    assert post.comment_count == 2
