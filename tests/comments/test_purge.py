"""Spam and trash are purged on schedule; "Empty spam" deletes only what the editor saw."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from comments import tasks
from comments.models import Comment, CommentEvent, Status
from comments.workflow import moves, purge
from comments.workflow import writer as workflow
from tests.comments.moderation_helpers import queue_url
from tests.factories import CommentFactory
from tests.support.people import make_editor

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def aged(status, days, seconds=0):
    return CommentFactory(
        status=status, status_changed_at=NOW - timedelta(days=days, seconds=seconds)
    )


def test_purge_deletes_spam_older_than_15_days_and_trash_older_than_30():
    spam_exactly_15 = aged(Status.SPAM, 15)
    spam_older = aged(Status.SPAM, 15, seconds=1)
    trash_exactly_30 = aged(Status.TRASH, 30)
    trash_older = aged(Status.TRASH, 30, seconds=1)
    trash_at_20 = aged(Status.TRASH, 20)
    old_approved = aged(Status.APPROVED, 400)
    old_pending = aged(Status.PENDING, 400)

    assert purge.purge_old_comments(now=NOW) == (1, 1)

    left = set(Comment.objects.values_list("pk", flat=True))
    assert left == {
        spam_exactly_15.pk,
        trash_exactly_30.pk,
        trash_at_20.pk,
        old_approved.pk,
        old_pending.pk,
    }
    assert spam_older.pk not in left
    assert trash_older.pk not in left


def test_purge_periods_are_settings(settings):
    settings.COMMENTS_SPAM_PURGE_DAYS = 2
    settings.COMMENTS_TRASH_PURGE_DAYS = 3
    aged(Status.SPAM, 2, seconds=1)
    aged(Status.TRASH, 2, seconds=1)

    assert purge.purge_old_comments(now=NOW) == (1, 0)


def test_purge_age_counts_from_when_the_comment_became_spam():
    old_but_new_spam = CommentFactory(status=Status.PENDING, submitted_at=NOW - timedelta(days=90))
    workflow.apply_move(Comment.objects.all(), moves.SPAM)

    assert purge.purge_old_comments() == (0, 0)
    assert Comment.objects.filter(pk=old_but_new_spam.pk).exists()


def test_purge_command_reports_and_records_what_it_did(capsys):
    aged(Status.SPAM, 16)
    aged(Status.SPAM, 20)
    aged(Status.TRASH, 31)

    call_command("purge_comments")

    assert "Purged 2 spam" in capsys.readouterr().out
    event = CommentEvent.objects.get(action=CommentEvent.Action.PURGED)
    assert event.comment is None
    assert event.reason == "Purged 2 spam and 1 trash comments"
    assert event.actor_label == "purge"


def test_purge_works_in_batches(monkeypatch):
    monkeypatch.setattr("comments.workflow.batches.BATCH_SIZE", 3)
    for _ in range(7):
        aged(Status.SPAM, 16)

    assert purge.purge_old_comments(now=NOW) == (7, 0)
    assert not Comment.objects.exists()


def _empty_form(page_html):
    match = re.search(r'name="mark" value="([^"]+)"', page_html)
    assert match, "the Empty button carries a signed high-water mark"
    return {"mark": match.group(1)}


def test_empty_spam_spares_spam_that_arrived_after_the_page_loaded(editor_client):
    seen = CommentFactory.create_batch(3, status=Status.SPAM)
    page = editor_client.get(queue_url(status="spam"))
    assert "Empty spam (3)" in page.text
    form = _empty_form(page.text)

    arrived_later = CommentFactory(status=Status.SPAM)
    response = editor_client.post("/admin/comments/comment/empty/", form, follow=True)

    assert "3 comments deleted permanently from spam." in response.text
    assert list(Comment.objects.values_list("pk", flat=True)) == [arrived_later.pk]
    assert not Comment.objects.filter(pk__in=[c.pk for c in seen]).exists()
    event = CommentEvent.objects.get(action=CommentEvent.Action.PURGED)
    assert event.reason == "Emptied spam: deleted 3 comments"


def test_empty_spam_spares_an_old_comment_marked_spam_after_the_page_loaded(admin_client):
    CommentFactory(status=Status.SPAM)
    older = CommentFactory(status=Status.PENDING)
    form = _empty_form(admin_client.get(queue_url(status="spam")).text)

    workflow.apply_move(Comment.objects.filter(pk=older.pk), moves.SPAM)
    admin_client.post("/admin/comments/comment/empty/", form)

    assert list(Comment.objects.values_list("pk", flat=True)) == [older.pk]


def test_empty_trash_deletes_only_trash(admin_client):
    CommentFactory(status=Status.TRASH)
    spam = CommentFactory(status=Status.SPAM)
    page = admin_client.get(queue_url(status="trash"))
    assert "Empty trash (1)" in page.text

    admin_client.post("/admin/comments/comment/empty/", _empty_form(page.text))

    assert list(Comment.objects.values_list("pk", flat=True)) == [spam.pk]


def test_empty_refuses_a_forged_mark(admin_client):
    CommentFactory(status=Status.SPAM)

    response = admin_client.post("/admin/comments/comment/empty/", {"mark": "forged"}, follow=True)

    assert "That page was too old" in response.text
    assert Comment.objects.count() == 1


def test_emptying_a_big_folder_runs_in_the_worker_and_still_spares_newcomers(
    admin_client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("comments.rules.conf.BACKGROUND_OVER", 2)
    CommentFactory.create_batch(3, status=Status.SPAM)
    form = _empty_form(admin_client.get(queue_url(status="spam")).text)
    newcomer = CommentFactory(status=Status.SPAM)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/comments/comment/empty/", form, follow=True)

    assert "Deleting 3 comments in the background" in response.text
    assert list(Comment.objects.values_list("pk", flat=True)) == [newcomer.pk]
    assert CommentEvent.objects.get(action=CommentEvent.Action.PURGED).reason == (
        "Emptied spam: deleted 3 comments"
    )


def test_a_comment_rescued_from_spam_while_its_deletion_waited_keeps_history_report_and_replies():
    editor = make_editor()
    rescued = CommentFactory(status=Status.SPAM)
    reply = CommentFactory(post=rescued.post, parent=rescued, status=Status.APPROVED)
    # The editor empties the spam folder (its ids are collected), and before the worker gets to
    # it another editor clicks "Not spam".
    workflow.apply_move([rescued.pk], moves.NOT_SPAM, editor)
    events_before = CommentEvent.objects.filter(comment=rescued).count()

    deleted = tasks.empty_folder.call([rescued.pk], Status.SPAM, editor.pk)

    assert deleted == 0
    assert Comment.objects.filter(pk=rescued.pk).exists()
    assert CommentEvent.objects.filter(comment=rescued).count() == events_before > 0
    assert rescued.reports.filter(kind="ham").count() == 1
    reply.refresh_from_db()
    assert reply.parent_id == rescued.pk


def test_deleting_a_parent_moves_its_replies_up_and_the_page_shows_the_new_thread(client):
    parent = CommentFactory(status=Status.SPAM)
    reply = CommentFactory(post=parent.post, parent=parent, status=Status.APPROVED)
    changed_before = type(parent.post).objects.get(pk=parent.post_id).comments_changed_at

    purge.delete_permanently(Comment.objects.filter(pk=parent.pk))

    reply.refresh_from_db()
    assert reply.parent_id is None
    post = type(parent.post).objects.get(pk=parent.post_id)
    assert post.comments_changed_at != changed_before
