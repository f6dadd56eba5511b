"""An editor's moderation work, done in the database in batches.

Every editor action (approve, unapprove, spam, not spam, trash, restore) is a `Move`: the
statuses it applies to and the SQL that gives the new status. `apply_move(comments, move, actor)`
walks the matching ids in batches of `BATCH_SIZE`, and for each batch one statement locks the
rows, changes their status, writes one `CommentEvent` per changed comment and, when a person
turned spam into ham or ham into spam, queues an `AkismetReport`. Nothing loops over rows in
Python, so "all 100,000 matching" costs about a hundred statements. The admin calls
`moderate()`, which hands selections over `BACKGROUND_OVER` to the task worker.

Reports go to Akismet from the `send_akismet_reports` task after the transaction commits, with
the payload stored when the comment was checked, and are retried with backoff until they land.

Spam and trash are purged by `purge_old_comments` (scheduled, and `manage.py purge_comments`);
"Empty spam" deletes only what the editor saw, up to a signed high-water mark.

`schedule_maintenance()` keeps exactly one future run of each recurring task queued; each run
queues the next one when it finishes (django-tasks has no cron).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import connection, models, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from .models import (
    AkismetReport,
    Comment,
    CommentEvent,
    DiscussionSettings,
    Status,
    Verdict,
    tell_posts_comments_changed,
    tell_subscribers_on_commit,
)

BATCH_SIZE = 1000
Action = CommentEvent.Action

# Statuses an editor's decision may move a comment out of. Spam only leaves through "Not spam"
# (which teaches Akismet), trash only through "Restore".
_UNDECIDED = (Status.AWAITING_CHECK, Status.PENDING)
_NOT_SPAM = (Status.AWAITING_CHECK, Status.PENDING, Status.APPROVED)

# What the discussion rules give a comment that a person says is not spam: approved when manual
# approval is off, nothing held it, and (if required) its author already has an approved comment.
_RULES_STATUS_SQL = """
    CASE WHEN NOT %(manual_approval)s AND c.hold_reason = ''
              AND (NOT %(require_prior_approval)s OR EXISTS (
                  SELECT 1 FROM comments_comment a
                  WHERE a.author_email = c.author_email AND a.status = 'approved'))
         THEN 'approved' ELSE 'pending' END
"""


@dataclass(frozen=True)
class Move:
    name: str
    action: str
    from_statuses: tuple
    to_status_sql: str
    # A person's spam/ham judgement owes Akismet a report of this kind.
    label: str = ""
    report: str = ""
    done: str = ""
    working: str = ""


APPROVE = Move(
    name="approve",
    working="Approving",
    label="Approve",
    action=Action.APPROVED,
    from_statuses=_UNDECIDED,
    to_status_sql="'approved'",
    done="{n} comment{s} approved.",
)
UNAPPROVE = Move(
    name="unapprove",
    working="Unapproving",
    label="Unapprove",
    action=Action.UNAPPROVED,
    from_statuses=(Status.APPROVED,),
    to_status_sql="'pending'",
    done="{n} comment{s} unapproved.",
)
SPAM = Move(
    name="spam",
    working="Marking as spam",
    label="Mark as spam",
    action=Action.MARKED_SPAM,
    from_statuses=_NOT_SPAM,
    to_status_sql="'spam'",
    report=AkismetReport.Kind.SPAM,
    done="{n} comment{s} marked as spam.",
)
NOT_SPAM = Move(
    name="ham",
    working="Restoring from spam",
    label="Not spam",
    action=Action.MARKED_HAM,
    from_statuses=(Status.SPAM,),
    to_status_sql=_RULES_STATUS_SQL,
    report=AkismetReport.Kind.HAM,
    done="{n} comment{s} restored from spam.",
)
TRASH = Move(
    name="trash",
    working="Moving to the trash",
    label="Move to trash",
    action=Action.TRASHED,
    from_statuses=(*_NOT_SPAM, Status.SPAM),
    to_status_sql="'trash'",
    done="{n} comment{s} moved to the trash.",
)
RESTORE = Move(
    name="restore",
    working="Restoring from the trash",
    label="Restore",
    action=Action.RESTORED,
    from_statuses=(Status.TRASH,),
    to_status_sql="COALESCE(NULLIF(c.status_before_trash, ''), 'pending')",
    done="{n} comment{s} restored from the trash.",
)
MOVES = {move.name: move for move in (APPROVE, UNAPPROVE, SPAM, NOT_SPAM, TRASH, RESTORE)}

_MOVE_SQL = """
WITH changed AS (
    SELECT c.id, c.post_id, c.status AS from_status, ({to_status}) AS to_status
    FROM comments_comment c
    WHERE c.id = ANY(%(ids)s) AND c.status = ANY(%(from_statuses)s)
    FOR UPDATE
), moved AS (
    UPDATE comments_comment c
    SET status = changed.to_status,
        status_changed_at = %(now)s,
        status_before_trash = CASE WHEN changed.to_status = 'trash'
                                   THEN changed.from_status ELSE c.status_before_trash END
    FROM changed
    WHERE c.id = changed.id AND changed.to_status <> changed.from_status
    RETURNING c.id
), events AS (
    INSERT INTO comments_commentevent
        (comment_id, action, actor_id, actor_label, from_status, to_status, reason, created_at)
    SELECT id, %(action)s, %(actor_id)s, %(actor_label)s, from_status, to_status, %(reason)s,
           %(now)s
    FROM changed WHERE to_status <> from_status
    RETURNING id
), reports AS (
    INSERT INTO comments_akismetreport
        (comment_id, kind, state, requested_by_id, attempts, last_error, created_at)
    SELECT id, %(report)s, 'queued', %(actor_id)s, 0, '', %(now)s
    FROM changed WHERE %(report)s <> '' AND to_status <> from_status
    RETURNING id
)
SELECT (SELECT count(*) FROM moved),
       (SELECT count(*) FROM reports),
       ARRAY(SELECT DISTINCT post_id FROM changed
             WHERE (from_status = 'approved') <> (to_status = 'approved')),
       ARRAY(SELECT id FROM changed
             WHERE to_status = 'approved' AND from_status <> 'approved')
"""


@dataclass
class Outcome:
    changed: int = 0
    reports: int = 0

    def message(self, move: Move) -> str:
        return move.done.format(n=self.changed, s="" if self.changed == 1 else "s")


def _id_batches(comments):
    """Yield ids in ascending batches: from a queryset (one query per batch) or a list."""
    if isinstance(comments, list | tuple):
        for start in range(0, len(comments), BATCH_SIZE):
            yield list(comments[start : start + BATCH_SIZE])
        return
    ids = comments.order_by("pk").values_list("pk", flat=True)
    last = 0
    while batch := list(ids.filter(pk__gt=last)[:BATCH_SIZE]):
        yield batch
        last = batch[-1]


def apply_move(comments, move: Move, actor=None, *, reason="") -> Outcome:
    """Apply `move` to the comments (a queryset or ids) it applies to; count the changes."""
    rules = DiscussionSettings.load()
    params = {
        "from_statuses": list(move.from_statuses),
        "action": move.action,
        "actor_id": actor.pk if actor else None,
        "actor_label": actor.get_username() if actor else "system",
        "reason": reason,
        "report": move.report if actor else "",
        "manual_approval": rules.manual_approval,
        "require_prior_approval": rules.require_prior_approval,
    }
    if not isinstance(comments, list | tuple):
        comments = comments.filter(status__in=move.from_statuses)
    sql = _MOVE_SQL.format(to_status=move.to_status_sql)
    outcome, posts = Outcome(), set()
    for batch in _id_batches(comments):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, {**params, "ids": batch, "now": timezone.now()})
            changed, reports, post_ids, approved_ids = cursor.fetchone()
            if approved_ids:
                tell_subscribers_on_commit(approved_ids)
        outcome.changed += changed
        outcome.reports += reports
        posts.update(post_ids)
    if posts:
        tell_posts_comments_changed(posts)
    if outcome.reports:
        transaction.on_commit(lambda: send_akismet_reports.enqueue())
    return outcome


# Bigger jobs go to the task worker, so that no admin request runs into the web server's
# timeout (a batch of moves runs at about 10,000 comments a second here).
BACKGROUND_OVER = 20_000


def _background_message(working: str, n: int) -> str:
    return f"{working} {n} comments in the background; reload the page to follow along."


def moderate(queryset, move: Move, actor) -> str:
    """Apply an editor's move now, or in the worker when it is big; say what happened."""
    ids = list(
        queryset.filter(status__in=move.from_statuses).order_by("pk").values_list("pk", flat=True)
    )
    if len(ids) > BACKGROUND_OVER:
        transaction.on_commit(lambda: apply_move_task.enqueue(move.name, ids, actor.pk))
        return _background_message(move.working, len(ids))
    return apply_move(ids, move, actor).message(move)


@task()
def apply_move_task(move_name: str, ids: list[int], actor_id: int | None) -> int:
    """Apply an editor's big move in the worker."""
    actor = get_user_model().objects.filter(pk=actor_id).first()
    return apply_move(ids, MOVES[move_name], actor).changed


def recheck(queryset, reason="recheck_queue") -> int:
    """Queue a fresh Akismet check for each comment in `queryset`; return how many."""
    # Only the queue is rechecked: a decided comment (approved, spam, trash) keeps its verdict.
    ids = [pk for batch in _id_batches(queryset.awaiting_review()) for pk in batch]
    if ids:
        # One task fans out into one check per comment, so the request stays short.
        transaction.on_commit(lambda: queue_rechecks.enqueue(ids, reason))
    return len(ids)


@task()
def queue_rechecks(ids: list[int], reason: str) -> int:
    """Queue one spam check per comment (their own retries and backoff apply)."""
    from .tasks import check_comment

    for pk in ids:
        check_comment.enqueue(pk, recheck_reason=reason)
    return len(ids)


# "Why is this here?" -------------------------------------------------------------------------


def why_here(comment) -> str:
    """Say in a few words why a comment has its status, for the queue's label."""
    human_action = getattr(comment, "last_human_action", None)
    human = getattr(comment, "last_human_actor", None)
    hold = (comment.hold_reason or "").removeprefix("held: ")
    if comment.status == Status.SPAM:
        if human_action == Action.MARKED_SPAM:
            return f"Flagged as spam by {human}"
        if hold == "honeypot":
            return "Honeypot"
        if comment.spam_verdict == Verdict.DISCARD:
            return "Flagged as blatant spam by Akismet"
        if comment.spam_verdict == Verdict.SPAM:
            return "Flagged as spam by Akismet"
    if comment.status == Status.AWAITING_CHECK:
        return "Awaiting spam check"
    if comment.status == Status.TRASH and hold.startswith("disallowed"):
        return hold[0].upper() + hold[1:]
    if human_action == Action.MARKED_HAM and comment.status != Status.TRASH:
        return f"Un-spammed by {human}"
    if hold == "honeypot":
        return "Honeypot"
    if hold:
        return f"Held: {hold}"
    if comment.spam_verdict == Verdict.HAM:
        return "Cleared by Akismet"
    if comment.spam_verdict in (Verdict.SPAM, Verdict.DISCARD):
        return "Flagged as spam by Akismet"
    if comment.spam_verdict == Verdict.ERROR:
        return "Akismet check failed"
    return "Not checked by Akismet"


# Counts --------------------------------------------------------------------------------------


def status_counts() -> dict:
    """Count comments in each status in one query (an index-only scan: no `pk`)."""
    counts = Comment.objects.order_by().aggregate(
        **{status.value: Count("status", filter=Q(status=status.value)) for status in Status}
    )
    counts["review"] = counts[Status.PENDING] + counts[Status.AWAITING_CHECK]
    return counts


def newest_id(status) -> int:
    """The newest comment id in a status: the high-water mark of what an editor sees."""
    return Comment.objects.filter(status=status).aggregate(n=Max("pk"))["n"] or 0


# Reports to Akismet --------------------------------------------------------------------------

REPORT_MAX_ATTEMPTS = 10


def _report_payload(comment) -> dict:
    """Resend what comment-check was sent; build it afresh only if it was never checked."""
    from . import spam

    return dict(comment.akismet_payload) or spam.payload_for(comment)


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 12 * 60))


@task()
def send_akismet_reports() -> dict:
    """Send every queued or failed spam/ham report; retry the failures later with backoff."""
    from . import spam

    sent = failed = 0
    if not spam.is_configured():
        return {"sent": 0, "failed": 0, "skipped": "Akismet is not configured"}
    pending = AkismetReport.objects.filter(
        state__in=[AkismetReport.State.QUEUED, AkismetReport.State.FAILED],
        attempts__lt=REPORT_MAX_ATTEMPTS,
    ).order_by("pk")
    last = 0
    while True:
        with transaction.atomic():
            report = (
                pending.filter(pk__gt=last)
                .select_related("comment")
                .select_for_update(skip_locked=True, of=("self",))
                .first()
            )
            if report is None:
                break
            last = report.pk
            report.attempts += 1
            submit = spam.submit_spam if report.kind == AkismetReport.Kind.SPAM else spam.submit_ham
            try:
                submit(_report_payload(report.comment))
            except spam.AkismetUnavailable as error:
                report.state, report.last_error = AkismetReport.State.FAILED, str(error)
                failed += 1
            else:
                report.state, report.last_error = AkismetReport.State.SENT, ""
                report.sent_at = timezone.now()
                sent += 1
            report.save(update_fields=["state", "last_error", "attempts", "sent_at"])
            CommentEvent.objects.create(
                comment=report.comment,
                action=Action.REPORTED if report.state == "sent" else Action.REPORT_FAILED,
                actor_label="Akismet",
                from_status=report.comment.status,
                to_status=report.comment.status,
                reason=(
                    f"Sent {report.get_kind_display()} to Akismet."
                    if report.state == "sent"
                    else f"{report.get_kind_display()} failed ({report.last_error}); will retry."
                ),
            )
    if failed and not _queued(send_akismet_reports).exists():
        attempts = pending.aggregate(n=Max("attempts"))["n"] or 1
        _enqueue_later(send_akismet_reports, _retry_delay(attempts))
    return {"sent": sent, "failed": failed}


def _enqueue_later(task_to_run, delay: timedelta, *args) -> bool:
    """Queue a task to run after `delay`, if the backend can defer (tests run tasks at once)."""
    if not task_to_run.get_backend().supports_defer:
        return False
    task_to_run.using(run_after=timezone.now() + delay).enqueue(*args)
    return True


# Purging -------------------------------------------------------------------------------------


def _delete(comments) -> int:
    """Delete the spam and trash among the comments in batches, keeping replies; count them."""
    deleted = 0
    if not isinstance(comments, list | tuple):
        comments = comments.filter(status__in=[Status.SPAM, Status.TRASH])
    for candidates in _id_batches(comments):
        with transaction.atomic(), connection.cursor() as cursor:
            # Ids may have been collected long ago (a big folder waits for the worker): lock and
            # keep only what is still spam or trash, so a comment an editor rescued meanwhile
            # keeps its history, its queued report and its replies.
            batch = list(
                Comment.objects.select_for_update()
                .filter(pk__in=candidates, status__in=[Status.SPAM, Status.TRASH])
                .values_list("pk", flat=True)
            )
            if not batch:
                continue
            # A reply outlives its deleted parent: it moves up to the grandparent.
            cursor.execute(
                """
                UPDATE comments_comment child
                SET parent_id = CASE WHEN parent.parent_id = ANY(%(ids)s)
                                     THEN NULL ELSE parent.parent_id END
                FROM comments_comment parent
                WHERE child.parent_id = parent.id AND parent.id = ANY(%(ids)s)
                  AND NOT child.id = ANY(%(ids)s)
                RETURNING child.post_id
                """,
                {"ids": batch},
            )
            moved_replies_on = {post_id for (post_id,) in cursor.fetchall()}
            _delete_dependents(batch)
            deleted += Comment.objects.filter(pk__in=batch)._raw_delete(connection.alias)
            if moved_replies_on:
                # A reply that moved up changes the thread readers see.
                tell_posts_comments_changed(moved_replies_on)
    return deleted


def _delete_dependents(ids) -> None:
    """Clear what points at these comments with one statement per relation, as Django would."""
    for relation in Comment._meta.related_objects:
        if relation.related_model is Comment:
            continue  # Replies were moved up to the grandparent.
        rows = relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": ids})
        if relation.on_delete is models.SET_NULL:
            rows.update(**{relation.field.name: None})
        else:
            rows.delete()


def _record_purge(reason: str, actor=None) -> None:
    CommentEvent.objects.create(
        comment=None,
        action=Action.PURGED,
        actor=actor,
        actor_label=actor.get_username() if actor else "purge",
        reason=reason,
    )


def delete_permanently(comments, actor=None) -> int:
    """Delete the spam and trash among the comments for good, and record it."""
    deleted = _delete(comments)
    if deleted:
        _record_purge(f"Deleted {deleted} spam and trash comments permanently", actor)
    return deleted


def delete_for_editor(queryset, actor) -> tuple[int, str]:
    """Delete now, or in the worker when it is big; return how many and what to say."""
    ids = list(
        queryset.filter(status__in=[Status.SPAM, Status.TRASH])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(ids) > BACKGROUND_OVER:
        transaction.on_commit(lambda: delete_task.enqueue(ids, actor.pk))
        return len(ids), _background_message("Deleting", len(ids))
    deleted = delete_permanently(ids, actor)
    return deleted, f"{deleted} comment(s) deleted permanently."


@task()
def delete_task(ids: list[int], actor_id: int | None) -> int:
    """Delete an editor's big selection of spam and trash in the worker."""
    return delete_permanently(ids, get_user_model().objects.filter(pk=actor_id).first())


def purge_old_comments(now=None) -> tuple[int, int]:
    """Delete spam and trash that sat there longer than the purge settings; record it."""
    now = now or timezone.now()
    spam_cutoff = now - timedelta(days=settings.COMMENTS_SPAM_PURGE_DAYS)
    trash_cutoff = now - timedelta(days=settings.COMMENTS_TRASH_PURGE_DAYS)
    spam = _delete(Comment.objects.filter(status=Status.SPAM, status_changed_at__lt=spam_cutoff))
    trash = _delete(Comment.objects.filter(status=Status.TRASH, status_changed_at__lt=trash_cutoff))
    _record_purge(f"Purged {spam} spam and {trash} trash comments")
    return spam, trash


_MARK_SALT = "comments.moderation.empty"


def high_water_mark(status: str) -> str:
    """Sign what the editor is looking at: the newest id in a folder, and when they looked."""
    return signing.dumps(
        {"status": status, "max_id": newest_id(status), "at": timezone.now().isoformat()},
        salt=_MARK_SALT,
    )


def empty_folder(mark: str, actor=None) -> tuple[str, int, str]:
    """Delete the spam (or trash) the editor saw when `mark` was made, and nothing newer.

    Return the folder, how many, and what to tell the editor; big folders empty in the worker.
    """
    seen = signing.loads(mark, salt=_MARK_SALT, max_age=timedelta(days=1))
    status = Status(seen["status"])
    if status not in (Status.SPAM, Status.TRASH):
        raise signing.BadSignature("Only spam and trash can be emptied.")
    ids = list(
        Comment.objects.filter(
            status=status,
            pk__lte=seen["max_id"],
            status_changed_at__lte=timezone.datetime.fromisoformat(seen["at"]),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    actor_id = actor.pk if actor else None
    if len(ids) > BACKGROUND_OVER:
        transaction.on_commit(lambda: empty_folder_task.enqueue(status, ids, actor_id))
        return status, len(ids), _background_message("Deleting", len(ids))
    deleted = empty_folder_task.call(status, ids, actor_id)
    return status, deleted, f"{deleted} comment(s) deleted permanently from {status.label.lower()}."


@task()
def empty_folder_task(status: str, ids: list[int], actor_id: int | None) -> int:
    """Delete the comments an editor saw in a folder, and record it."""
    # Each batch still deletes only rows that are spam or trash when it runs.
    deleted = _delete(ids)
    actor = get_user_model().objects.filter(pk=actor_id).first()
    _record_purge(f"Emptied {Status(status).label.lower()}: deleted {deleted} comments", actor)
    return deleted


# Recurring tasks -----------------------------------------------------------------------------

# (task path, how often). Paths that do not import yet are skipped.
RECURRING = [
    ("comments.moderation.purge_comments_task", timedelta(days=1)),
    ("comments.tasks.recheck_overdue", timedelta(minutes=10)),
    ("comments.moderation.send_akismet_reports", timedelta(hours=1)),
    ("comments.privacy.anonymise_old_comments_task", timedelta(days=1)),
    ("subscriptions.outbox.send_due_deliveries", timedelta(minutes=5)),
    ("subscriptions.outbox.prune_subscriptions", timedelta(days=1)),
]


@task()
def purge_comments_task() -> dict:
    """Purge old spam and trash (the scheduled version of `manage.py purge_comments`)."""
    spam, trash = purge_old_comments()
    return {"spam": spam, "trash": trash}


@task()
def run_recurring(path: str) -> object:
    """Run one recurring task now, then queue its next run."""
    every = dict(RECURRING)[path]
    try:
        return import_string(path).call()
    finally:
        if not _queued_runs(path).exists():
            _enqueue_later(run_recurring, every, path)


def _queued(task_to_run, *args):
    """Runs of a task with these arguments waiting in the database queue (none elsewhere)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    if not task_to_run.get_backend().supports_defer:
        return DBTaskResult.objects.none()
    return DBTaskResult.objects.filter(
        task_path=task_to_run.module_path,
        status=TaskResultStatus.READY,
        args_kwargs__args=list(args),
    )


def _queued_runs(path: str):
    return _queued(run_recurring, path)


def schedule_maintenance() -> list[str]:
    """Make sure each recurring task has exactly one future run queued; say what was done."""
    backend = run_recurring.get_backend()
    if not backend.supports_defer:
        return [f"The {backend.alias} task backend cannot schedule; nothing queued."]
    done = []
    for path, every in RECURRING:
        try:
            import_string(path)
        except ImportError:
            done.append(f"{path}: not installed, skipped")
            continue
        queued = list(_queued_runs(path).order_by("run_after").values_list("pk", flat=True))
        if queued:
            # Keep the earliest run; extra ones would make the task run twice as often.
            _queued_runs(path).filter(pk__in=queued[1:]).delete()
            done.append(f"{path}: already queued")
        else:
            _enqueue_later(run_recurring, min(every, timedelta(minutes=1)), path)
            done.append(f"{path}: queued, then every {every}")
    return done
