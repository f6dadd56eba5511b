"""Imported comments: written in their WordPress status, threaded, with their old ids.

No Akismet call, no email, no moderation event: these comments were judged on the old
site. Counts and cached threads are brought up to date for each batch's posts, in one
UPDATE. Memory stays flat: no map of every comment's id is kept, only the compact
`KnownIds` of earlier imports, so that a second run skips known comments while reading.
"""

import ipaddress
from array import array
from bisect import bisect_left

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


class KnownIds:
    """The WordPress ids of earlier imports' comments, for a cheap "already here?" while reading.

    A sorted array takes 8 bytes an id; a set of the 330,000 ids of a large blog takes about
    27 MB, which the import's peak memory would carry for every run.
    """

    def __init__(self, ids):
        self.ids = array("q", ids)

    def __contains__(self, wp_id: int) -> bool:
        at = bisect_left(self.ids, wp_id)
        return at < len(self.ids) and self.ids[at] == wp_id

    def __len__(self) -> int:
        return len(self.ids)


def known_comment_ids() -> KnownIds:
    imported = ImportedItem.objects.filter(kind=ImportedItem.Kind.COMMENT)
    return KnownIds(imported.order_by("wp_id").values_list("wp_id", flat=True).iterator(10_000))


class CommentWriter:
    def __init__(self, summary: Summary, tick):
        self.summary = summary
        self.tick = tick
        self.used_explicit_ids = False

    def write(self, batch) -> None:
        """Write the new comments of a batch of (post pk, item) pairs."""
        records = []
        for post_pk, item in batch:
            # Comments the reader already knew were never read: only counted.
            self.summary.present["comment"] += item.known_comments
            self.tick(item.known_comments)
            for record in item.comments:
                self.tick()
                records.append((post_pk, record))
        if not records:
            return
        # Present, though not known when the file was opened: a file can repeat an item.
        present = self._ids_to_pks({record.wp_id for _post, record in records})
        rows, replies = [], []
        for post_pk, record in records:
            if record.wp_id in present:
                self.summary.present["comment"] += 1
                continue
            present[record.wp_id] = None
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
        # commit); the rest are linked once their parents are stored. A parent is nearly
        # always in the same item; one outside this batch is looked up, not kept in memory.
        batch_ids = {record.wp_id: comment.pk for comment, record in rows}
        earlier = self._ids_to_pks(
            {record.parent for _c, record in rows if record.parent not in batch_ids} - {0}
        )
        later = []
        for comment, record in rows:
            if record.parent:
                parent = earlier.get(record.parent) or batch_ids.get(record.parent)
                if parent is not None:
                    comment.parent_id = parent
                else:
                    later.append((comment, record))
        Comment.objects.bulk_create([comment for comment, _ in rows])
        stored = {record.wp_id: comment.pk for comment, record in rows}
        for comment, record in later:
            parent = stored.get(record.parent)
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

    def _ids_to_pks(self, wp_ids) -> dict[int, int]:
        """Return our ids of the already imported comments among `wp_ids`."""
        if not wp_ids:
            return {}
        return dict(
            ImportedItem.objects.filter(
                kind=ImportedItem.Kind.COMMENT, wp_id__in=list(wp_ids)
            ).values_list("wp_id", "object_id")
        )

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
