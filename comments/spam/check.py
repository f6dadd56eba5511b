"""What the spam check asks Akismet about a comment, and what each answer or failure means.

`comments.spam.checker` claims the comments whose check is due and hands them here: `judge`
says which still need a check (`needs_check`), builds what is sent (`payload`), asks Akismet
about them side by side (`comments.spam.akismet.ask_all`) and says where each answer sends its
comment (`answered`, `failed`, `not_configured`: a `CheckOutcome` that
`comments.workflow.writer.record_checks` writes for the whole batch at once). Akismet outages are
retried with backoff for up to 15 days; an unexpected error (a bug, not an answer from
Akismet) is tried at most `conf.CHECK_MAX_UNEXPECTED_FAILURES` times, then the comment waits for an
editor labelled "Check failed".
"""

import logging
from functools import partial

from django.db.models import F

from comments.models import CommentEvent, Status, Verdict
from comments.rules import conf
from comments.rules.moderators import is_moderator
from comments.spam import akismet as spam
from comments.workflow.check_queue import HAM_RULE, KEEP, CheckOutcome

# Akismet's name for a site's own editors: their comments are ham.
STAFF_ROLE = "administrator"

CLEARED = "Akismet cleared this comment."
CAUGHT = "Akismet caught this comment as spam."
CAUGHT_DISCARD = "Akismet caught this comment as spam (blatant: discard)."
UNAVAILABLE = "Akismet was unable to check this comment but will automatically retry later."
GAVE_UP = (
    "Akismet could not check this comment for 15 days; it waits for an editor without a check."
)
NOT_CONFIGURED_REASON = "not checked: Akismet not configured"
FAILED = "The spam check failed with an unexpected error; it waits for an editor."

_ONE_MORE_ATTEMPT = F("check_attempts") + 1

Action = CommentEvent.Action
logger = logging.getLogger(__name__)


def judge(comments, now) -> tuple[list[CheckOutcome], list[int]]:
    """Ask Akismet about the claimed comments that need it; return their outcomes and the
    ids of the others, which need no check any more."""
    asked = [c for c in comments if needs_check(c)]
    if not spam.is_configured():
        # No key: a comment awaiting its first check waits for an editor; a recheck is dropped.
        outcomes = [not_configured(c) for c in asked if c.status == Status.AWAITING_CHECK]
    else:
        payloads = [payload(c) for c in asked]
        answers = spam.ask_all(payloads)
        outcomes = [
            _outcome(comment, sent, answer, now)
            for comment, sent, answer in zip(asked, payloads, answers, strict=True)
        ]
    judged = {outcome.comment_id for outcome in outcomes}
    return outcomes, [c.pk for c in comments if c.pk not in judged]


def needs_check(comment) -> bool:
    """Return whether a claimed comment still needs Akismet's answer."""
    if comment.status in (Status.PENDING, Status.APPROVED):
        # An editor's own reply is approved as it is stored, and still asked about once
        # (with user_role=administrator), as WordPress asks about administrators' comments.
        return bool(comment.check_requested) or _editors_own_unchecked(comment)
    return comment.status == Status.AWAITING_CHECK


def _editors_own_unchecked(comment) -> bool:
    return (
        comment.spam_verdict == Verdict.UNCHECKED
        and is_moderator(comment.user)
        and comment.user_id == _approver(comment)
    )


def _approver(comment):
    """Return the id of whoever approved the comment last, or None."""
    return (
        comment.events.filter(action=Action.APPROVED)
        .order_by("-created_at", "-pk")
        .values_list("actor_id", flat=True)
        .first()
    )


def payload(comment) -> dict:
    """Build what Akismet is sent, the first time it is sent; resend it on a recheck."""
    recheck_reason = comment.check_requested
    if comment.akismet_payload and recheck_reason != "edit":
        sent = dict(comment.akismet_payload)
    else:
        role = STAFF_ROLE if is_moderator(comment.user) else ""
        sent = spam.payload_for(comment, user_role=role)
    if recheck_reason:
        sent["recheck_reason"] = recheck_reason
    return sent


def answered(comment, verdict, sent: dict, now) -> CheckOutcome:
    """Akismet answered: ham clears a comment awaiting its first check, spam goes to spam."""
    if verdict == Verdict.HAM:
        reason = CLEARED
        to_status = HAM_RULE if comment.status == Status.AWAITING_CHECK else KEEP
    else:
        reason = CAUGHT_DISCARD if verdict == Verdict.DISCARD else CAUGHT
        to_status = Status.SPAM
    fields = {
        "spam_verdict": verdict,
        "spam_checked_at": now,
        "next_check_at": None,
        "check_error": "",
        "akismet_payload": sent,
    }
    return CheckOutcome(
        comment.pk,
        comment.status,
        to_status,
        Action.CHECKED,
        "Akismet",
        reason,
        fields,
        notify=comment.status == Status.AWAITING_CHECK,
        label=str(verdict),
    )


def failed(comment, error: str, now, *, expected: bool) -> CheckOutcome:
    """No answer: retry with backoff, or give up and leave the comment to an editor."""
    attempts = comment.check_attempts + 1
    fields = {
        "spam_verdict": Verdict.ERROR,
        "check_attempts": _ONE_MORE_ATTEMPT,
        "check_error": error[:200],
        "next_check_at": None,
    }

    outcome = partial(
        CheckOutcome,
        comment.pk,
        comment.status,
        action=Action.CHECK_FAILED,
        actor_label="Akismet",
        fields=fields,
    )

    if comment.status != Status.AWAITING_CHECK:
        # A recheck an editor asked for: the comment keeps its place, the editor decides.
        return outcome(to_status=KEEP, reason=f"{UNAVAILABLE} ({error[:200]})", label="error")
    gave_up = GAVE_UP if expected else FAILED
    if now - comment.submitted_at >= conf.CHECK_GIVE_UP_AFTER or (
        not expected and attempts >= conf.CHECK_MAX_UNEXPECTED_FAILURES
    ):
        reason = f"{gave_up} ({error[:200]})"
        return outcome(to_status=Status.PENDING, reason=reason, label="error: gave up", notify=True)
    fields["next_check_at"] = now + conf.CHECK_RETRY.delay(attempts)
    # The first failure is recorded, and puts it in the moderation queue ("Awaiting spam
    # check"); later ones only move the next try.
    first = attempts == 1
    return outcome(
        to_status=Status.AWAITING_CHECK,
        reason=UNAVAILABLE,
        label="error: will retry",
        event=first,
        notify=first,
    )


def _outcome(comment, sent: dict, answer: tuple, now) -> CheckOutcome:
    verdict, error, expected = answer
    if error is not None:
        logger.warning("Akismet check of comment %s failed: %s", comment.pk, error)
        return failed(comment, error, now, expected=expected)
    return answered(comment, verdict, sent, now)


def not_configured(comment) -> CheckOutcome:
    """No Akismet key: hold the comment for an editor without a check."""
    fields = {"spam_verdict": Verdict.SKIPPED, "next_check_at": None}
    return CheckOutcome(
        comment.pk,
        comment.status,
        Status.PENDING,
        Action.HELD,
        "system",
        NOT_CONFIGURED_REASON,
        fields,
        notify=True,
        label="skipped: not configured",
    )
