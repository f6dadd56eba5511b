"""Editors' bulk actions on the queue: each one changes status, records history, says how many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blog.models import Post
from comments.models import AkismetReport, Comment, CommentEvent, DiscussionSettings, Status
from comments.workflow import moves
from comments.workflow import writer as workflow
from tests.comments.moderation_helpers import messages_of, run_action
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db
Action = CommentEvent.Action


@pytest.fixture(params=["superuser", "editor"])
def moderator_client(request):
    """Every action works the same for a superuser and for a member of the Editors group."""
    client = request.getfixturevalue(f"{request.param}_client")
    client.user = request.getfixturevalue(request.param)
    return client


def assert_event(comment, action, from_status, to_status, actor):
    event = comment.events.latest("created_at", "pk")
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        action,
        from_status,
        to_status,
        actor,
    )
    assert event.actor_label == actor.get_username()


def test_approve_publishes_the_comments_and_updates_the_post_count(moderator_client):
    post = PostFactory()
    pending = CommentFactory.create_batch(3, post=post, status=Status.PENDING)

    response = run_action(moderator_client, "approve_comments", pending)

    assert "3 comments approved." in messages_of(response)
    for comment in pending:
        comment.refresh_from_db()
        assert comment.status == Status.APPROVED
        assert_event(
            comment, Action.APPROVED, Status.PENDING, Status.APPROVED, moderator_client.user
        )
    post.refresh_from_db()
    assert post.comment_count == 3
    assert post.comments_changed_at is not None


def test_unapprove_takes_a_comment_off_the_page(moderator_client):
    comment = CommentFactory(status=Status.APPROVED)

    response = run_action(moderator_client, "unapprove_comments", [comment], status="approved")

    assert "1 comment unapproved." in messages_of(response)
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert_event(comment, Action.UNAPPROVED, Status.APPROVED, Status.PENDING, moderator_client.user)
    assert Post.objects.get(pk=comment.post_id).comment_count == 0


def test_mark_as_spam_moves_it_to_spam_and_queues_a_spam_report(moderator_client):
    comment = CommentFactory(status=Status.PENDING)

    response = run_action(moderator_client, "spam_comments", [comment])

    assert "1 comment marked as spam." in messages_of(response)
    comment.refresh_from_db()
    assert comment.status == Status.SPAM
    assert_event(comment, Action.MARKED_SPAM, Status.PENDING, Status.SPAM, moderator_client.user)
    report = AkismetReport.objects.get(comment=comment)
    assert (report.kind, report.requested_by) == (AkismetReport.Kind.SPAM, moderator_client.user)


def test_not_spam_holds_the_comment_when_manual_approval_is_on(moderator_client):
    comment = CommentFactory(status=Status.SPAM, spam_verdict="spam")

    response = run_action(moderator_client, "ham_comments", [comment], status="spam")

    assert "1 comment restored from spam." in messages_of(response)
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert_event(comment, Action.MARKED_HAM, Status.SPAM, Status.PENDING, moderator_client.user)
    assert AkismetReport.objects.get(comment=comment).kind == AkismetReport.Kind.HAM


def test_not_spam_approves_when_the_rules_would_have(moderator_client):
    DiscussionSettings.objects.update_or_create(
        pk=1, defaults={"manual_approval": False, "require_prior_approval": True}
    )
    known = CommentFactory(status=Status.SPAM, author_email="regular@example.com")
    CommentFactory(status=Status.APPROVED, author_email="regular@example.com")
    stranger = CommentFactory(status=Status.SPAM, author_email="new@example.com")
    held = CommentFactory(
        status=Status.SPAM, author_email="regular@example.com", hold_reason="2 links"
    )

    run_action(moderator_client, "ham_comments", [known, stranger, held], status="spam")

    assert Comment.objects.get(pk=known.pk).status == Status.APPROVED
    assert Comment.objects.get(pk=stranger.pk).status == Status.PENDING
    assert Comment.objects.get(pk=held.pk).status == Status.PENDING


def test_trash_remembers_where_each_comment_came_from_and_restore_returns_it(moderator_client):
    approved = CommentFactory(status=Status.APPROVED)
    spam = CommentFactory(status=Status.SPAM)

    response = run_action(moderator_client, "trash_comments", [approved, spam], status="all")

    assert "2 comments moved to the trash." in messages_of(response)
    approved.refresh_from_db()
    assert (approved.status, approved.status_before_trash) == (Status.TRASH, Status.APPROVED)
    assert_event(approved, Action.TRASHED, Status.APPROVED, Status.TRASH, moderator_client.user)
    assert Post.objects.get(pk=approved.post_id).comment_count == 0

    response = run_action(moderator_client, "restore_comments", [approved, spam], status="trash")

    assert "2 comments restored from the trash." in messages_of(response)
    assert Comment.objects.get(pk=approved.pk).status == Status.APPROVED
    assert Comment.objects.get(pk=spam.pk).status == Status.SPAM
    assert_event(approved, Action.RESTORED, Status.TRASH, Status.APPROVED, moderator_client.user)
    assert Post.objects.get(pk=approved.post_id).comment_count == 1


def test_trash_and_restore_send_nothing_to_akismet(moderator_client):
    spam = CommentFactory(status=Status.SPAM)

    run_action(moderator_client, "trash_comments", [spam], status="spam")
    run_action(moderator_client, "restore_comments", [spam], status="trash")

    assert not AkismetReport.objects.exists()


def test_delete_permanently_removes_only_spam_and_trash_and_is_recorded(moderator_client):
    spam = CommentFactory(status=Status.SPAM)
    trash = CommentFactory(status=Status.TRASH)
    approved = CommentFactory(status=Status.APPROVED)

    response = run_action(
        moderator_client, "delete_permanently", [spam, trash, approved], status="all"
    )

    assert "2 comments deleted permanently." in messages_of(response)[0]
    assert list(Comment.objects.values_list("pk", flat=True)) == [approved.pk]
    purge = CommentEvent.objects.get(action=Action.PURGED)
    assert purge.comment is None
    assert purge.actor == moderator_client.user
    assert "Deleted 2" in purge.reason


def test_deleting_a_parent_keeps_its_approved_reply(moderator_client):
    parent = CommentFactory(status=Status.SPAM)
    reply = CommentFactory(status=Status.APPROVED, post=parent.post, parent=parent)

    run_action(moderator_client, "delete_permanently", [parent], status="spam")

    reply.refresh_from_db()
    assert reply.parent is None


def test_check_for_spam_queues_a_recheck_with_a_reason(moderator_client, monkeypatch):
    queued = []
    monkeypatch.setattr(
        "comments.workflow.check_queue.request_checks",
        lambda ids, reason: queued.extend((pk, reason) for pk in ids),
    )
    waiting = CommentFactory.create_batch(2, status=Status.AWAITING_CHECK)

    response = run_action(moderator_client, "check_for_spam", waiting, status="awaiting_check")

    assert "2 comments queued for a spam check." in messages_of(response)
    assert sorted(queued) == sorted((c.pk, "recheck_queue") for c in waiting)


def test_actions_apply_to_all_matching_comments_not_just_the_page(moderator_client):
    post = PostFactory()
    Comment.objects.bulk_create(
        Comment(
            post=post,
            author_name=f"r{n}",
            author_email=f"r{n}@example.com",
            content=f"hello {n}",
            status=Status.PENDING,
        )
        for n in range(130)
    )
    CommentFactory(status=Status.SPAM)

    response = run_action(
        moderator_client, "approve_comments", select_across=True, status="pending"
    )

    assert "130 comments approved." in messages_of(response)
    assert Comment.objects.filter(status=Status.APPROVED).count() == 130
    assert CommentEvent.objects.filter(action=Action.APPROVED).count() == 130
    assert Comment.objects.filter(status=Status.SPAM).count() == 1
    post.refresh_from_db()
    assert post.comment_count == 130


def test_bulk_work_runs_one_statement_per_batch_not_per_row(admin_user, monkeypatch):
    monkeypatch.setattr("comments.workflow.batches.BATCH_SIZE", 10)
    CommentFactory.create_batch(25, status=Status.PENDING, akismet_payload={"comment_content": "x"})

    with CaptureQueriesContext(connection) as queries:
        outcome = workflow.apply_move(Comment.objects.all(), moves.SPAM, admin_user)

    assert outcome.changed == 25
    sql = [q["sql"] for q in queries.captured_queries]
    assert len([q for q in sql if q.startswith('UPDATE "comments_comment" SET "status"')]) == 3
    assert len([q for q in sql if q.startswith('INSERT INTO "comments_commentevent"')]) == 3
    assert CommentEvent.objects.filter(action=Action.MARKED_SPAM).count() == 25
    assert AkismetReport.objects.count() == 25


def test_an_action_skips_comments_it_does_not_apply_to(moderator_client):
    approved = CommentFactory(status=Status.APPROVED)

    response = run_action(moderator_client, "approve_comments", [approved], status="approved")

    assert "0 comments approved." in messages_of(response)
    assert not approved.events.exists()


@pytest.mark.parametrize(
    ("action", "status"),
    [
        # Each action on a comment it would change, so only the permission can stop it.
        ("approve_comments", Status.PENDING),
        ("spam_comments", Status.PENDING),
        ("trash_comments", Status.PENDING),
        ("delete_permanently", Status.SPAM),
        ("check_for_spam", Status.AWAITING_CHECK),
    ],
)
def test_staff_without_can_moderate_cannot_moderate(client, action, status):
    viewer = UserFactory(username="viewer", is_staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_comment", "change_comment", "delete_comment"]
        )
    )
    client.force_login(viewer)
    comment = CommentFactory(status=status)

    queue = client.get(f"/admin/comments/comment/?status={status}")
    assert queue.status_code == 200
    assert action not in queue.text

    run_action(client, action, [comment], status=status)

    comment.refresh_from_db()
    assert comment.status == status
    assert not CommentEvent.objects.exists()
    # Nor from the comment's own page.
    assert client.get(f"/admin/comments/comment/{comment.pk}/delete/").status_code == 403


def test_only_spam_and_trash_can_be_deleted_from_the_comment_page(moderator_client):
    approved = CommentFactory(status=Status.APPROVED)
    spam = CommentFactory(status=Status.SPAM)
    reply = CommentFactory(status=Status.APPROVED, post=spam.post, parent=spam)

    refused = moderator_client.post(
        f"/admin/comments/comment/{approved.pk}/delete/", {"post": "yes"}
    )
    moderator_client.post(f"/admin/comments/comment/{spam.pk}/delete/", {"post": "yes"})

    assert refused.status_code == 403
    assert set(Comment.objects.values_list("pk", flat=True)) == {approved.pk, reply.pk}
    assert CommentEvent.objects.get(action=Action.PURGED).actor == moderator_client.user


def test_a_very_big_action_runs_in_the_worker_and_says_so(
    moderator_client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("comments.rules.conf.BACKGROUND_OVER", 3)
    pending = CommentFactory.create_batch(5, status=Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(moderator_client, "spam_comments", pending[:1], select_across=True)

    assert "Marking as spam 5 comments in the background" in messages_of(response)[0]
    assert Comment.objects.filter(status=Status.SPAM).count() == 5
    assert set(
        CommentEvent.objects.filter(action=Action.MARKED_SPAM).values_list("actor", flat=True)
    ) == {moderator_client.user.pk}


def test_a_very_big_delete_runs_in_the_worker(
    moderator_client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("comments.rules.conf.BACKGROUND_OVER", 3)
    spam = CommentFactory.create_batch(4, status=Status.SPAM)
    approved = CommentFactory(status=Status.APPROVED)

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(
            moderator_client, "delete_permanently", spam[:1], select_across=True, status="all"
        )

    assert "Deleting 4 comments in the background" in messages_of(response)[0]
    assert list(Comment.objects.values_list("pk", flat=True)) == [approved.pk]


def three_ways(client, comment):
    """Mark a comment as spam as an editor can: a bulk action, a row's button, the email link."""
    return {
        "bulk action": lambda: run_action(client, "spam_comments", [comment], status="pending"),
        "row button": lambda: client.post(
            reverse("admin:comments_comment_spam", args=[comment.pk]),
            headers={"accept": "application/json"},
        ),
        "email link": lambda: client.post(
            reverse("admin:comments_comment_spam", args=[comment.pk]), follow=True
        ),
    }


@pytest.mark.parametrize("way", ["bulk action", "row button", "email link"])
def test_a_move_leaves_the_same_record_however_the_editor_makes_it(moderator_client, way):
    comment = CommentFactory(status=Status.PENDING, akismet_payload={"user_ip": "192.0.2.1"})

    response = three_ways(moderator_client, comment)[way]()

    assert response.status_code == 200
    said = response.json()["messages"] if way == "row button" else messages_of(response)
    assert said == ["1 comment marked as spam."]
    comment.refresh_from_db()
    assert comment.status == Status.SPAM
    assert_event(comment, Action.MARKED_SPAM, Status.PENDING, Status.SPAM, moderator_client.user)
    [report] = AkismetReport.objects.filter(comment=comment)
    assert (report.kind, report.requested_by) == ("spam", moderator_client.user)
