import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from .models import Comment, Status
from .moderators import moderators

logger = logging.getLogger(__name__)


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
        return get_connection().send_messages(messages) or 0
    except Exception:
        # Let a later event try again rather than lose the notification.
        Comment.objects.filter(pk=comment_id, notified_at=now).update(notified_at=None)
        logger.exception("Could not email moderators about comment %s", comment_id)
        return 0


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
