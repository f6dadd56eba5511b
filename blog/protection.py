"""Password-protected posts: a reader who enters a post's password may read it, this session.

As WordPress does: the password unlocks the post until the session ends, and changing the
password locks it again (the session keeps a digest of the post's password, never the text).
"""

from django.utils.crypto import constant_time_compare, salted_hmac

SESSION_KEY = "blog_unlocked_posts"


def _digest(post) -> str:
    return salted_hmac("blog.protection", f"{post.pk}:{post.password}").hexdigest()


def is_unlocked(request, post) -> bool:
    """Tell whether this reader entered the post's current password."""
    held = request.session.get(SESSION_KEY, {}).get(str(post.pk), "")
    return constant_time_compare(held, _digest(post))


def unlock(request, post, password: str) -> bool:
    """Unlock the post for this reader's session if `password` is its own; say whether it was."""
    if not post.password or not constant_time_compare(password, post.password):
        return False
    unlocked = request.session.get(SESSION_KEY, {})
    unlocked[str(post.pk)] = _digest(post)
    request.session[SESSION_KEY] = unlocked
    return True
