"""The one writer of a comment's status, and of the history that records each change.

Every change of status goes through `write`: an editor's moves (`apply_move`, for one comment
or a hundred thousand) and their Undo (`undo_move`), the spam check's answers for a batch of
comments (`record_checks`), readers' reports (`hold_reported`) and edits
(`comments.workflow.edits`); an editor's request for a fresh check goes through
`request_checks`. New comments come in through `record_new` (from `submit_comment`), or
`record_imported` when they move in from another site; deletions go through
`comments.workflow.deletion`.

For each batch of at most `BATCH_SIZE` comments, `write`:

1. has locked the rows and read their new status from one expression (`rows_for`), so a rule
   such as "what a cleared comment becomes" (`moves.status_for_ham`) is the same SQL for one
   comment and for all of them;
2. updates them with one `UPDATE ... SET status = CASE ...`;
3. `bulk_create`s one `CommentEvent` per comment and, for a person's spam/ham judgement about
   a comment Akismet saw, one `AkismetReport`;
4. shifts the dashboard's daily counts (`comments.workflow.tally`);
5. tells the posts whose visible comments changed, and after commit sends
   `signals.comments_approved` with the comments approved for the first time.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from comments import signals
from comments.models import (
    AkismetReport,
    Comment,
    CommentEvent,
    Status,
    tell_posts_comments_changed,
)
from comments.rules import conf
from comments.rules.statuses import QUEUE
from comments.workflow import moves, notifications, tally
from core import outbox, rows
from core.workers import wake

# The PostgreSQL channel a stored comment (or an editor's recheck) wakes the checkers on.
CHANNEL = "comments_check"


def wake_checkers() -> None:
    """Have the spam check look for due comments as soon as this transaction commits."""
    wake(CHANNEL)


@dataclass
class CheckOutcome:
    """Where one comment's check sends it, if it is still as the check saw it (`seen_status`).

    `to_status` is a status, `KEEP` (a recheck that changes nothing) or `HAM_RULE` (a first
    check cleared: `moves.status_for_ham` decides); `notify` tells editors when the comment
    lands in the queue.
    """

    comment_id: int
    seen_status: str
    to_status: str
    action: str
    actor_label: str
    reason: str
    fields: dict = field(default_factory=dict)
    event: bool = True
    notify: bool = False
    label: str = ""


KEEP = "keep"
HAM_RULE = "ham_rule"


BATCH_SIZE = 1000
Action = CommentEvent.Action
_ROW_FIELDS = ("pk", "post_id", "status", "spam_verdict", "submitted_at", "to_status", "why")


@dataclass
class Outcome:
    changed: int = 0
    reports: int = 0


def id_batches(comments):
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


def text(value: str) -> Value:
    return Value(value, output_field=CharField())


def rows_for(comments, to_status, why) -> list[dict]:
    """Lock the comments and read what each is now and what it becomes."""
    sent = ExpressionWrapper(~Q(akismet_payload={}), output_field=BooleanField())
    return list(
        comments.select_for_update(of=("self",))
        .order_by("pk")
        .annotate(to_status=to_status, why=why, sent=sent)
        .values(*_ROW_FIELDS, "sent")
    )


def write(
    rows, *, action, actor=None, actor_label="", reason="", report="", fields=None, event=True
):
    """Give locked rows their `to_status` (and `fields`), and record it everywhere it shows."""
    if not rows:
        return Outcome()
    now = timezone.now()
    fields = fields or {}
    ids = [row["pk"] for row in rows]
    moved = defaultdict(list)
    for row in rows:
        row["to_verdict"] = fields.get("spam_verdict", row["spam_verdict"])
        if row["to_status"] != row["status"]:
            moved[row["to_status"]].append(row["pk"])
    moved_ids = [pk for pks in moved.values() for pk in pks]
    changes = dict(fields)
    if moved:
        changes["status"] = Case(
            *(When(pk__in=pks, then=text(to)) for to, pks in moved.items()),
            default=F("status"),
        )
        changes["status_changed_at"] = (
            now
            if len(moved_ids) == len(ids)
            else Case(When(pk__in=moved_ids, then=Value(now)), default=F("status_changed_at"))
        )
        # "Restore" returns a comment to where it was before the trash.
        changes["status_before_trash"] = Case(
            When(pk__in=moved.get(Status.TRASH, []), then=F("status")),
            default=F("status_before_trash"),
        )
    if changes:
        # One UPDATE for the move and the fields that come with it (a verdict, an error).
        Comment.objects.filter(pk__in=ids if fields else moved_ids).update(**changes)

    first_approvals = _first_approvals(moved.get(Status.APPROVED, []))
    label = actor_label or (actor.get_username() if actor else "system")
    if event:
        CommentEvent.objects.bulk_create(
            CommentEvent(
                comment_id=row["pk"],
                action=action,
                actor=actor,
                actor_label=label,
                from_status=row["status"],
                to_status=row["to_status"],
                reason=" ".join(filter(None, [reason, row["why"]])),
                created_at=now,
            )
            for row in rows
        )
    reports = AkismetReport.objects.bulk_create(
        AkismetReport(comment_id=row["pk"], kind=report, requested_by=actor, created_at=now)
        for row in rows
        # Akismet learns only about comments it was asked about (see `spam.payload_for`).
        if report and actor and row["sent"] and row["to_status"] != row["status"]
    )
    tally.count_moves(rows)
    posts = {
        row["post_id"]
        for row in rows
        if (row["status"] == Status.APPROVED) != (row["to_status"] == Status.APPROVED)
    }
    if posts:
        tell_posts_comments_changed(posts)
    if first_approvals:
        transaction.on_commit(
            lambda: signals.comments_approved.send(sender=Comment, ids=first_approvals)
        )
    # The outbox sends them once this commits (`comments.spam.reports`), all in one task.
    outbox.queue(*reports)
    return Outcome(changed=sum(map(len, moved.values())), reports=len(reports))


def _first_approvals(ids) -> list[int]:
    """Return the ids among `ids` that were never approved before."""
    before = CommentEvent.objects.filter(comment_id__in=ids, to_status=Status.APPROVED)
    seen = set(before.values_list("comment_id", flat=True))
    return [pk for pk in ids if pk not in seen]


# An editor's moves ------------------------------------------------------------------------


def apply_move(comments, move, actor=None, *, reason="") -> Outcome:
    """Apply `move` to the comments (a queryset or ids) it applies to; count the changes."""
    to_status, why = move.target(conf.discussion())
    if not isinstance(comments, list | tuple):
        comments = comments.in_status(*move.from_statuses)
    outcome = Outcome()
    for batch in id_batches(comments):
        with transaction.atomic():
            candidates = Comment.objects.in_status(*move.from_statuses).filter(pk__in=batch)
            rows = [
                r for r in rows_for(candidates, to_status, why) if r["to_status"] != r["status"]
            ]
            done = write(rows, action=move.action, actor=actor, reason=reason, report=move.report)
        outcome.changed += done.changed
        outcome.reports += done.reports
    return outcome


def undo_move(ids, move, actor_id, since, actor=None) -> Outcome:
    """Put back the comments `move` moved (by `actor_id`, at `since` or later) to the status
    it found them in, each only if nothing has moved it since; count what went back."""
    own_event = CommentEvent.objects.filter(
        comment=OuterRef("pk"),
        action=move.action,
        actor_id=actor_id,
        created_at__gte=since,
        # The move's own event is the comment's last change of status.
        created_at=OuterRef("status_changed_at"),
        to_status=OuterRef("status"),
    )
    before = Subquery(own_event.order_by("-pk").values("from_status")[:1])
    back = moves.OPPOSITES[move.name]
    outcome = Outcome()
    for batch in id_batches(list(ids)):
        with transaction.atomic():
            candidates = Comment.objects.filter(pk__in=batch).filter(Exists(own_event))
            rows = [r for r in rows_for(candidates, before, text("")) if r["to_status"]]
            done = write(rows, action=back.action, actor=actor, reason="Undo.", report=back.report)
        outcome.changed += done.changed
        outcome.reports += done.reports
    return outcome


def request_checks(ids, reason: str) -> None:
    """Ask for a fresh Akismet check of these comments; the checkers wake at commit."""
    ids = list(ids)
    if ids:
        # The comment row is the check's queue entry (`comments.spam.checker`).
        Comment.objects.filter(pk__in=ids).update(
            check_requested=reason, next_check_at=timezone.now()
        )
        wake_checkers()


# The spam check's answers ---------------------------------------------------------------------


def record_checks(outcomes, claimed_until) -> set[int]:
    """Record a batch of spam checks' outcomes (`CheckOutcome`); return the ids
    written.

    Only comments the checker still holds (`claimed_until`) and still as it saw them are
    written: an editor's decision taken while Akismet was asked stands. Outcomes alike go
    together: one locking read, one UPDATE and one `bulk_create` of events per group; the
    editors' notices are queued together once the batch is written.
    """
    groups = defaultdict(list)
    for outcome in outcomes:
        key = (
            outcome.seen_status,
            outcome.to_status,
            outcome.action,
            outcome.actor_label,
            outcome.reason,
            outcome.event,
            outcome.fields.get("spam_verdict"),
        )
        groups[key].append(outcome)
    written, to_notify = set(), []
    discussion = None
    with transaction.atomic():
        for (seen, to, action, label, reason, event, _verdict), group in groups.items():
            by_pk = {outcome.comment_id: outcome for outcome in group}
            if to == HAM_RULE:
                discussion = discussion or conf.discussion()
                to_status, why = moves.status_for_ham(discussion)
            elif to == KEEP:
                to_status, why = F("status"), text("")
            else:
                to_status, why = text(to), text("")
            held = Comment.objects.filter(
                pk__in=list(by_pk), status=seen, check_claimed_until=claimed_until
            )
            rows = rows_for(held, to_status, why)
            if not rows:
                continue
            fields = _per_row_fields([by_pk[row["pk"]] for row in rows])
            fields.update(check_claimed_until=None, check_requested="")
            write(rows, action=action, actor_label=label, reason=reason, fields=fields, event=event)
            written |= {row["pk"] for row in rows}
            # A comment the check put in the moderation queue: its editors are told.
            to_notify += [
                row["pk"] for row in rows if by_pk[row["pk"]].notify and row["to_status"] in QUEUE
            ]
        notifications.notify_moderators_of(to_notify)
    return written


def _per_row_fields(outcomes) -> dict:
    """Merge the outcomes' fields: one value when all agree, else a CASE over the ids."""
    fields = {}
    for name in outcomes[0].fields:
        values = [outcome.fields[name] for outcome in outcomes]
        if all(value == values[0] for value in values):
            fields[name] = values[0]
            continue
        output = Comment._meta.get_field(name)
        fields[name] = Case(
            *(
                When(pk=outcome.comment_id, then=Value(value, output_field=output))
                for outcome, value in zip(outcomes, values, strict=True)
            ),
            default=F(name),
        )
    return fields


# New comments, reports, replies -------------------------------------------------------------------


def record_new(comment, action, reason: str = "") -> None:
    """Store a new comment with the status the submission rules gave it, and record that."""
    by_reader = action == Action.SUBMITTED
    reader = comment.user.get_username() if comment.user else "reader"
    event = CommentEvent(
        action=action,
        actor=comment.user if by_reader else None,
        actor_label=reader if by_reader else "rules",
        to_status=comment.status,
        reason=reason,
    )
    # The comment, its event and its count in one statement: a reader's POST waits on one
    # round trip for all three (issue 26).
    rows.insert_together(comment, linked=[(event, "comment")], also=tally.new_rows(comment))


def record_imported(comments: list) -> list:
    """Store comments judged on another site, in the status they had there; return them.

    No event, no spam check and no email: nothing happened to them here yet. They are
    counted in the dashboard's ledger like any new comment, and their posts are told.
    """
    stored = Comment.objects.bulk_create(comments)
    tally.count_new(*stored)
    tell_posts_comments_changed({c.post_id for c in stored if c.status == Status.APPROVED})
    return stored


def hold_reported(comment_id: int, reason: str) -> bool:
    """Send a published comment its readers reported back to the queue; say if it moved."""
    approved = Comment.objects.filter(pk=comment_id, status=Status.APPROVED)
    rows = rows_for(approved, text(Status.PENDING), text(""))
    fields = {"hold_reason": reason[:200]}
    outcome = write(rows, action=Action.HELD, actor_label="readers", reason=reason, fields=fields)
    return outcome.changed > 0


def record_reply(parent, reply, actor) -> None:
    """Record in the parent's history that an editor answered it with `reply`."""
    status = Comment.objects.filter(pk=parent.pk).values_list("status", flat=True).get()
    CommentEvent.objects.create(
        comment_id=parent.pk,
        action=Action.REPLIED,
        actor=actor,
        actor_label=actor.get_username(),
        from_status=status,
        to_status=status,
        reason=f"Reply: comment {reply.pk}.",
    )
