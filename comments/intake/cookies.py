"""The reader's own cookies: their remembered details and their comments awaiting moderation.

Every name starts with `comment_`, which is what makes a request carrying one get a page of
its own (core/http_caching.py) and bypass the proxy's cache.
"""

from datetime import timedelta
from urllib.parse import quote, unquote

from comments.intake.forms import CONSENT_FIELD

# The reader's details, remembered only when they tick the box (WordPress's cookie names).
AUTHOR_COOKIES = {
    "author": "comment_author",
    "email": "comment_author_email",
    "url": "comment_author_url",
}
REMEMBER_FOR = timedelta(days=365)
# The reader's own comments: those still waiting for moderation are shown to them in place,
# and any of them may be edited for COMMENTS_EDIT_MINUTES after it was posted (editing.py).
PENDING_COOKIE = "comment_pending"
PENDING_SALT = "comments.pending"
PENDING_FOR = timedelta(days=30)
PENDING_KEEP = 20


def pending_ids(request) -> list[int]:
    """Return the ids of the visitor's own comments (some may still await moderation)."""
    # The age is checked here too: the browser's expiry is the reader's to change.
    value = request.get_signed_cookie(
        PENDING_COOKIE, default="", salt=PENDING_SALT, max_age=PENDING_FOR
    )
    return [int(part) for part in value.split(",") if part.isdigit()]


def remembered_author(request) -> dict:
    """Return the form's prefill from the reader's remember-me cookies."""
    initial = {
        field: unquote(request.COOKIES[cookie])
        for field, cookie in AUTHOR_COOKIES.items()
        if cookie in request.COOKIES
    }
    if initial:
        initial[CONSENT_FIELD] = True
    return initial


def _options(request) -> dict:
    return {"secure": request.is_secure(), "httponly": True, "samesite": "Lax"}


def remember_author(request, response, form) -> None:
    """Keep the reader's details for next time if they asked to, or forget them."""
    if form.remember:
        for field, cookie in AUTHOR_COOKIES.items():
            response.set_cookie(
                cookie,
                quote(form.cleaned_data[field]),
                max_age=int(REMEMBER_FOR.total_seconds()),
                **_options(request),
            )
    else:
        for cookie in AUTHOR_COOKIES.values():
            if cookie in request.COOKIES:
                response.delete_cookie(cookie, samesite="Lax")


def remember_pending(request, response, comment) -> None:
    """Add a comment to the reader's own: shown while it awaits moderation, and editable."""
    ids = [*pending_ids(request), comment.pk][-PENDING_KEEP:]
    response.set_signed_cookie(
        PENDING_COOKIE,
        ",".join(map(str, ids)),
        salt=PENDING_SALT,
        max_age=int(PENDING_FOR.total_seconds()),
        **_options(request),
    )
