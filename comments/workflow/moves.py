"""An editor's moves, as data: which statuses each applies to and what it makes of a comment.

`comments.workflow.writer.apply_move` carries any of them out, for one comment or a hundred
thousand.
"""

from dataclasses import dataclass

from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce, Concat, NullIf
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from comments.models import AkismetReport, Comment, CommentEvent
from comments.rules import reasons
from comments.rules.moderators import moderators
from comments.rules.statuses import LIVE, QUEUE, Status

Action = CommentEvent.Action


def status_for_ham(discussion) -> tuple[Case, Case]:
    """Return what a comment cleared of spam becomes, and why, as expressions over the row.

    The workflow annotates the comments it moves with both, so the spam check's verdict and an
    editor's "Not spam" (one comment or a hundred thousand) apply the same rule in one query.
    """
    # Another approved comment: an approved comment its author edits is not its own proof.
    prior_approval = (
        Comment.objects.approved()
        .filter(author_email=OuterRef("author_email"))
        .exclude(pk=OuterRef("pk"))
    )
    # (condition, status, why): the first that matches decides.
    rules = [
        (
            ~Q(hold_reason=""),
            Status.PENDING,
            Concat(Value(reasons.HELD_PREFIX), F("hold_reason")),
        ),
        (Exists(moderators().filter(pk=OuterRef("user_id"))), Status.APPROVED, Value("")),
    ]
    if discussion.manual_approval:
        otherwise = Status.PENDING, Value(reasons.held("comments must be manually approved"))
    else:
        if discussion.require_prior_approval:
            why = Value(reasons.held("first comment by this author"))
            rules.append((~Exists(prior_approval), Status.PENDING, why))
        otherwise = Status.APPROVED, Value("")
    status = Case(
        *(When(condition, then=Value(to)) for condition, to, _why in rules),
        default=Value(otherwise[0]),
        output_field=CharField(),
    )
    why = Case(
        *(When(condition, then=reason) for condition, _to, reason in rules),
        default=otherwise[1],
        output_field=CharField(),
    )
    return status, why


# Targets that are not one status: what the discussion rules give a comment cleared of spam,
# and the status a comment had before it went to the trash.
CLEARED = "cleared"
BEFORE_TRASH = "before_trash"

# Spam only leaves through "Not spam" (which teaches Akismet), trash only through "Restore".


@dataclass(frozen=True)
class Move:
    name: str
    action: str
    from_statuses: tuple
    to: str
    label: str
    working: str
    # What the editor is told, with %(n)d for how many.
    done: str
    # The short name of its one-click button under a comment in the queue, as in WordPress.
    row_label: str = ""
    # A person's spam/ham judgement owes Akismet a report of this kind.
    report: str = ""

    def message(self, n: int) -> str:
        return self.done % {"n": n}

    def target(self, discussion) -> tuple:
        """Return the new status and why, as expressions over the comment's row."""
        if self.to == CLEARED:
            return status_for_ham(discussion)
        if self.to == BEFORE_TRASH:
            before = Coalesce(NullIf(F("status_before_trash"), Value("")), Value(Status.PENDING))
            return before, Value("", output_field=CharField())
        return Value(self.to, output_field=CharField()), Value("", output_field=CharField())


APPROVE = Move(
    name="approve",
    action=Action.APPROVED,
    from_statuses=QUEUE,
    to=Status.APPROVED,
    label=_("Approve"),
    row_label=_("Approve"),
    working=_("Approving"),
    done=ngettext_lazy("%(n)d comment approved.", "%(n)d comments approved.", "n"),
)
UNAPPROVE = Move(
    name="unapprove",
    action=Action.UNAPPROVED,
    from_statuses=(Status.APPROVED,),
    to=Status.PENDING,
    label=_("Unapprove"),
    row_label=_("Unapprove"),
    working=_("Unapproving"),
    done=ngettext_lazy("%(n)d comment unapproved.", "%(n)d comments unapproved.", "n"),
)
SPAM = Move(
    name="spam",
    action=Action.MARKED_SPAM,
    from_statuses=LIVE,
    to=Status.SPAM,
    label=_("Mark as spam"),
    row_label=_("Spam"),
    working=_("Marking as spam"),
    done=ngettext_lazy("%(n)d comment marked as spam.", "%(n)d comments marked as spam.", "n"),
    report=AkismetReport.Kind.SPAM,
)
NOT_SPAM = Move(
    name="ham",
    action=Action.MARKED_HAM,
    from_statuses=(Status.SPAM,),
    to=CLEARED,
    label=_("Not spam"),
    row_label=_("Not spam"),
    working=_("Restoring from spam"),
    done=ngettext_lazy(
        "%(n)d comment restored from spam.", "%(n)d comments restored from spam.", "n"
    ),
    report=AkismetReport.Kind.HAM,
)
TRASH = Move(
    name="trash",
    action=Action.TRASHED,
    from_statuses=(*LIVE, Status.SPAM),
    to=Status.TRASH,
    label=_("Move to trash"),
    row_label=_("Trash"),
    working=_("Moving to the trash"),
    done=ngettext_lazy(
        "%(n)d comment moved to the trash.", "%(n)d comments moved to the trash.", "n"
    ),
)
RESTORE = Move(
    name="restore",
    action=Action.RESTORED,
    from_statuses=(Status.TRASH,),
    to=BEFORE_TRASH,
    label=_("Restore"),
    row_label=_("Restore"),
    working=_("Restoring from the trash"),
    done=ngettext_lazy(
        "%(n)d comment restored from the trash.", "%(n)d comments restored from the trash.", "n"
    ),
)
MOVES = {move.name: move for move in (APPROVE, UNAPPROVE, SPAM, NOT_SPAM, TRASH, RESTORE)}

# What takes a move back: its action and Akismet report are recorded when an Undo puts the
# comments back (the status they go back to is the one the move's own event found them in).
OPPOSITES = {
    APPROVE.name: UNAPPROVE,
    UNAPPROVE.name: APPROVE,
    SPAM.name: NOT_SPAM,
    NOT_SPAM.name: SPAM,
    TRASH.name: RESTORE,
    RESTORE.name: TRASH,
}
