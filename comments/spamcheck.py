"""The spam check of one stored comment: ask Akismet, then record its answer or the failure.

It reads the comment under a short lock, asks Akismet holding none (an editor acting on the
comment never waits on Akismet), and applies the answer only if the comment still awaits it:
an editor's decision taken meanwhile stands. Akismet outages are retried with backoff for up
to 15 days; an unexpected error (a bug, not an answer from Akismet) is tried at most
`MAX_UNEXPECTED_FAILURES` times, then the comment waits for an editor labelled "Check failed".
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.outbox import Retry

from . import notifications, policy, spam, verdicts
from .deletion import delete_comments
from .models import Comment, CommentEvent, Status, Verdict
from .moderators import is_moderator

logger = logging.getLogger(__name__)

# A comment whose first check never ran (a worker died, a queue was lost) is picked up by
# `recheck_overdue` this long after it was submitted.
CHECK_GRACE = timedelta(minutes=5)
# WordPress retries every 20 minutes and gives up after 15 days; we start sooner and back off.
MAX_RETRY_DELAY = timedelta(minutes=20)
GIVE_UP_AFTER = timedelta(days=15)
MAX_UNEXPECTED_FAILURES = 3
# Akismet's name for a site's own editors: their comments are ham.
STAFF_ROLE = "administrator"

CLEARED = "Akismet cleared this comment."
CAUGHT = "Akismet caught this comment as spam."
CAUGHT_DISCARD = "Akismet caught this comment as spam (blatant: discard)."
UNAVAILABLE = "Akismet was unable to check this comment but will automatically retry later."
GAVE_UP = (
    "Akismet could not check this comment for 15 days; it waits for an editor without a check."
)
FAILED = "The spam check failed with an unexpected error; it waits for an editor."


@dataclass
class Result:
    """What became of a check, and when to try again (if it should be)."""

    outcome: str
    retry_at: datetime | None = None


# The outbox's schedule (`core.outbox`): 1, 2, 4 … 20 minutes. The check's state is the
# comment's own ("Awaiting spam check"), so it is kept on the comment, not in the outbox.
RETRY = Retry(cap=MAX_RETRY_DELAY)


def check(comment_id: int, recheck_reason: str = "") -> Result:
    """Ask Akismet about a stored comment and move it to where the answer sends it."""
    with transaction.atomic():
        comment = _locked(comment_id, skip_locked=True)
        # Gone, being read by another worker, or already decided: nothing to do.
        if comment is None or not _needs_check(comment, recheck_reason):
            return Result("skipped")
        if not spam.is_configured():
            return Result(_not_configured(comment))
        payload = _payload(comment, recheck_reason)

    try:
        verdict, failure, expected = spam.comment_check(payload), None, True
    except spam.AkismetUnavailable as error:
        verdict, failure, expected = None, str(error), True
    except Exception as error:
        logger.exception("Spam check of comment %s failed unexpectedly", comment_id)
        verdict, failure, expected = None, f"{error.__class__.__name__}: {error}", False

    with transaction.atomic():
        comment = _locked(comment_id, skip_locked=False)
        # An editor (or a twin of this task) decided while Akismet was asked: theirs stands.
        if comment is None or not _needs_check(comment, recheck_reason):
            return Result("skipped: decided meanwhile")
        if failure is not None:
            return _failed(comment, failure, expected=expected)
        return Result(_decided(comment, verdict, payload))


def _locked(comment_id: int, *, skip_locked: bool):
    return (
        Comment.objects.select_for_update(skip_locked=skip_locked, of=("self",))
        .with_post()
        .select_related("user")
        .filter(pk=comment_id)
        .first()
    )


def _needs_check(comment, recheck_reason: str) -> bool:
    if comment.status in (Status.PENDING, Status.APPROVED):
        # An editor's own reply is approved as it is stored, and still asked about once
        # (with user_role=administrator), as WordPress asks about administrators' comments.
        return bool(recheck_reason) or _editors_own_unchecked(comment)
    if comment.status != Status.AWAITING_CHECK:
        return False
    # A retry that is not due yet (its twin from `recheck_overdue` already ran) waits,
    # unless an editor asked for this check.
    if recheck_reason or not comment.check_attempts or comment.next_check_at is None:
        return True
    return comment.next_check_at <= timezone.now()


def _editors_own_unchecked(comment) -> bool:
    return (
        comment.spam_verdict == Verdict.UNCHECKED
        and is_moderator(comment.user)
        and comment.user_id == _approver(comment)
    )


def _approver(comment):
    """Return the id of whoever approved the comment last, or None."""
    return (
        comment.events.filter(action=CommentEvent.Action.APPROVED)
        .order_by("-created_at", "-pk")
        .values_list("actor_id", flat=True)
        .first()
    )


def _payload(comment, recheck_reason: str) -> dict:
    """Build what Akismet is sent, the first time it is sent; resend it on a recheck."""
    if comment.akismet_payload and recheck_reason != "edit":
        payload = dict(comment.akismet_payload)
    else:
        role = STAFF_ROLE if is_moderator(comment.user) else ""
        payload = spam.payload_for(comment, user_role=role)
    if recheck_reason:
        payload["recheck_reason"] = recheck_reason
    return payload


def _not_configured(comment) -> str:
    if comment.status == Status.AWAITING_CHECK:
        verdicts.hold_unchecked(comment, policy.NOT_CONFIGURED_REASON)
        _notify(comment)
    return "skipped: not configured"


def _decided(comment, verdict, payload) -> str:
    if verdict == Verdict.HAM:
        reason = CLEARED
    elif verdict == Verdict.DISCARD:
        reason = CAUGHT_DISCARD
    else:
        reason = CAUGHT
    to_status = verdicts.record_verdict(comment, verdict, payload, reason=reason)
    if verdict == Verdict.DISCARD and settings.AKISMET_DROP_DISCARD:
        delete_comments(
            [comment.pk],
            actor_label="Akismet",
            describe=lambda _ids: (
                f"{CAUGHT_DISCARD} Comment {comment.pk} on post {comment.post_id} was dropped "
                "(AKISMET_DROP_DISCARD)."
            ),
        )
        return "discard: dropped"
    if to_status == Status.PENDING and comment.status == Status.AWAITING_CHECK:
        _notify(comment)
    return verdict


def _failed(comment, error: str, *, expected: bool) -> Result:
    now = timezone.now()
    attempts = comment.check_attempts + 1
    logger.warning("Akismet check of comment %s failed: %s", comment.pk, error)
    if comment.status != Status.AWAITING_CHECK:
        # A recheck an editor asked for: the comment keeps its place, the editor decides.
        verdicts.record_check_failure(
            comment,
            error,
            to_status=comment.status,
            next_check_at=None,
            reason=f"{UNAVAILABLE} ({error[:200]})",
        )
        return Result("error")
    gave_up = GAVE_UP if expected else FAILED
    if now - comment.submitted_at >= GIVE_UP_AFTER or (
        not expected and attempts >= MAX_UNEXPECTED_FAILURES
    ):
        verdicts.record_check_failure(
            comment,
            error,
            to_status=Status.PENDING,
            next_check_at=None,
            reason=f"{gave_up} ({error[:200]})",
        )
        _notify(comment)
        return Result("error: gave up")
    retry_at = now + RETRY.delay(attempts)
    # The first failure is recorded; later ones only move the next try.
    verdicts.record_check_failure(
        comment,
        error,
        to_status=Status.AWAITING_CHECK,
        next_check_at=retry_at,
        reason=UNAVAILABLE,
        event=attempts == 1,
    )
    if attempts == 1:
        # It now waits in the moderation queue, labelled "Awaiting spam check".
        _notify(comment)
    return Result("error: will retry", retry_at=retry_at)


def _notify(comment) -> None:
    # Stored with the answer that put the comment in the queue; the outbox sends it after
    # commit and retries it, so an email problem never undoes or repeats the check.
    notifications.notify_moderators(comment.pk)
