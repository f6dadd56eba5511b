"""The spam check's answers, written through the workflow (`comments.workflow.write`).

Akismet's verdict about a locked comment (`record_verdict`), a failed check
(`record_check_failure`), and a comment held unchecked because no key is set
(`hold_unchecked`). `comments.spamcheck` decides which; this records it.
"""

from django.db.models import F
from django.utils import timezone

from . import policy, workflow
from .models import Comment, CommentEvent, DiscussionSettings, Status, Verdict

Action = CommentEvent.Action


def record_verdict(comment, verdict, payload: dict, *, reason: str) -> str:
    """Record Akismet's answer about a locked comment and move it where the answer sends it.

    Ham approves (or holds, by the discussion rules) only a comment awaiting its first check;
    a recheck of a comment already decided keeps its status. Spam goes to spam.
    """
    if verdict == Verdict.HAM and comment.status == Status.AWAITING_CHECK:
        to_status, why = policy.status_for_ham(DiscussionSettings.load())
    elif verdict == Verdict.HAM:
        to_status, why = F("status"), workflow.text("")
    else:
        to_status, why = workflow.text(Status.SPAM), workflow.text("")
    (row,) = workflow.rows_for(Comment.objects.filter(pk=comment.pk), to_status, why)
    fields = {
        "spam_verdict": verdict,
        "spam_checked_at": timezone.now(),
        "next_check_at": None,
        "check_error": "",
        "akismet_payload": payload,
    }
    workflow.write(
        [row], action=Action.CHECKED, actor_label="Akismet", reason=reason, fields=fields
    )
    return row["to_status"]


def record_check_failure(
    comment, error: str, *, to_status, next_check_at, reason: str, event=True
) -> None:
    """Record a failed check of a locked comment: its error, the next try, and `to_status`."""
    (row,) = workflow.rows_for(
        Comment.objects.filter(pk=comment.pk), workflow.text(to_status), workflow.text("")
    )
    fields = {
        "spam_verdict": Verdict.ERROR,
        "check_attempts": F("check_attempts") + 1,
        "check_error": error[:200],
        "next_check_at": next_check_at,
    }
    workflow.write(
        [row],
        action=Action.CHECK_FAILED,
        actor_label="Akismet",
        reason=reason,
        fields=fields,
        event=event,
    )


def hold_unchecked(comment, reason: str) -> None:
    """Hold a comment for an editor without a check (no Akismet key is configured)."""
    (row,) = workflow.rows_for(
        Comment.objects.filter(pk=comment.pk), workflow.text(Status.PENDING), workflow.text("")
    )
    fields = {"spam_verdict": Verdict.SKIPPED, "next_check_at": None}
    workflow.write([row], action=Action.HELD, actor_label="system", reason=reason, fields=fields)
