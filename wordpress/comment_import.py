"""Imported comments: written in their WordPress status, threaded, with their old ids.

No Akismet call, no email, no moderation event: these comments were judged on the old
site. Counts and cached threads are brought up to date for each batch's posts.
"""

import ipaddress

from django.utils import timezone

from comments.models import Comment, Status, Verdict, tell_posts_comments_changed

from . import content, wxr
from .models import ImportedItem
from .summary import Summary

COMMENT_STATUSES = {
    "1": Status.APPROVED,
    "0": Status.PENDING,
    "spam": Status.SPAM,
    "trash": Status.TRASH,
}
# WordPress's comment_type; anything else ("", "comment", a plugin's own) is a comment.
PING_KINDS = {"pingback": Comment.Kind.PINGBACK, "trackback": Comment.Kind.TRACKBACK}


class CommentWriter:
    def __init__(self, summary: Summary, tick):
        self.summary = summary
        self.tick = tick
        self.comments = dict(
            ImportedItem.objects.filter(kind=ImportedItem.Kind.COMMENT).values_list(
                "wp_id", "object_id"
            )
        )
        self.used_explicit_ids = False

    def write(self, batch) -> None:
        """Write the new comments of a batch of (post pk, item) pairs."""
        rows, replies = [], []
        for post_pk, item in batch:
            for record in item.comments:
                self.tick()
                if record.wp_id in self.comments:
                    self.summary.present["comment"] += 1
                    continue
                rows.append((self.comment(record, post_pk), record))
        if not rows:
            return
        # Keep WordPress's comment ids where they are free, so an old #comment-N still lands.
        wanted = [record.wp_id for _c, record in rows]
        taken = set(Comment.objects.filter(pk__in=wanted).values_list("pk", flat=True))
        for comment, record in rows:
            if record.wp_id not in taken and record.wp_id > 0:
                comment.pk = record.wp_id
                self.used_explicit_ids = True
            else:
                self.summary.warn("comment", record.wp_id, "its old #comment anchor is now taken")
        # Replies whose parent already has its id get it now (foreign keys are checked at
        # commit); the rest are linked once their parents are stored.
        batch_ids = {record.wp_id: comment.pk for comment, record in rows if comment.pk}
        later = []
        for comment, record in rows:
            if record.parent:
                parent = self.comments.get(record.parent) or batch_ids.get(record.parent)
                if parent is not None:
                    comment.parent_id = parent
                else:
                    later.append((comment, record))
        Comment.objects.bulk_create([comment for comment, _ in rows])
        for comment, record in rows:
            self.comments[record.wp_id] = comment.pk
        for comment, record in later:
            parent = self.comments.get(record.parent)
            if parent is None:
                self.summary.warn(
                    "comment", record.wp_id, "its parent is missing; shown at the top level"
                )
                continue
            comment.parent_id = parent
            replies.append(comment)
        Comment.objects.bulk_update(replies, ["parent"], batch_size=1000)
        ImportedItem.objects.bulk_create(
            [
                ImportedItem(
                    kind=ImportedItem.Kind.COMMENT,
                    wp_id=record.wp_id,
                    object_id=comment.pk,
                )
                for comment, record in rows
            ]
        )
        self.summary.created["comment"] += len(rows)
        tell_posts_comments_changed({comment.post_id for comment, _ in rows})

    def comment(self, record: wxr.ItemComment, post_pk: int) -> Comment:
        status = COMMENT_STATUSES.get(record.approved or "")
        if status is None:
            status = Status.PENDING
            self.summary.warn(
                "comment",
                record.wp_id,
                f"approval {record.approved!r} unknown; imported as pending"
                if record.approved
                else "no approval status; imported as pending",
            )
        submitted_at = wxr.parse_date(record.date_gmt, record.date) or timezone.now()
        now = timezone.now()
        url = record.url if len(record.url) <= 200 else ""
        return Comment(
            post_id=post_pk,
            author_name=content.plain_text(record.author)[:245] or "Anonymous",
            author_email=record.email[:100],
            author_url=url if url.startswith(("http://", "https://")) else "",
            content=content.comment_text(record.content),
            ip_address=_ip(record.ip),
            user_agent=record.user_agent[:1000],
            submitted_at=submitted_at,
            kind=PING_KINDS.get(record.type, Comment.Kind.COMMENT),
            status=status,
            hold_reason="" if status == Status.APPROVED else "imported from WordPress",
            # Purges count from when it arrived here, not from when it was written.
            status_changed_at=now,
            spam_verdict=Verdict.SKIPPED,
            # Editors are never emailed about imported comments.
            notified_at=now,
        )


def _ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None
