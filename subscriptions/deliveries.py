"""What an approval owes subscribers, and how one of their emails is sent.

Each email is a `Delivery` on the site's one outbox (`core.outbox`), which hands it to the
worker, retries it with backoff and gives up after `DELIVERIES.retry.max_attempts` tries.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from comments.models import Comment, Status
from core import outbox
from core.outbox import CANCELLED, SENT, Hold, Outbox, Retry

from . import mail
from .models import CONFIRM_WITHIN, Delivery, Subscription

logger = logging.getLogger(__name__)

# At most one follow-up email per reader and post this often; later comments wait for the next.
FOLLOW_UP_EVERY = timedelta(minutes=15)
# A confirmation waits this long at most for Akismet to judge its comment, asking this often.
SPAM_CHECK_WAIT = timedelta(minutes=10)
SPAM_CHECK_POLL = timedelta(minutes=1)
# Sent, cancelled and abandoned emails, and approval requests already answered, are kept this
# long for the admin, then deleted.
KEEP_RECORDS = timedelta(days=30)


def comments_approved(comment_ids) -> list[Delivery]:
    """Queue what readers asked for about comments that just became approved."""
    comments = list(
        Comment.objects.filter(pk__in=list(comment_ids), status=Status.APPROVED).values(
            "pk", "post_id", "author_email"
        )
    )
    if not comments:
        return []
    with transaction.atomic():
        queued = _approval_notices([c["pk"] for c in comments]) + _follow_ups(comments)
    outbox.queue(*queued)
    return queued


def tell_approved(comment_ids) -> list[Delivery]:
    """Queue the approval notices these comments' authors confirmed after the approval."""
    approved = Comment.objects.filter(pk__in=list(comment_ids), status=Status.APPROVED)
    queued = _approval_notices(list(approved.values_list("pk", flat=True)))
    outbox.queue(*queued)
    return queued


def on_comments_approved(sender, ids, **kwargs) -> None:
    """Receive a "these comments became approved" signal (sent after commit)."""
    try:
        comments_approved(ids)
    except Exception:
        # The approval is committed and stands; the readers' email must not undo or fail it.
        logger.exception("Could not queue subscriber email for comments %s", ids)


def _approval_notices(comment_ids) -> list[Delivery]:
    # Claimed under a lock and marked at once: the notice goes the first time only.
    now = timezone.now()
    requests = list(
        Subscription.objects.select_for_update()
        .filter(kind=Subscription.Kind.APPROVAL, comment_id__in=comment_ids, notified_at=None)
        # Only to an address its owner confirmed (subscriptions/opt_in.py).
        .filter(confirmed_at__isnull=False)
        .order_by("pk")
    )
    Subscription.objects.filter(pk__in=[s.pk for s in requests]).update(notified_at=now)
    return Delivery.objects.bulk_create(
        Delivery(kind=Delivery.Kind.APPROVAL, subscription=s, email=s.email, send_after=now)
        for s in requests
    )


def _follow_ups(comments) -> list[Delivery]:
    """Add each comment to its post's subscribers' next email; return the new emails."""
    by_post = {}
    for comment in comments:
        by_post.setdefault(comment["post_id"], []).append(comment)
    subscribers = (
        Subscription.objects.confirmed()
        .in_good_standing()
        .filter(post_id__in=by_post)
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    new = []
    for subscription in subscribers:
        news = [
            c["pk"]
            for c in by_post[subscription.post_id]
            if c["author_email"].strip().lower() != subscription.email
        ]
        news = _not_yet_told(subscription, news)
        if not news:
            continue  # only their own comments, or ones they were already told about
        # Locked: a worker claiming this email meanwhile either waits for the new comments,
        # or has taken it and they start the next one.
        delivery = (
            subscription.deliveries.select_for_update()
            .filter(kind=Delivery.Kind.FOLLOW_UP, state=Delivery.State.QUEUED)
            .first()
        )
        if delivery is None:
            new.append(
                Delivery.objects.create(
                    kind=Delivery.Kind.FOLLOW_UP,
                    subscription=subscription,
                    email=subscription.email,
                    send_after=_next_follow_up_at(subscription),
                    comment_ids=news,
                )
            )
        else:
            delivery.comment_ids = sorted({*delivery.comment_ids, *news})
            delivery.save(update_fields=["comment_ids"])
    return new


def _not_yet_told(subscription, comment_ids) -> list[int]:
    # A repeated call, or a comment approved again after an unapprove, is not news twice.
    told = set()
    for ids in (
        subscription.deliveries.filter(
            kind=Delivery.Kind.FOLLOW_UP, comment_ids__overlap=comment_ids
        )
        .exclude(state=Delivery.State.CANCELLED)
        .values_list("comment_ids", flat=True)
    ):
        told.update(ids)
    return [pk for pk in comment_ids if pk not in told]


def _next_follow_up_at(subscription):
    previous = (
        subscription.deliveries.filter(kind=Delivery.Kind.FOLLOW_UP)
        .exclude(state=Delivery.State.CANCELLED)
        .order_by("-send_after")
        .values_list("send_after", flat=True)
        .first()
    )
    now = timezone.now()
    return now if previous is None else max(now, previous + FOLLOW_UP_EVERY)


def send(delivery) -> object:
    """Send one subscriber email (the outbox claims, retries and records it)."""
    if _awaits_spam_check(delivery):
        return Hold(SPAM_CHECK_POLL, "waiting for the spam check")
    message = mail.message_for(delivery)
    if message is None:
        return CANCELLED
    message.send()
    return SENT


def _awaits_spam_check(delivery) -> bool:
    # A confirmation waits (a while) for its comment's spam check: the form of a comment that
    # Akismet catches must not be a way to send email to someone else's address.
    comment = delivery.subscription.comment
    return (
        delivery.kind == Delivery.Kind.CONFIRMATION
        and comment.status == Status.AWAITING_CHECK
        and timezone.now() - comment.submitted_at < SPAM_CHECK_WAIT
    )


DELIVERIES = Outbox(
    Delivery,
    send=send,
    retry=Retry(cap=timedelta(hours=2), max_attempts=8),
    select_related=("subscription__post", "subscription__comment"),
)


@task()
def prune_subscriptions() -> dict:
    """Forget expired requests, answered approval requests and old email records."""
    now = timezone.now()
    expired = Subscription.objects.expired(now).delete()[1].get(Subscription._meta.label, 0)
    answered = (
        Subscription.objects.filter(
            kind=Subscription.Kind.APPROVAL, notified_at__lt=now - KEEP_RECORDS
        )
        .delete()[1]
        .get(Subscription._meta.label, 0)
    )
    old = Delivery.objects.filter(
        state__in=[Delivery.State.SENT, Delivery.State.CANCELLED, Delivery.State.GAVE_UP],
        created_at__lt=now - max(KEEP_RECORDS, CONFIRM_WITHIN),
    ).delete()[1]
    return {
        "expired_requests": expired,
        "answered_approval_requests": answered,
        "old_emails": old.get(Delivery._meta.label, 0),
    }
