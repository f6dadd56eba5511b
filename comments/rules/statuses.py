"""A comment's status, and the groups of statuses the rules speak of, each written once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    # Stored, but Akismet has not answered yet (or could not): shown in the queue, retried.
    AWAITING_CHECK = "awaiting_check", _("Awaiting spam check")
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    SPAM = "spam", _("Spam")
    TRASH = "trash", _("Trash")


# Waiting for an editor's decision: pending, or waiting for Akismet (the moderation queue).
QUEUE = (Status.PENDING, Status.AWAITING_CHECK)
# Thrown out: the only comments that may be deleted for good, and that readers never hear of
# (no email, no subscription in good standing, no "awaiting moderation" to their author).
DELETABLE = (Status.SPAM, Status.TRASH)
# Not thrown out: waiting or approved. A comment its author may edit, an editor may reply to,
# and an editor may mark as spam.
LIVE = (*QUEUE, Status.APPROVED)
