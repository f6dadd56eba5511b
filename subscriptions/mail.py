"""The subscriber emails: what each says, its signed links, and RFC 8058 headers."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from blog import site
from comments.models import Comment, Status
from core.mail import one_line, templated_email

from . import links
from .models import CONFIRM_WITHIN, Delivery, Subscription


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_url(email: str, post_id: int | None) -> str:
    token = links.unsubscribe_token(email, post_id)
    return absolute(reverse("subscriptions:unsubscribe", args=[token]))


def confirm_url(email: str) -> str:
    return absolute(reverse("subscriptions:confirm", args=[links.confirm_token(email)]))


def message_for(delivery) -> EmailMessage | None:
    """Build the email a delivery stands for, or None when nothing is left to say."""
    build = {
        Delivery.Kind.CONFIRMATION: _confirmation,
        Delivery.Kind.APPROVAL: _approval,
        Delivery.Kind.FOLLOW_UP: _follow_up,
    }[delivery.kind]
    built = build(delivery)
    if built is None:
        return None
    subject, template, context, post_id = built
    unsubscribe = unsubscribe_url(delivery.email, post_id)
    name = site.current().site_name
    return templated_email(
        f"[{name}] {subject}",
        template,
        {**context, "site_name": name, "unsubscribe_url": unsubscribe},
        to=[delivery.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )


def _confirmation(delivery):
    requests = list(links.open_requests(delivery.email))
    if not requests:
        return None  # confirmed, unsubscribed, expired, or its comment was spam

    def listed(kind):
        return [
            (one_line(s.post.title), absolute(s.post.get_absolute_url()))
            for s in requests
            if s.kind == kind
        ]

    posts = listed(Subscription.Kind.FOLLOW_UPS)
    context = {
        "posts": posts,
        "approvals": listed(Subscription.Kind.APPROVAL),
        "confirm_url": confirm_url(delivery.email),
        "days": CONFIRM_WITHIN.days,
    }
    if posts:
        subject = _("Please confirm: email me about new comments")
    else:
        subject = _("Please confirm: email me when my comment is approved")
    # Unsubscribing from a confirmation request cancels every request for this address.
    return subject, "subscriptions/email/confirmation.txt", context, None


def _approval(delivery):
    comment = delivery.subscription.comment
    if comment.status != Status.APPROVED:
        return None  # unapproved, spam or trash before the worker got to it
    post = delivery.subscription.post
    title = one_line(post.title)
    context = {"comment": comment, "title": title, "url": absolute(comment.get_absolute_url())}
    subject = _("Your comment on “%(title)s” is approved") % {"title": title}
    return subject, "subscriptions/email/approval.txt", context, post.pk


def _follow_up(delivery):
    subscription = delivery.subscription
    if not Subscription.objects.confirmed().in_good_standing().filter(pk=subscription.pk).exists():
        return None
    comments = list(
        Comment.objects.filter(pk__in=delivery.comment_ids, status=Status.APPROVED)
        .select_related("post")
        .order_by("submitted_at", "pk")
    )
    if not comments:
        return None  # every one was unapproved or deleted meanwhile
    post = subscription.post
    title = one_line(post.title)
    context = {
        "comments": [(c, absolute(c.get_absolute_url())) for c in comments],
        "title": title,
        "post_url": absolute(post.get_absolute_url()),
    }
    subject = ngettext(
        "New comment on “%(title)s”", "%(count)d new comments on “%(title)s”", len(comments)
    ) % {"title": title, "count": len(comments)}
    return subject, "subscriptions/email/follow_up.txt", context, post.pk
