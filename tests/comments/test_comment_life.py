"""Defects of a comment's life after it is stored: replies, personal data, what Akismet saw."""

import akismet
import pytest
from django.urls import reverse

from blog.models import Post
from comments import signals
from comments.models import (
    AkismetReport,
    Comment,
    CommentEvent,
    DiscussionSettings,
    Status,
    tell_posts_comments_changed,
)
from comments.workflow import moves, purge
from comments.workflow import personal_data as privacy
from comments.workflow import writer as workflow
from tests.comments.moderation_helpers import run_action
from tests.factories import CommentFactory
from tests.support.people import make_editor

pytestmark = pytest.mark.django_db
Action = CommentEvent.Action


def approved_thread(post):
    """An approved comment by Ada with an approved reply by another reader."""
    parent = CommentFactory(post=post, author_name="Ada Lovelace", author_email="ada@example.com")
    reply = CommentFactory(post=post, parent=parent, author_name="Cy Reader")
    tell_posts_comments_changed([post.pk])
    return parent, reply


@pytest.fixture
def dropped_thread(
    editor_client, post, akismet_answers, settings, django_capture_on_commit_callbacks
):
    """Unapprove Ada's comment, ask for a recheck, and have Akismet answer "discard"."""
    settings.AKISMET_DROP_DISCARD = True
    akismet_answers(akismet.CheckResponse.DISCARD)
    parent, reply = approved_thread(post)

    run_action(editor_client, "unapprove_comments", [parent], status="approved")
    with django_capture_on_commit_callbacks(execute=True):
        run_action(editor_client, "check_for_spam", [parent], status="pending")
    return parent, reply


def test_a_dropped_discard_keeps_other_readers_replies_and_the_count(
    dropped_thread, editor_client, post
):
    parent, reply = dropped_thread

    assert not Comment.objects.filter(pk=parent.pk).exists()
    reply.refresh_from_db()
    assert reply.parent_id is None
    assert Post.objects.get(pk=post.pk).comment_count == 1
    page = editor_client.get(post.get_absolute_url()).content.decode()
    assert f'id="comment-{reply.pk}"' in page


def test_a_dropped_discard_leaves_no_trace_of_its_author(dropped_thread):
    orphans = CommentEvent.objects.filter(comment=None)
    assert orphans.filter(reason__contains="dropped").exists()
    for event in orphans:
        assert "Ada" not in event.reason
        assert "ada@example.com" not in event.reason


def test_erasing_a_held_comment_refreshes_the_thread_its_approved_reply_moved_in(post, client):
    parent, reply = approved_thread(post)
    workflow.apply_move([parent.pk], moves.UNAPPROVE)
    before = Post.objects.get(pk=post.pk).comments_changed_at

    privacy.erase_comments("ada@example.com")

    reply.refresh_from_db()
    assert reply.parent_id is None
    assert Post.objects.get(pk=post.pk).comments_changed_at != before


def test_a_reply_moves_to_its_nearest_surviving_ancestor(post):
    root = CommentFactory(post=post)
    middle = CommentFactory(post=post, parent=root, status=Status.SPAM)
    lower = CommentFactory(post=post, parent=middle, status=Status.TRASH)
    leaf = CommentFactory(post=post, parent=lower)

    deleted = purge.delete_permanently([middle.pk, lower.pk])

    leaf.refresh_from_db()
    assert deleted == 2
    assert leaf.parent_id == root.pk


# --- Nothing sent for what Akismet never saw -------------------------------------------------


def test_not_spam_on_a_honeypot_catch_sends_akismet_nothing(
    send, post, editor_client, akismet_answers
):
    send(post, ak_hp_textarea="I am a bot")
    caught = Comment.objects.get()

    run_action(editor_client, "ham_comments", [caught], status="spam")

    caught.refresh_from_db()
    assert caught.status != Status.SPAM
    assert caught.akismet_payload == {}
    assert not AkismetReport.objects.exists()
    assert akismet_answers.calls == []


def test_restore_then_spam_of_a_disallowed_comment_sends_akismet_nothing(
    send, post, editor_client, akismet_answers
):
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"disallowed_words": "casino"})
    send(post, comment="Visit my casino")
    trashed = Comment.objects.get()
    assert trashed.status == Status.TRASH

    run_action(editor_client, "restore_comments", [trashed], status="trash")
    run_action(editor_client, "spam_comments", [trashed], status="pending")

    trashed.refresh_from_db()
    assert trashed.status == Status.SPAM
    assert trashed.akismet_payload == {}
    assert not AkismetReport.objects.exists()


def test_the_comment_page_says_a_honeypot_catch_was_not_sent_to_akismet(
    send, post, editor_client, akismet_answers
):
    send(post, ak_hp_textarea="I am a bot", email="bot@example.com")
    caught = Comment.objects.get()

    page = editor_client.get(reverse("admin:comments_comment_change", args=[caught.pk]))

    text = page.content.decode()
    assert "Not sent to Akismet" in text
    assert "honeypot" in text
    assert "bot@example.com" not in text.split("Sent to Akismet")[-1]


def test_without_a_key_nothing_is_stored_as_sent_and_the_page_says_why(
    send, post, editor_client, django_capture_on_commit_callbacks
):
    send(post)
    comment = Comment.objects.get()

    page = editor_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))

    assert comment.status == Status.PENDING
    assert comment.akismet_payload == {}
    assert "Not sent to Akismet: no Akismet key is configured." in page.content.decode()


# --- One rule for a cleared comment ----------------------------------------------------------


def test_not_spam_on_a_moderators_own_comment_approves_it_like_the_spam_check_does(
    editor_client, post
):
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"manual_approval": True})
    moderator = make_editor("mona")
    caught = CommentFactory(post=post, user=moderator, status=Status.SPAM)

    run_action(editor_client, "ham_comments", [caught], status="spam")

    caught.refresh_from_db()
    assert caught.status == Status.APPROVED


def test_not_spam_follows_the_discussion_rules_for_a_reader(editor_client, post):
    DiscussionSettings.objects.update_or_create(
        pk=1, defaults={"manual_approval": False, "require_prior_approval": True}
    )
    newcomer = CommentFactory(post=post, status=Status.SPAM, author_email="new@example.com")
    CommentFactory(post=post, author_email="known@example.com")
    regular = CommentFactory(post=post, status=Status.SPAM, author_email="known@example.com")

    run_action(editor_client, "ham_comments", [newcomer, regular], status="spam")

    newcomer.refresh_from_db()
    regular.refresh_from_db()
    assert (newcomer.status, regular.status) == (Status.PENDING, Status.APPROVED)
    assert newcomer.events.last().reason == "held: first comment by this author"


# --- Approvals others can hook into ------------------------------------------------------------


def test_first_approvals_are_announced_once_after_commit(post, django_capture_on_commit_callbacks):
    heard = []

    def listener(sender, ids, **kwargs):
        heard.append(sorted(ids))

    signals.comments_approved.connect(listener)
    try:
        waiting = CommentFactory.create_batch(2, post=post, status=Status.PENDING)
        ids = [c.pk for c in waiting]
        with django_capture_on_commit_callbacks(execute=True):
            workflow.apply_move(ids, moves.APPROVE)
            workflow.apply_move(ids, moves.UNAPPROVE)
            workflow.apply_move(ids, moves.APPROVE)
    finally:
        signals.comments_approved.disconnect(listener)

    assert heard == [sorted(ids)]
