"""The signed links in subscriber emails: made, read back, and what a confirmation covers.

The emails (`subscriptions.mail`) make them; the pages behind them (`subscriptions.views`,
through `subscriptions.opt_in`) read them back, and no one else needs them.
"""

from django.core import signing

from .models import CONFIRM_WITHIN, Subscription

_CONFIRM_SALT = "subscriptions.confirm"
_UNSUBSCRIBE_SALT = "subscriptions.unsubscribe"


def normalise(email: str) -> str:
    return email.strip().lower()


def confirm_token(email: str) -> str:
    return signing.dumps({"e": normalise(email)}, salt=_CONFIRM_SALT, compress=True)


def email_from_confirm_token(token: str) -> str:
    """Return the address a confirmation link was made for; raise BadSignature if forged or old."""
    data = signing.loads(token, salt=_CONFIRM_SALT, max_age=CONFIRM_WITHIN)
    return _email_in(data)


def unsubscribe_token(email: str, post_id: int | None) -> str:
    """Sign an address and a post (None: every post) for a one-click unsubscribe link."""
    return signing.dumps({"e": normalise(email), "p": post_id}, salt=_UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[str, int | None]:
    data = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    post_id = data.get("p") if isinstance(data, dict) else None
    if post_id is not None and not isinstance(post_id, int):
        raise signing.BadSignature("Not an unsubscribe link.")
    return _email_in(data), post_id


def _email_in(data) -> str:
    email = data.get("e") if isinstance(data, dict) else None
    if not isinstance(email, str) or not email:
        raise signing.BadSignature("Not a subscription link.")
    return email


def open_requests(email: str):
    """Return the address's requests (follow-ups, approval notices) its link would confirm."""
    return (
        Subscription.objects.for_email(email)
        .awaiting_confirmation()
        .in_good_standing()
        .select_related("post")
        .order_by("requested_at")
    )
