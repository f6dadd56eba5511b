import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from blog.models import Post
from comments import tasks
from comments.models import Comment, CommentEvent, Status
from comments.workflow.personal_data import anonymise_old_comments
from core import recurring
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


def _comment(days_old: float, **fields) -> Comment:
    payload = {
        "user_ip": "203.0.113.7",
        "user_agent": "Mozilla/5.0 (test)",
        "comment_content": "Hello",
        "permalink": "https://blog.example.com/2007/05/post/",
    }
    return CommentFactory(
        submitted_at=timezone.now() - timedelta(days=days_old),
        akismet_payload=payload,
        **fields,
    )


def test_retention_removes_ip_and_user_agent_from_comments_older_than_60_days():
    old = _comment(61)
    recent = _comment(59)

    assert anonymise_old_comments() == 1

    old.refresh_from_db()
    assert old.ip_address is None
    assert old.user_agent == ""
    assert old.akismet_payload["user_ip"] == ""
    assert old.akismet_payload["user_agent"] == ""
    # The rest of what Akismet saw stays, so spam/ham reports still describe the comment.
    assert old.akismet_payload["comment_content"] == "Hello"
    assert old.content
    assert old.author_email
    recent.refresh_from_db()
    assert recent.ip_address == "203.0.113.7"
    assert recent.akismet_payload["user_ip"] == "203.0.113.7"


def test_retention_is_recorded_once_in_the_comment_history_and_is_idempotent():
    old = _comment(90, status=Status.SPAM)

    anonymise_old_comments()
    assert anonymise_old_comments() == 0

    events = list(old.events.filter(action=CommentEvent.Action.ANONYMISED))
    assert len(events) == 1
    assert events[0].actor_label == "retention"
    assert events[0].reason == "IP address and user agent removed after 60 days."
    old.refresh_from_db()
    assert old.status == Status.SPAM


@override_settings(COMMENTS_IP_RETENTION_DAYS=7)
def test_retention_period_is_a_setting_and_the_scheduled_task_applies_it():
    week_old = _comment(8)
    young = _comment(6)

    result = tasks.anonymise_old_comments.enqueue()

    assert result.return_value == 1
    week_old.refresh_from_db()
    young.refresh_from_db()
    assert week_old.ip_address is None
    assert young.ip_address is not None


def test_anonymise_comments_command_reports_what_it_did(capsys):
    _comment(100)
    _comment(100)
    _comment(1)

    call_command("anonymise_comments")

    out = capsys.readouterr().out
    assert "Removed IP address and user agent from 2 comments older than 60 days." in out
    assert Comment.objects.filter(ip_address__isnull=True).count() == 2


def test_retention_handles_comments_in_batches(monkeypatch):
    monkeypatch.setattr("comments.workflow.personal_data.BATCH_SIZE", 3)
    for _ in range(7):
        _comment(70)

    assert anonymise_old_comments() == 7
    assert Comment.objects.filter(ip_address__isnull=False).count() == 0


def test_export_comments_prints_everything_stored_about_a_person_as_json(capsys):
    post = PostFactory(title="On selling")
    mine = _comment(3, post=post, author_email="Ada@Example.com", content="My own words")
    _comment(3, post=post, author_email="someone@example.com", content="Not mine")

    call_command("export_comments", "--email", "ada@example.com")

    exported = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in exported["comments"]] == [mine.pk]
    record = exported["comments"][0]
    assert record["content"] == "My own words"
    assert record["post"] == "On selling"
    assert record["ip_address"] == "203.0.113.7"
    assert record["user_agent"] == "Mozilla/5.0 (test)"
    assert record["sent_to_akismet"]["user_ip"] == "203.0.113.7"
    assert isinstance(record["history"], list)


def test_erase_comments_without_yes_only_says_what_it_would_delete(capsys):
    _comment(3, author_email="ada@example.com")

    call_command("erase_comments", "--email", "ada@example.com")

    assert (
        "This would delete 1 comment, 0 subscriptions. Run again with --yes"
        in capsys.readouterr().out
    )
    assert Comment.objects.count() == 1


def test_erase_comments_deletes_a_persons_comments_and_keeps_replies_by_others(capsys):
    post = PostFactory()
    other_root = _comment(5, post=post, author_email="bob@example.com")
    erased_parent = _comment(4, post=post, parent=other_root, author_email="ada@example.com")
    erased_child = _comment(3, post=post, parent=erased_parent, author_email="ADA@example.com")
    reply_by_other = _comment(2, post=post, parent=erased_child, author_email="cy@example.com")
    Post.objects.filter(pk=post.pk).comments_changed(4)

    call_command("erase_comments", "--email", "ada@example.com", "--yes")

    assert "Deleted 2 comments, 0 subscriptions." in capsys.readouterr().out
    assert not Comment.objects.filter(author_email__iexact="ada@example.com").exists()
    reply_by_other.refresh_from_db()
    assert reply_by_other.parent_id == other_root.pk
    post.refresh_from_db()
    assert post.comment_count == 2
    record = CommentEvent.objects.get(comment=None, actor_label="data request")
    assert record.reason == (
        f"Erased 2 comments (ids {erased_parent.pk}, {erased_child.pk}) at their author's request."
    )
    assert "ada" not in record.reason.lower()


def test_erase_comments_for_an_unknown_email_is_an_error():
    with pytest.raises(CommandError, match=r"Nothing is stored about 'nobody@example\.com'"):
        call_command("erase_comments", "--email", "nobody@example.com", "--yes")


def test_the_maintenance_scheduler_runs_the_retention_task():
    old = _comment(61)
    assert tasks.anonymise_old_comments in recurring.RECURRING

    # Its time comes: a task worker queues it (the test suite's backend runs it at once).
    recurring.schedule_maintenance()
    recurring.queue_due()

    old.refresh_from_db()
    assert old.ip_address is None
