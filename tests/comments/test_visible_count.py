"""The "N Comments" count stays true when decisions about one post commit at the same time."""

import threading
import time

import pytest
from django.db import connection, transaction

from comments import moves, workflow
from comments.models import Status
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db(transaction=True)


def approve(comment):
    workflow.apply_move([comment.pk], moves.APPROVE)


def test_two_approvals_committing_at_once_leave_the_true_count(post):
    first, second = CommentFactory.create_batch(2, post=post, status=Status.PENDING)
    first_counted = threading.Event()

    def approve_first_and_commit_late():
        try:
            with transaction.atomic():
                approve(first)
                first_counted.set()
                time.sleep(0.5)
        finally:
            connection.close()

    worker = threading.Thread(target=approve_first_and_commit_late)
    worker.start()
    assert first_counted.wait(5)
    approve(second)
    worker.join()

    post.refresh_from_db()
    assert post.comment_count == 2
