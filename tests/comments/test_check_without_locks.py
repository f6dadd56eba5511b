"""An editor never waits on Akismet: the spam check holds no lock while Akismet thinks."""

import threading

import pytest
from django.db import connection, transaction

from comments import tasks
from comments.models import CommentEvent, Status
from comments.workflow import moves
from comments.workflow import writer as workflow
from tests.factories import CommentFactory
from tests.support.people import make_editor
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_editor_decides_while_akismet_thinks_and_the_decision_stands(post, double, settings):
    settings.AKISMET_TIMEOUT = 5.0
    double.delay = 2.0
    comment = CommentFactory(
        post=post,
        status=Status.AWAITING_CHECK,
        author_name="akismet-guaranteed-spam",
        akismet_payload={"user_ip": "203.0.113.7", "comment_author": "akismet-guaranteed-spam"},
    )
    outcome = []

    def run_check():
        try:
            outcome.append(tasks.check_comment.call(comment.pk))
        finally:
            connection.close()

    checker = threading.Thread(target=run_check)
    checker.start()
    try:
        # A loaded machine may take seconds to get the check to Akismet.
        wait_for(
            lambda: double.requests_to("comment-check"),
            timeout=30,
            what="the check to reach Akismet",
        )

        # While Akismet is still answering, the row is free: NOWAIT would raise otherwise.
        with transaction.atomic():
            type(comment).objects.select_for_update(nowait=True).get(pk=comment.pk)
            workflow.apply_move([comment.pk], moves.APPROVE, make_editor())
    finally:
        checker.join()

    comment.refresh_from_db()
    assert outcome == ["skipped: decided meanwhile"]
    assert comment.status == Status.APPROVED
    assert not comment.events.filter(action=CommentEvent.Action.CHECKED).exists()
