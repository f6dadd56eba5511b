"""Imported comments: written in their WordPress status, threaded, with their old numbers.

No Akismet call, no email, no moderation event: these comments were judged on the old
site. They enter through the workflow (`comments.workflow.writer.record_imported`), which counts
them in the dashboard's ledger and brings the posts' counts and cached threads up to date.
Their ids come from our own sequence, so a reader posting while an import runs never
collides with it; the old number is kept (`Comment.old_number`) for `#comment-N` links.
Memory stays flat: no map of every comment's id is kept, only the compact `KnownIds` of
earlier imports, so that a second run skips known comments while reading.
"""

from array import array
from bisect import bisect_left

from django.utils import timezone

from comments.models import Comment, Status, Verdict
from comments.workflow.writer import record_imported
from core.addresses import stored_ip

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


def known_comment_ids(source: str) -> KnownIds:
    imported = ImportedItem.objects.filter(kind=ImportedItem.Kind.COMMENT, source=source)
    return KnownIds(imported.order_by("wp_id").values_list("wp_id", flat=True).iterator(10_000))


class CommentWriter:
    def __init__(self, summary: Summary, tick, source: str):
        self.summary = summary
        self.tick = tick
        self.source = source

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
        present = self._stored({record.wp_id for _post, record in records} - {0})
        rows = []
        for post_pk, record in records:
            if record.wp_id in present:
                self.summary.present["comment"] += 1
                continue
            if record.wp_id:
                present[record.wp_id] = None
            else:
                self.summary.warn(
                    "comment", "without an id", "imported; importing the file again adds it again"
                )
            rows.append((self.comment(record, post_pk), record))
        if not rows:
            return
        # A parent stored by an earlier batch or run is read now, with its post.
        in_batch = {record.wp_id: comment for comment, record in rows if record.wp_id}
        earlier = self._stored({record.parent for _c, record in rows} - set(in_batch) - {0})
        for comment, record in rows:
            if not record.parent:
                continue
            parent = in_batch.get(record.parent)
            parent_post = parent.post_id if parent else earlier.get(record.parent, (0, 0))[1]
            if parent is None and record.parent not in earlier:
                why = "its parent is missing"
            elif parent_post != comment.post_id:
                why = "its parent is on another post"
            else:
                continue
            self.summary.warn("comment", record.wp_id, f"{why}; shown at the top level")
            record.parent = 0
        self._store_in_waves(rows, earlier)
        ImportedItem.objects.bulk_create(
            [
                ImportedItem(
                    source=self.source,
                    kind=ImportedItem.Kind.COMMENT,
                    wp_id=record.wp_id,
                    object_id=comment.pk,
                )
                for comment, record in rows
                if record.wp_id
            ]
        )
        self.summary.created["comment"] += len(rows)

    def _store_in_waves(self, rows, earlier) -> None:
        """Store the comments parents first, each reply with its parent's id in its INSERT.

        A thread `n` replies deep takes `n` + 1 INSERTs; setting parents afterwards took an
        UPDATE of every reply. Replies that loop back to themselves are stored at the top.
        """
        stored = {wp_id: pk for wp_id, (pk, _post) in earlier.items()}
        waiting = rows
        while waiting:
            wave, later = [], []
            for comment, record in waiting:
                if not record.parent:
                    wave.append((comment, record))
                elif record.parent in stored:
                    comment.parent_id = stored[record.parent]
                    wave.append((comment, record))
                else:
                    later.append((comment, record))
            if not wave:
                for _comment, record in later:
                    self.summary.warn(
                        "comment",
                        record.wp_id,
                        "its replies loop back to it; shown at the top level",
                    )
                wave, later = later, []
            record_imported([comment for comment, _ in wave])
            stored.update((record.wp_id, comment.pk) for comment, record in wave if record.wp_id)
            waiting = later

    def _stored(self, wp_ids) -> dict[int, tuple[int, int]]:
        """Return (our id, its post) of the already imported comments among `wp_ids`."""
        if not wp_ids:
            return {}
        numbers = dict(
            ImportedItem.objects.filter(
                source=self.source, kind=ImportedItem.Kind.COMMENT, wp_id__in=list(wp_ids)
            ).values_list("object_id", "wp_id")
        )
        posts = Comment.objects.filter(pk__in=list(numbers)).values_list("pk", "post_id")
        return {numbers[pk]: (pk, post_pk) for pk, post_pk in posts}

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
            # As WordPress stored it: its allowed tags show as formatting (comments.rules.markup).
            content=record.content,
            ip_address=stored_ip(record.ip),
            user_agent=record.user_agent[:1000],
            submitted_at=submitted_at,
            kind=PING_KINDS.get(record.type, Comment.Kind.COMMENT),
            old_number=record.wp_id or None,
            status=status,
            hold_reason="" if status == Status.APPROVED else "imported from WordPress",
            # Purges count from when it arrived here, not from when it was written.
            status_changed_at=now,
            spam_verdict=Verdict.SKIPPED,
            # Editors are never emailed about imported comments.
            notified_at=now,
        )
