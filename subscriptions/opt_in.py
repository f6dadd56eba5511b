"""What a reader asks for, confirms and cancels: the form's boxes and the signed links."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower, Trim
from django.utils import timezone

from comments.models import Comment
from core import outbox

from . import deliveries
from .links import normalise, open_requests
from .models import Delivery, Subscription

# The comment form's boxes (Jetpack's name for the follow-up box).
FOLLOW_UPS_FIELD = "subscribe_comments"
APPROVAL_FIELD = "notify_approval"
# At most one confirmation email per address in this long, however often it is asked for.
CONFIRMATION_EVERY = timedelta(days=1)


def on_comment_submitted(sender, comment, data, **kwargs) -> None:
    request_from_form(comment, data)


def request_from_form(comment, data) -> list[Subscription]:
    """Record what the reader ticked under their stored comment; queue the confirmation."""
    email = normalise(comment.author_email)
    made = []
    if data.get(FOLLOW_UPS_FIELD):
        made.append(_request_follow_ups(comment, email))
    if data.get(APPROVAL_FIELD):
        made.append(_request_approval_notice(comment, email))
    return made


def unconfirmed_comment_ids(comment_ids) -> set[int]:
    """Return which of these comments asked for email that waits on its confirmation link."""
    if not comment_ids:
        return set()
    requests = Subscription.objects.awaiting_confirmation().in_good_standing()
    waiting = set(requests.filter(comment_id__in=comment_ids).values_list("comment_id", flat=True))
    # Follow-ups the address had confirmed stay tied to the comment that first asked; a later
    # comment that asked again is found by its post and address.
    asked_again = requests.follow_ups().filter(
        confirmed_at__isnull=False,
        post_id=OuterRef("post_id"),
        email=Lower(Trim(OuterRef("author_email"))),
        requested_at__gte=OuterRef("submitted_at"),
    )
    comments = Comment.objects.filter(pk__in=comment_ids).filter(Exists(asked_again))
    return waiting | set(comments.values_list("pk", flat=True))


def _request_approval_notice(comment, email: str) -> Subscription:
    # Anyone can type anyone's address into the form: every request waits on the link this
    # sends, even from an address that confirmed something before, so a stranger is told the
    # same "check your email" as the owner and the owner is asked, not told of a stranger's
    # comment.
    subscription = Subscription.objects.create(
        kind=Subscription.Kind.APPROVAL, email=email, post=comment.post, comment=comment
    )
    _queue_confirmation(subscription)
    return subscription


def _request_follow_ups(comment, email: str) -> Subscription:
    # The comment path holds the author's advisory lock, so this read-then-write is not racing
    # another comment from the same address.
    subscription, created = Subscription.objects.get_or_create(
        kind=Subscription.Kind.FOLLOW_UPS,
        post=comment.post,
        email=email,
        defaults={"comment": comment},
    )
    if not created:
        # Asking again waits on the address's link again, for a fresh week. A request not yet
        # confirmed is tied to the newest comment; a confirmed one keeps its comment (and its
        # email goes on), so a stranger's comment can neither cancel nor take it over.
        subscription.requested_at = timezone.now()
        if subscription.confirmed_at is None:
            subscription.comment = comment
        subscription.save(update_fields=["comment", "requested_at"])
    _queue_confirmation(subscription)
    return subscription


def _queue_confirmation(subscription) -> None:
    recent = Delivery.objects.filter(
        kind=Delivery.Kind.CONFIRMATION,
        email=subscription.email,
        created_at__gt=timezone.now() - CONFIRMATION_EVERY,
    ).exclude(state=Delivery.State.CANCELLED)
    if recent.exists():
        # The link in that email confirms every request this address has open, this one too.
        return
    delivery = Delivery.objects.create(
        kind=Delivery.Kind.CONFIRMATION, subscription=subscription, email=subscription.email
    )
    outbox.queue(delivery)


# What the links do ----------------------------------------------------------------------------


@transaction.atomic
def confirm(email: str) -> int:
    """Confirm every open request of the address; return how many."""
    requests = open_requests(email)
    approvals = list(
        requests.filter(kind=Subscription.Kind.APPROVAL).values_list("comment_id", flat=True)
    )
    confirmed = requests.update(confirmed_at=timezone.now())
    # A comment approved before its author confirmed is told about now.
    deliveries.tell_approved(approvals)
    return confirmed


@transaction.atomic
def unsubscribe(email: str, post_id: int | None) -> int:
    """Stop every email to the address about the post (or every post); return what stopped."""
    subscriptions = Subscription.objects.for_email(email)
    if post_id is not None:
        subscriptions = subscriptions.filter(post_id=post_id)
    # An approval notice already sent stays on record until retention removes it.
    stopped = subscriptions.exclude(
        kind=Subscription.Kind.APPROVAL, notified_at__isnull=False
    ).delete()[1]
    return stopped.get(Subscription._meta.label, 0)
