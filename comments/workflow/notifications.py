"""The editors' one email about a comment waiting in the moderation queue.

It is a `ModeratorNotice` on the site's one outbox (`core.outbox`), stored with the spam
check's answer that put the comment in the queue, and retried on the outbox's schedule until
it goes out or the comment is decided (then there is nothing left to say).
"""

from django.conf import settings
from django.core.mail import get_connection
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from blog import site
from comments.models import Comment, ModeratorNotice, Status, WebhookNotice
from comments.rules import conf
from comments.rules.moderators import moderators
from comments.rules.statuses import QUEUE
from core import outbox
from core.mail import one_line, templated_email
from core.outbox import CANCELLED, SENT, Outbox


def notify_moderators(comment_id: int) -> bool:
    """Queue the editors' email about a comment in the queue, once; say if it was queued."""
    return notify_moderators_of([comment_id]) > 0


def notify_moderators_of(ids) -> int:
    """Queue the editors' email (and chat message) about each of these comments in the queue,
    once per comment, in one outbox call of each kind; return how many emails were queued."""
    waiting = set(
        Comment.objects.in_queue()
        .filter(pk__in=list(ids), notified_at__isnull=True)
        .values_list("pk", flat=True)
    )
    if not waiting:
        return 0
    if conf.discussion().moderation_webhook_url:
        _queue_once(WebhookNotice, waiting)
    if not _recipients().exists():
        return 0
    return _queue_once(ModeratorNotice, waiting)


def _queue_once(notice_model, comment_ids) -> int:
    """Queue a notice of `notice_model` for each comment that has none yet; count them."""
    known = set(
        notice_model.objects.filter(comment_id__in=comment_ids).values_list("comment_id", flat=True)
    )
    notices = notice_model.objects.bulk_create(
        notice_model(comment_id=pk) for pk in sorted(set(comment_ids) - known)
    )
    outbox.queue(*notices)
    return len(notices)


def notify_moderators_again(comment_id: int) -> None:
    """Queue the editors' email about a comment back in the queue, even if they heard of it."""
    Comment.objects.filter(pk=comment_id).update(notified_at=None)
    ModeratorNotice.objects.filter(comment_id=comment_id).delete()
    WebhookNotice.objects.filter(comment_id=comment_id).delete()
    notify_moderators(comment_id)


def send(notice) -> object:
    """Email every editor about the notice's comment, if it still waits for them."""
    comment = notice.comment
    if comment.status not in QUEUE:
        return CANCELLED
    recipients = list(_recipients().values_list("email", flat=True))
    if not recipients:
        return CANCELLED
    get_connection().send_messages([_message(comment, to) for to in recipients])
    Comment.objects.filter(pk=comment.pk).update(notified_at=timezone.now())
    return SENT


# The schedule of subscriber email: 1, 2, 4 … minutes, at most 2 hours, while it matters.
NOTICES = Outbox(
    ModeratorNotice,
    send=send,
    retry=conf.MODERATOR_NOTICE_RETRY,
    select_related=("comment__post",),
)


def _recipients():
    return moderators().exclude(email="").order_by("pk")


def _admin_link(name: str, *args) -> str:
    try:
        return settings.SITE_URL + reverse(name, args=args)
    except NoReverseMatch:
        # Only while the admin is not wired up (a bare test setup): still a usable pointer.
        return f"{settings.SITE_URL}/admin/comments/comment/"


def _message(comment, to: str):
    post = comment.post
    title = one_line(post.title)
    why = (
        "Akismet could not check it yet; it will retry."
        if comment.status == Status.AWAITING_CHECK
        else comment.hold_reason or "New comments wait for approval."
    )
    links = {
        "approve": _admin_link("admin:comments_comment_approve", comment.pk),
        "spam": _admin_link("admin:comments_comment_spam", comment.pk),
        "trash": _admin_link("admin:comments_comment_trash", comment.pk),
        "approve_reply": _admin_link("admin:comments_comment_approve_reply", comment.pk),
        "queue": _admin_link("admin:comments_comment_changelist"),
    }
    context = {
        "comment": comment,
        "title": title,
        "post_url": f"{settings.SITE_URL}{post.get_absolute_url()}",
        "why": why,
        "links": links,
    }
    subject = f"[{site.current().site_name}] Please moderate: “{title}”"
    return templated_email(subject, "comments/email/moderate.txt", context, to=[to])
