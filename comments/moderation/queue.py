"""What the moderation queue says about comments: why each is there, and how many wait."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from comments.models import Comment, CommentEvent, Status, Verdict
from comments.rules import reasons
from comments.rules.statuses import DELETABLE, QUEUE

Action = CommentEvent.Action


def why_here(comment) -> str:
    """Say in a few words why a comment has its status, for the queue's label."""
    why = _why(comment)
    if getattr(comment, "edited_by_author", False):
        return _("%s; edited by its author") % why
    return why


def _why(comment) -> str:
    human_action = getattr(comment, "last_human_action", None)
    human = getattr(comment, "last_human_actor", None)
    hold = reasons.plain(comment.hold_reason)
    if comment.status == Status.SPAM:
        if human_action == Action.MARKED_SPAM:
            return _("Flagged as spam by %s") % human
        if reasons.is_honeypot(hold):
            return _("Honeypot")
        if comment.spam_verdict == Verdict.DISCARD:
            return _("Flagged as blatant spam by Akismet")
        if comment.spam_verdict == Verdict.SPAM:
            return _("Flagged as spam by Akismet")
    if comment.status == Status.AWAITING_CHECK:
        return _("Awaiting spam check")
    if comment.status == Status.TRASH and reasons.is_disallowed(hold):
        return hold[0].upper() + hold[1:]
    if human_action == Action.MARKED_HAM and comment.status != Status.TRASH:
        return _("Un-spammed by %s") % human
    if reasons.is_honeypot(hold):
        return _("Honeypot")
    if hold:
        return _("Held: %s") % hold
    if comment.spam_verdict == Verdict.HAM:
        return _("Cleared by Akismet")
    if comment.spam_verdict in (Verdict.SPAM, Verdict.DISCARD):
        return _("Flagged as spam by Akismet")
    if comment.spam_verdict == Verdict.ERROR:
        if comment.check_error:
            return _("Check failed: %s") % comment.check_error
        return _("Akismet check failed")
    return _("Not checked by Akismet")


# Spam and trash are counted up to this many; beyond it the folder says "10000+". Counting
# 100,000 spam on every page of the admin costs more than the exact figure is worth.
COUNT_CAP = 10_000


def status_counts() -> dict:
    """Count what waits exactly, and spam and trash up to `COUNT_CAP` (index-only scans).

    The approved comments are not counted: no folder shows their number.
    """
    queued = Comment.objects.in_queue().order_by()
    counts = queued.aggregate(
        **{status: Count("status", filter=Q(status=status)) for status in QUEUE}
    )
    for status in DELETABLE:
        counts[status] = capped_count(Comment.objects.in_status(status))
    counts["review"] = counts[Status.PENDING] + counts[Status.AWAITING_CHECK]
    return counts


def capped_count(queryset) -> int:
    """Count up to COUNT_CAP + 1 rows: more than the cap reads as "at least"."""
    return queryset.order_by().values("status")[: COUNT_CAP + 1].count()


def shown_count(n: int) -> str:
    """Say a capped count as editors read it: "10000+" past the cap."""
    return f"{COUNT_CAP}+" if n > COUNT_CAP else str(n)
