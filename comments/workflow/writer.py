"""The one writer of a comment's status, and of the history that records each change.

Callers name what happened, one intent each: a new comment (`record_new`, from
`submit_comment`) or one moved in from another site (`record_imported`); an editor's move, for
one comment or a hundred thousand (`apply_move`), and its Undo (`undo_move`); the spam check's
outcomes for a batch, with the editors' email and Akismet's discards (`record_checks`, one
`comments.workflow.check_queue.CheckOutcome` each); readers' reports (`hold_reported`); an
edit the rules stop (`hold_edit`, `hold_edit_for_approval`, from `comments.workflow.edits`);
an editor's reply (`record_reply`). Deletions go through `comments.workflow.deletion`.

Every change of status those make goes through the private `_write`, which for each batch of
comments (`comments.workflow.batches`):

1. has locked the rows and read their new status from one expression (`_rows_for`), so a rule
   such as "what a cleared comment becomes" (`moves.status_for_ham`) is the same SQL for one
   comment and for all of them;
2. updates them with one `UPDATE ... SET status = CASE ...`;
3. `bulk_create`s one `CommentEvent` per comment and, for a person's spam/ham judgement about
   a comment Akismet saw, one `AkismetReport`;
4. shifts the dashboard's daily counts (`comments.workflow.tally`);
5. tells the posts whose visible comments changed, and after commit sends
   `signals.comments_approved` with the comments approved for the first time.

Only the workflow's own modules may use `_write` and `_rows_for`
(`tests/test_import_contracts.py` holds that).
"""

from collections import defaultdict
from dataclasses import dataclass

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
    Verdict,
    tell_posts_comments_changed,
)
from comments.rules import conf, reasons
from comments.rules.statuses import QUEUE
from comments.workflow import moves, notifications, tally
from comments.workflow.batches import id_batches
from comments.workflow.check_queue import HAM_RULE, KEEP
from comments.workflow.deletion import delete_comments
from core import outbox, rows

Action = CommentEvent.Action
_ROW_FIELDS = ("pk", "post_id", "status", "spam_verdict", "submitted_at", "to_status", "why")


@dataclass
class Outcome:
    changed: int = 0
    reports: int = 0


def _text(value: str) -> Value:
    return Value(value, output_field=CharField())


def _rows_for(comments, to_status, why) -> list[dict]:
    """Lock the comments and read what each is now and what it becomes."""
    sent = ExpressionWrapper(~Q(akismet_payload={}), output_field=BooleanField())
    return list(
        comments.select_for_update(of=("self",))
        .order_by("pk")
        .annotate(to_status=to_status, why=why, sent=sent)
        .values(*_ROW_FIELDS, "sent")
    )


def _write(
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
            *(When(pk__in=pks, then=_text(to)) for to, pks in moved.items()),
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
                r for r in _rows_for(candidates, to_status, why) if r["to_status"] != r["status"]
            ]
            done = _write(rows, action=move.action, actor=actor, reason=reason, report=move.report)
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
            rows = [r for r in _rows_for(candidates, before, _text("")) if r["to_status"]]
            done = _write(rows, action=back.action, actor=actor, reason="Undo.", report=back.report)
        outcome.changed += done.changed
        outcome.reports += done.reports
    return outcome


# The spam check's answers ---------------------------------------------------------------------


def record_checks(outcomes, claimed_until) -> set[int]:
    """Record a batch of spam checks' outcomes (`CheckOutcome`); return the ids written.

    Only comments the checker still holds (`claimed_until`) and still as it saw them are
    written: an editor's decision taken while Akismet was asked stands. Outcomes alike go
    together: one locking read, one UPDATE and one `bulk_create` of events per group; the
    editors' notices are queued together once the batch is written. Akismet's blatant spam
    is then dropped if `AKISMET_DROP_DISCARD` says so. The checker releases the rest.
    """
    with transaction.atomic():
        checked = [
            (row, group[row["pk"]])
            for group in _alike(outcomes)
            for row in _write_checks(group, claimed_until)
        ]
        # A comment the check put in the moderation queue: its editors are told, together.
        notifications.notify_moderators_of(
            row["pk"] for row, outcome in checked if outcome.notify and row["to_status"] in QUEUE
        )
    written = {row["pk"] for row, _outcome in checked}
    discarded = [
        outcome
        for outcome in outcomes
        if outcome.comment_id in written and outcome.fields.get("spam_verdict") == Verdict.DISCARD
    ]
    for outcome in discarded if conf.drop_discard() else []:
        # Akismet's blatant spam goes; the event, which names no one, says what it was.
        outcome.label = "discard: dropped"
        said = f"{outcome.reason} Comment {outcome.comment_id} was dropped (AKISMET_DROP_DISCARD)."
        delete_comments(
            [outcome.comment_id], actor_label="Akismet", describe=lambda _ids, said=said: said
        )
    return written


def _alike(outcomes) -> list[dict]:
    """Group the outcomes that one UPDATE can write, each group by comment id."""
    groups = defaultdict(dict)
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
        groups[key][outcome.comment_id] = outcome
    return list(groups.values())


def _write_checks(by_pk: dict, claimed_until) -> list[dict]:
    """Write one group of alike outcomes to the comments still held and as seen; return them."""
    first = next(iter(by_pk.values()))
    if first.to_status == HAM_RULE:
        to_status, why = moves.status_for_ham(conf.discussion())
    elif first.to_status == KEEP:
        to_status, why = F("status"), _text("")
    else:
        to_status, why = _text(first.to_status), _text("")
    held = Comment.objects.filter(
        pk__in=list(by_pk), status=first.seen_status, check_claimed_until=claimed_until
    )
    rows = _rows_for(held, to_status, why)
    if rows:
        fields = _per_row_fields([by_pk[row["pk"]] for row in rows])
        fields.update(check_claimed_until=None, check_requested="")
        _write(
            rows,
            action=first.action,
            actor_label=first.actor_label,
            reason=first.reason,
            fields=fields,
            event=first.event,
        )
    return rows


def _per_row_fields(outcomes) -> dict:
    """Merge the outcomes' fields: one value when all agree, else each row's own by its id."""
    fields = {}
    for name in outcomes[0].fields:
        values = [outcome.fields[name] for outcome in outcomes]
        if all(value == values[0] for value in values):
            fields[name] = values[0]
            continue
        fields[name] = rows.each_rows_own(
            Comment,
            Comment._meta.get_field(name),
            {outcome.comment_id: value for outcome, value in zip(outcomes, values, strict=True)},
        )
    return fields


# New comments, reports, edits, replies ------------------------------------------------------------


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
    rows = _rows_for(approved, _text(Status.PENDING), _text(""))
    fields = {"hold_reason": reason[:200]}
    outcome = _write(rows, action=Action.HELD, actor_label="readers", reason=reason, fields=fields)
    return outcome.changed > 0


def hold_edit(comment_id: int, to_status: str, reason: str) -> None:
    """Give a comment whose edit the local rules stop `to_status` (held, trashed, or the
    queue status it has), and record why."""
    (row,) = _rows_for(Comment.objects.filter(pk=comment_id), _text(to_status), _text(""))
    action = Action.TRASHED if to_status == Status.TRASH else Action.HELD
    fields = {"hold_reason": reason[:200]}
    _write([row], action=action, actor_label="rules", reason=reason, fields=fields)


def hold_edit_for_approval(comment_id: int) -> tuple[str, str] | None:
    """Hold an approved comment whose text changed if the ham rule would hold it now; return
    its new status and hold reason, or None when it stays approved."""
    approved = Comment.objects.filter(pk=comment_id, status=Status.APPROVED)
    to_status, why = moves.status_for_ham(conf.discussion())
    rows = [r for r in _rows_for(approved, to_status, why) if r["to_status"] != Status.APPROVED]
    if not rows:
        return None
    (row,) = rows
    reason = reasons.plain(row["why"])[:200]
    fields = {"hold_reason": reason}
    _write(rows, action=Action.HELD, actor_label="rules", reason="Edited:", fields=fields)
    return row["to_status"], reason


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
