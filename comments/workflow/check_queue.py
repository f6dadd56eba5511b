"""The spam check's queue as the workflow keeps it: the comment row is the entry.

A comment is due for a check from its `next_check_at`; `comments.spam.checker` claims due
comments in batches under a lease and hands each one's `CheckOutcome` back to
`comments.workflow.writer.record_checks`. Here:

- `request_checks`: an editor's (or an edit's) request for a fresh check, due at once, the
  checkers woken at commit; `make_due`, the same without the wake-up, for a check run now;
- `wake_checkers`: the `pg_notify` on `CHANNEL` a stored comment sends in its own
  transaction, so the check is queued exactly when the comment is;
- `CheckOutcome`, with `KEEP` and `HAM_RULE`: what one check asks the workflow to record.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from comments.models import Comment
from core.workers import wake

# The PostgreSQL channel a stored comment (or an editor's recheck) wakes the checkers on.
CHANNEL = "comments_check"

# A recheck that changes no status, and a first check cleared (`moves.status_for_ham` decides).
KEEP = "keep"
HAM_RULE = "ham_rule"


@dataclass
class CheckOutcome:
    """Where one comment's check sends it, if it is still as the check saw it (`seen_status`).

    `to_status` is a status, `KEEP` or `HAM_RULE`; `notify` tells editors when the comment
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


def wake_checkers() -> None:
    """Have the spam check look for due comments as soon as this transaction commits."""
    wake(CHANNEL)


def make_due(ids, reason: str) -> None:
    """Make a fresh Akismet check of these comments due now, saying why."""
    Comment.objects.filter(pk__in=list(ids)).update(
        check_requested=reason, next_check_at=timezone.now()
    )


def request_checks(ids, reason: str) -> None:
    """Ask for a fresh Akismet check of these comments; the checkers wake at commit."""
    ids = list(ids)
    if ids:
        make_due(ids, reason)
        wake_checkers()
