"""Deleting spam and trash for good: by an editor, by "Empty spam/trash", and on schedule.

"Empty spam" deletes only what the editor saw: the page carries a signed high-water mark (the
newest id in the folder, and when they looked), and nothing newer is deleted.
"""

from datetime import timedelta

from django.core import signing
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import ngettext

from comments.models import Comment, CommentEvent, Status
from comments.rules import conf
from comments.rules.statuses import DELETABLE
from comments.workflow.deletion import delete_comments

_MARK_SALT = "comments.moderation.empty"


def delete_permanently(comments, actor=None) -> int:
    """Delete the spam and trash among the comments for good, and record it."""
    return delete_comments(
        comments,
        statuses=DELETABLE,
        actor=actor,
        describe=lambda ids: (
            ngettext(
                "Deleted %(n)d spam or trash comment permanently",
                "Deleted %(n)d spam and trash comments permanently",
                len(ids),
            )
            % {"n": len(ids)}
        ),
    )


def purge_old_comments(now=None) -> tuple[int, int]:
    """Delete spam and trash that sat there longer than the purge settings; record it."""
    now = now or timezone.now()
    ages = {
        Status.SPAM: timedelta(days=conf.spam_purge_days()),
        Status.TRASH: timedelta(days=conf.trash_purge_days()),
    }
    spam, trash = (
        delete_comments(
            Comment.objects.in_status(status).filter(status_changed_at__lt=now - age),
            statuses=[status],
        )
        for status, age in ages.items()
    )
    CommentEvent.objects.create(
        action=CommentEvent.Action.PURGED,
        actor_label="purge",
        reason=f"Purged {spam} spam and {trash} trash comments",
    )
    return spam, trash


def high_water_mark(status: str) -> str:
    """Sign what the editor is looking at: the newest id in a folder, and when they looked."""
    newest = Comment.objects.in_status(status).aggregate(n=Max("pk"))["n"] or 0
    return signing.dumps(
        {"status": status, "max_id": newest, "at": timezone.now().isoformat()}, salt=_MARK_SALT
    )


def folder_seen(mark: str) -> tuple[str, list[int]]:
    """Return the folder a mark names and the ids the editor saw in it."""
    seen = signing.loads(mark, salt=_MARK_SALT, max_age=timedelta(days=1))
    status = Status(seen["status"])
    if status not in DELETABLE:
        raise signing.BadSignature("Only spam and trash can be emptied.")
    ids = (
        Comment.objects.in_status(status)
        .filter(
            pk__lte=seen["max_id"],
            status_changed_at__lte=timezone.datetime.fromisoformat(seen["at"]),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return status, list(ids)


def empty_folder(status: str, ids, actor=None) -> int:
    """Delete the comments an editor saw in a folder, and record it."""
    label = Status(status).label.lower()
    return delete_comments(
        ids,
        statuses=DELETABLE,
        actor=actor,
        describe=lambda ids: f"Emptied {label}: deleted {len(ids)} comments",
    )
