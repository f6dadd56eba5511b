"""The one way comments are deleted, and its one rule for replies.

Used by "Delete permanently", "Empty spam/trash", the scheduled purge, a reader's erasure
request and the spam check's discard drop. A reply outlives its deleted parent: it moves to
its nearest surviving ancestor, or becomes a top-level comment, as WordPress does. The
deletion is recorded as one event that names no one, so it outlives the comments without
keeping anyone's personal data.
"""

from django.db import transaction

from comments.models import Comment, CommentEvent, Status, tell_posts_comments_changed
from comments.rules.statuses import QUEUE
from comments.workflow import tally
from comments.workflow.batches import id_batches


def delete_comments(comments, *, statuses=None, actor=None, actor_label="", describe=None) -> int:
    """Delete the comments (a queryset or ids) in batches, keeping replies; count them.

    With `statuses`, each batch deletes only what still has one of them when it runs: ids may
    have been collected long ago, and an editor may have rescued a comment since.
    `describe(ids)` says what was done, for the event that records it.
    """
    deleted, posts = [], set()
    for batch in id_batches(comments):
        with transaction.atomic():
            doomed = Comment.objects.filter(pk__in=batch)
            if statuses:
                doomed = doomed.in_status(*statuses)
            rows = list(
                doomed.select_for_update().values(
                    "pk", "parent_id", "post_id", "status", "spam_verdict", "submitted_at"
                )
            )
            if not rows:
                continue
            parents = {row["pk"]: row["parent_id"] for row in rows}
            posts |= {row["post_id"] for row in rows if row["status"] == Status.APPROVED}
            posts |= _move_replies_up(parents)
            _count_out_of_queue(rows)
            Comment.objects.filter(pk__in=parents).delete()
        deleted += parents
    if deleted and describe:
        CommentEvent.objects.create(
            comment=None,
            action=CommentEvent.Action.PURGED,
            actor=actor,
            actor_label=actor_label or (actor.get_username() if actor else "purge"),
            reason=describe(deleted),
        )
    if posts:
        tell_posts_comments_changed(posts)
    return len(deleted)


def _count_out_of_queue(rows) -> None:
    """Count a deleted comment that was still in the queue as trash: nobody waits on it now."""
    # Every other deleted comment keeps its place in the daily counts: past figures stand.
    tally.count_moves(
        {**row, "to_status": Status.TRASH, "to_verdict": row["spam_verdict"]}
        for row in rows
        if row["status"] in QUEUE
    )


def _move_replies_up(parents: dict) -> set:
    """Hang each surviving reply to a doomed comment on its nearest surviving ancestor."""

    def surviving(parent_id):
        while parent_id in parents:
            parent_id = parents[parent_id]
        return parent_id

    replies = list(
        Comment.objects.select_for_update()
        .filter(parent_id__in=parents)
        .exclude(pk__in=parents)
        .values_list("pk", "parent_id", "post_id")
    )
    by_new_parent = {}
    for pk, parent_id, _post in replies:
        by_new_parent.setdefault(surviving(parent_id), []).append(pk)
    for new_parent, pks in by_new_parent.items():
        Comment.objects.filter(pk__in=pks).update(parent_id=new_parent)
    # A reply that moved changes the thread readers see.
    return {post_id for _pk, _parent, post_id in replies}
