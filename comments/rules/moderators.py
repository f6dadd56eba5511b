"""Who is an editor of comments: the active users who hold the moderate permission.

One rule for every place that asks: the moderation desk's actions, the editors' email, the
spam check (a moderator's comment goes to Akismet as an administrator's and is approved once
cleared), the form-age and flood rules a moderator is exempt from, and the subscriptions'
admin. Superusers hold every permission; a user who is staff without it is a reader here.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

MODERATE = "comments.can_moderate"
# `with_perm` needs one backend named when several are configured (django-axes adds its own).
_BACKEND = "django.contrib.auth.backends.ModelBackend"


def moderators():
    """Return the active users who may moderate comments, superusers included.

    An account that cannot sign in (an imported author, say) cannot open the queue either,
    so it is no moderator: it is never sent commenters' details.
    """
    return (
        get_user_model()
        .objects.with_perm(MODERATE, is_active=True, include_superusers=True, backend=_BACKEND)
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
    )


def is_moderator(user) -> bool:
    """Return whether `user` (None for an anonymous reader) may moderate comments."""
    return user is not None and user.is_active and user.has_perm(MODERATE)
