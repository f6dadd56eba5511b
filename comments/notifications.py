import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core.backoff import backoff

from .models import Comment, Status
from .moderators import moderators

logger = logging.getLogger(__name__)

# The same schedule as subscriber email (`core.backoff`): 1, 2, 4 … minutes, at most 2 hours.
RETRY_CAP = timedelta(hours=2)
RETRY_BATCH = 200


def notify_moderators(comment_id: int) -> int:
    """Email the moderators once about a comment waiting in the queue; return emails sent."""
    now = timezone.now()
    # Claiming the comment in one UPDATE makes a second call (a retry, a replayed task) a no-op.
    claimed = (
        Comment.objects.in_queue()
        .filter(pk=comment_id, notified_at__isnull=True)
        .update(notified_at=now)
    )
    if not claimed:
        return 0
    comment = Comment.objects.with_post().get(pk=comment_id)
    recipients = list(moderators().exclude(email="").order_by("pk").values_list("email", flat=True))
    if not recipients:
        return 0
    subject, body = _message(comment)
    messages = [EmailMessage(subject, body, to=[address]) for address in recipients]
    try:
        sent = get_connection().send_messages(messages) or 0
    except Exception:
        # Not lost: `retry_failed_notices` tries again, 1, 2, 4 … minutes later.
        attempts = comment.notify_attempts + 1
        Comment.objects.filter(pk=comment_id, notified_at=now).update(
            notified_at=None,
            notify_attempts=attempts,
            next_notify_at=now + backoff(attempts, cap=RETRY_CAP),
        )
        logger.exception("Could not email moderators about comment %s", comment_id)
        return 0
    if comment.notify_attempts:
        Comment.objects.filter(pk=comment_id).update(notify_attempts=0, next_notify_at=None)
    return sent


def retry_failed_notices(now=None) -> int:
    """Email the editors again about queued comments whose notice failed and is due."""
    now = now or timezone.now()
    due = Comment.objects.in_queue().filter(
        notified_at__isnull=True, notify_attempts__gt=0, next_notify_at__lte=now
    )
    return sum(notify_moderators(pk) for pk in due.values_list("pk", flat=True)[:RETRY_BATCH])


def _admin_link(name: str, *args) -> str:
    try:
        return settings.SITE_URL + reverse(name, args=args)
    except NoReverseMatch:
        # Only while the admin is not wired up (a bare test setup): still a usable pointer.
        return f"{settings.SITE_URL}/admin/comments/comment/"


def _message(comment) -> tuple[str, str]:
    post = comment.post
    # The subject is a mail header: the post title is the editors' text, but keep it one line.
    title = " ".join(post.title.split())
    subject = f"[{settings.SITE_NAME}] Please moderate: “{title}”"
    why = (
        "Akismet could not check it yet; it will retry."
        if comment.status == Status.AWAITING_CHECK
        else comment.hold_reason or "New comments wait for approval."
    )
    lines = [
        f"A new comment on the post “{title}” is waiting for your approval.",
        f"{settings.SITE_URL}{post.get_absolute_url()}",
        "",
        f"Author: {comment.author_name}",
        f"Email: {comment.author_email}",
        f"Website: {comment.author_url or '-'}",
        f"IP address: {comment.ip_address or '-'}",
        f"Why it waits: {why}",
        "",
        "Comment:",
        comment.content,
        "",
        f"Approve it: {_admin_link('admin:comments_comment_approve', comment.pk)}",
        f"Mark it as spam: {_admin_link('admin:comments_comment_spam', comment.pk)}",
        f"Move it to the trash: {_admin_link('admin:comments_comment_trash', comment.pk)}",
        f"Approve and reply: {_admin_link('admin:comments_comment_approve_reply', comment.pk)}",
        f"The moderation queue: {_admin_link('admin:comments_comment_changelist')}",
    ]
    return subject, "\n".join(lines)
