"""Subscriptions are personal data: counted, exported and erased with the reader's comments.

SubscriptionsConfig.ready() registers these with `core.personal_data`.
"""

from django.conf import settings
from django.utils.translation import ngettext

from core import personal_data

from .models import Delivery, Subscription


def for_email(email: str):
    return Subscription.objects.for_email(email)


def count_for_email(email: str) -> int:
    return for_email(email).count()


def describe(n: int) -> str:
    return ngettext("%(n)d subscription", "%(n)d subscriptions", n) % {"n": n}


def export_subscription(subscription) -> dict:
    """Return what is stored about one subscription and the emails sent for it."""
    return {
        "kind": subscription.kind,
        "comment": subscription.comment_id,
        "email": subscription.email,
        "post": subscription.post.title,
        "post_url": f"{settings.SITE_URL}{subscription.post.get_absolute_url()}",
        "requested_at": subscription.requested_at.isoformat(),
        "confirmed_at": _iso(subscription.confirmed_at),
        "approval_notice_queued_at": _iso(subscription.notified_at),
        "emails": [
            {
                "kind": delivery.kind,
                "to": delivery.email,
                "state": delivery.state,
                "created_at": delivery.created_at.isoformat(),
                "sent_at": _iso(delivery.sent_at),
            }
            for delivery in subscription.deliveries.all()
        ],
    }


def export_for_email(email: str) -> list[dict]:
    """Return every subscription of the address, with its emails."""
    subscriptions = (
        for_email(email).select_related("post").prefetch_related("deliveries").order_by("pk")
    )
    return [export_subscription(subscription) for subscription in subscriptions]


def erase_for_email(email: str) -> int:
    """Delete every subscription of the address and its email records; return how many."""
    subscriptions = for_email(email)
    personal_data.forget_admin_history(Subscription, subscriptions.values_list("pk", flat=True))
    deliveries = Delivery.objects.filter(subscription__in=subscriptions)
    personal_data.forget_admin_history(Delivery, deliveries.values_list("pk", flat=True))
    return subscriptions.delete()[1].get(Subscription._meta.label, 0)


def _iso(value) -> str | None:
    return value.isoformat() if value else None
