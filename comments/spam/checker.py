"""The spam check's queue: the comment row is the entry, claimed in batches, woken at once.

A comment is due for a check from its `next_check_at` (a new comment as it is stored, a retry
after its backoff, an editor's recheck at once). Storing it sends `pg_notify` in the same
transaction (`comments.workflow.check_queue.wake_checkers`), which PostgreSQL delivers at commit:
the check is queued exactly when the comment is, and a crash between the two loses nothing.

Each task worker (`core.workers`) listens and, when woken or when the next retry is due,
`drain`s: it claims up to `conf.CHECK_BATCH` due comments in one
`UPDATE … WHERE pk IN (SELECT … FOR UPDATE SKIP LOCKED LIMIT n) RETURNING` that leases them
until `check_claimed_until` (two checkers never share a comment; a dead checker's lease
expires and another takes the comment), has them judged holding no lock
(`comments.spam.check.judge`, which asks Akismet about them side by side), and hands the
outcomes to the workflow in one call (`comments.workflow.writer.record_checks`), which records
them only for comments it still holds and still as it saw them; then it releases the rest of
its claim. With
`RUN_WOKEN_JOBS_IN_PROCESS` (development, tests) the web process drains after its own commit
instead.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Min
from django.db.models.functions import Greatest
from django.utils import timezone

from comments.models import Comment, Status
from comments.rules import conf
from comments.spam import check as spamcheck
from comments.workflow import writer as workflow
from comments.workflow.check_queue import make_due


def lease() -> timedelta:
    """How long a claim holds: a live checker is done well within three Akismet timeouts."""
    return timedelta(seconds=3 * settings.AKISMET_TIMEOUT + 10)


_CLAIM = f"""
UPDATE {Comment._meta.db_table} SET check_claimed_until = %(until)s
WHERE id IN (
    SELECT id FROM {Comment._meta.db_table}
    WHERE (next_check_at <= %(now)s
           OR (status = %(awaiting)s AND next_check_at IS NULL))
      AND (check_claimed_until IS NULL OR check_claimed_until <= %(now)s)
      AND (%(only)s::bigint[] IS NULL OR id = ANY(%(only)s::bigint[]))
    ORDER BY next_check_at NULLS FIRST
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
)
RETURNING id
"""  # noqa: S608 (the table name is ours; every value is a parameter)


def claim(limit: int = conf.CHECK_BATCH, only=None):
    """Lease up to `limit` comments whose check is due; return them and the lease's end."""
    now = timezone.now()
    until = now + lease()
    with connection.cursor() as cursor:
        cursor.execute(
            _CLAIM,
            {
                "until": until,
                "now": now,
                "awaiting": Status.AWAITING_CHECK,
                "only": list(only) if only is not None else None,
                "limit": limit,
            },
        )
        ids = [pk for (pk,) in cursor.fetchall()]
    if not ids:
        return [], until
    comments = list(
        Comment.objects.with_post().select_related("user").filter(pk__in=ids).order_by("pk")
    )
    return comments, until


def drain(limit: int | None = None) -> int:
    """Check batches of due comments until none is due (or `limit` were claimed); count them."""
    claimed = 0
    while limit is None or claimed < limit:
        wanted = conf.CHECK_BATCH if limit is None else min(conf.CHECK_BATCH, limit - claimed)
        comments, until = claim(wanted)
        claimed += len(comments)
        if comments:
            check_batch(comments, until)
        if len(comments) < wanted:
            # None left; what is stored meanwhile wakes the checkers again.
            break
    return claimed


def check_one(comment_id: int, recheck_reason: str = "") -> str:
    """Check one comment now if its check is due (or an editor asks); say what became of it."""
    if recheck_reason:
        make_due([comment_id], recheck_reason)
    comments, until = claim(1, only=[comment_id])
    if not comments:
        return "skipped"
    return check_batch(comments, until)[comment_id]


def next_due():
    """Return when the next comment's check is due (or its claim ends), or None."""
    return Comment.objects.filter(next_check_at__isnull=False).aggregate(
        due=Min(Greatest("next_check_at", "check_claimed_until"))
    )["due"]


def check_batch(comments, until) -> dict[int, str]:
    """Have the claimed comments judged and the outcomes recorded; say what became of each."""
    outcomes, finished = spamcheck.judge(comments, timezone.now())
    written = workflow.record_checks(outcomes, until)
    # The claim is released here, where it was taken: nothing is due any more for the
    # finished ones (gone, decided, no longer asked about), and those not written are free
    # at once, so the next claim sees what they are now.
    held = Comment.objects.filter(check_claimed_until=until)
    held.filter(pk__in=finished).update(
        next_check_at=None, check_claimed_until=None, check_requested=""
    )
    held.filter(pk__in=[o.comment_id for o in outcomes if o.comment_id not in written]).update(
        check_claimed_until=None
    )
    labels = dict.fromkeys(finished, "skipped")
    for outcome in outcomes:
        # An editor (or another checker) decided while Akismet was asked: theirs stands.
        labels[outcome.comment_id] = (
            outcome.label if outcome.comment_id in written else "skipped: decided meanwhile"
        )
    return labels
