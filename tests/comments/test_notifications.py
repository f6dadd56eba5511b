"""Editors are emailed once when a comment reaches the moderation queue."""

import akismet
import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import timezone

from comments import tasks
from comments.models import Comment, ModeratorNotice, Status
from comments.workflow import notifications
from core import outbox
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_moderators_are_emailed_when_a_comment_reaches_the_queue(
    send, post, moderator, akismet_answers, settings
):
    settings.SITE_URL = "https://blog.example"

    send(post, author="Grace", email="grace@example.com", comment="Worth a look.")

    comment = Comment.objects.get()
    [email] = mail.outbox
    assert email.to == ["mod@example.com"]
    assert post.title in email.subject
    assert "Worth a look." in email.body
    assert "Author: Grace" in email.body
    approve = reverse("admin:comments_comment_approve", args=[comment.pk])
    spam = reverse("admin:comments_comment_spam", args=[comment.pk])
    assert f"Approve it: https://blog.example{approve}" in email.body
    assert f"Mark it as spam: https://blog.example{spam}" in email.body
    assert comment.notified_at is not None


def test_every_moderator_with_an_email_gets_one_and_nobody_else(send, post, akismet_answers):
    group = Group.objects.create(name="Moderators")
    group.permissions.add(Permission.objects.get(codename="can_moderate"))
    UserFactory(username="in-group", email="group@example.com").groups.add(group)
    UserFactory(username="boss", email="boss@example.com", is_superuser=True)
    UserFactory(username="no-email", email="", is_superuser=True)
    UserFactory(username="reader", email="reader@example.com")
    UserFactory(username="gone", email="gone@example.com", is_superuser=True, is_active=False)

    send(post)

    assert sorted(address for email in mail.outbox for address in email.to) == [
        "boss@example.com",
        "group@example.com",
    ]


def test_nobody_is_emailed_about_spam(send, post, moderator, akismet_answers):
    akismet_answers(akismet.CheckResponse.SPAM)

    send(post)
    send(post, ak_hp_textarea="bot", comment="Honeypot spam")

    assert mail.outbox == []


def test_a_comment_is_notified_only_once(
    send, post, moderator, double, django_capture_on_commit_callbacks
):
    double.mode = "error"
    send(post)  # awaiting check: in the queue, editors told
    comment = Comment.objects.get()
    double.reset()

    Comment.objects.filter(pk=comment.pk).update(next_check_at=comment.submitted_at)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.check_comment.call(comment.pk)  # Akismet is back: now pending
    notifications.notify_moderators(comment.pk)

    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert len(mail.outbox) == 1


def test_email_is_plain_text_with_the_comment_as_written(
    post, moderator, django_capture_on_commit_callbacks
):
    comment = CommentFactory(
        post=post,
        status=Status.PENDING,
        author_name='<a href="https://evil.example">Click</a>',
        content="<script>alert(1)</script>\nSecond line",
    )
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_moderators(comment.pk)

    [email] = mail.outbox
    assert email.content_subtype == "plain"
    assert not getattr(email, "alternatives", None)
    assert "<script>alert(1)</script>\nSecond line" in email.body
    assert "\n" not in email.subject


def sweep() -> int:
    """Run the outbox's sweep (every five minutes on a site); return the editors' emails sent."""
    return outbox.send_due()["comments.ModeratorNotice"]


def make_due(notice) -> None:
    ModeratorNotice.objects.filter(pk=notice.pk).update(send_after=timezone.now())


def test_a_failed_email_is_tried_again_by_the_schedule_with_backoff(
    post, moderator, monkeypatch, django_capture_on_commit_callbacks
):
    comment = CommentFactory(post=post, status=Status.PENDING)

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", broken)
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.notify_moderators(comment.pk)
    notice = ModeratorNotice.objects.get(comment=comment)
    assert (notice.state, notice.attempts) == (ModeratorNotice.State.FAILED, 1)
    assert "OSError: mail server down" in notice.last_error
    first_retry = notice.send_after
    assert first_retry > timezone.now()

    # Still down when it is due: the next try waits twice as long (core.backoff).
    make_due(notice)
    assert sweep() == 0
    notice.refresh_from_db()
    assert notice.attempts == 2
    assert notice.send_after - timezone.now() > first_retry - notice.created_at

    monkeypatch.undo()
    # Not due yet: nothing is sent early.
    assert sweep() == 0
    assert mail.outbox == []
    make_due(notice)
    assert sweep() == 1
    [email] = mail.outbox
    assert email.to == ["mod@example.com"]
    comment.refresh_from_db()
    assert comment.notified_at is not None
    notice.refresh_from_db()
    assert (notice.state, notice.last_error) == (ModeratorNotice.State.SENT, "")
    make_due(notice)
    assert sweep() == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert not notifications.notify_moderators(comment.pk)
    assert len(mail.outbox) == 1


def test_the_retry_is_sent_by_the_workers_woken_when_it_is_due():
    from core import workers

    woken = workers.WOKEN[outbox.CHANNEL]
    assert (woken.run, woken.next_due) == (outbox.send_due, outbox.next_due)


def test_a_comment_that_left_the_queue_is_not_retried(
    post, moderator, monkeypatch, django_capture_on_commit_callbacks
):
    comment = CommentFactory(post=post, status=Status.PENDING)
    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        lambda *args, **kwargs: (_ for _ in ()).throw(OSError("down")),
    )
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_moderators(comment.pk)
    monkeypatch.undo()
    Comment.objects.filter(pk=comment.pk).update(status=Status.APPROVED)

    notice = ModeratorNotice.objects.get(comment=comment)
    make_due(notice)
    assert sweep() == 0
    notice.refresh_from_db()
    assert notice.state == ModeratorNotice.State.CANCELLED
    assert mail.outbox == []


def test_nothing_is_queued_when_no_editor_has_an_email_address(send, post, akismet_answers):
    UserFactory(username="no-email", email="", is_superuser=True)

    send(post)

    assert Comment.objects.get().status == Status.PENDING
    assert not ModeratorNotice.objects.exists()
    assert mail.outbox == []


@pytest.fixture
def templates_rendered():
    """Collect the names of the templates rendered while the test runs."""
    names = []

    def record(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)


def test_the_editors_email_is_rendered_from_its_template_with_a_one_line_subject(
    post, moderator, templates_rendered, django_capture_on_commit_callbacks
):
    post.title = "A title\nacross  two lines"
    post.save()
    comment = CommentFactory(post=post, status=Status.PENDING, content="First\nSecond")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_moderators(comment.pk)

    [email] = mail.outbox
    assert "comments/email/moderate.txt" in templates_rendered
    assert email.subject.endswith("Please moderate: “A title across two lines”")
    assert "A new comment on the post “A title across two lines” is waiting" in email.body
    assert "Comment:\nFirst\nSecond\n" in email.body
    assert "Website: -\nIP address: " in email.body
