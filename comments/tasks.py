"""Background work on new comments: the Akismet check, its retries, and the safety net."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from . import notifications, policy, spam
from .models import Comment, CommentEvent, DiscussionSettings, Status, Verdict

logger = logging.getLogger(__name__)

# A comment whose first check never ran (a worker died, a queue was lost) is picked up by
# `recheck_overdue` this long after it was submitted.
CHECK_GRACE = timedelta(minutes=5)
# WordPress retries every 20 minutes and gives up after 15 days; we start sooner and back off.
MAX_RETRY_DELAY = timedelta(minutes=20)
GIVE_UP_AFTER = timedelta(days=15)

CLEARED = "Akismet cleared this comment."
CAUGHT = "Akismet caught this comment as spam."
CAUGHT_DISCARD = "Akismet caught this comment as spam (blatant: discard)."
UNAVAILABLE = "Akismet was unable to check this comment but will automatically retry later."
GAVE_UP = (
    "Akismet could not check this comment for 15 days; it waits for an editor without a check."
)


def retry_delay(attempts: int) -> timedelta:
    """Return how long to wait after the `attempts`-th failed check: 1, 2, 4 ... 20 minutes."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_RETRY_DELAY)


@task()
def check_comment(comment_id: int, recheck_reason: str = "") -> str:
    """Ask Akismet about a stored comment and move it to where the answer sends it."""
    # Read under a short lock, ask Akismet holding none (an editor acting on this comment
    # never waits on Akismet), then apply the answer only if the comment still awaits it.
    with transaction.atomic():
        comment = _locked(comment_id, skip_locked=True)
        # Gone, being read by another worker, or already decided: nothing to do.
        if comment is None or not _needs_check(comment, recheck_reason):
            return "skipped"
        if not spam.is_configured():
            return _not_configured(comment)
        payload = dict(comment.akismet_payload) or spam.payload_for(comment)
        if recheck_reason:
            payload["recheck_reason"] = recheck_reason

    try:
        verdict, failure = spam.comment_check(payload), None
    except spam.AkismetUnavailable as error:
        verdict, failure = None, error

    with transaction.atomic():
        comment = _locked(comment_id, skip_locked=False)
        # An editor (or a twin of this task) decided while Akismet was asked: theirs stands.
        if comment is None or not _needs_check(comment, recheck_reason):
            return "skipped: decided meanwhile"
        if failure is not None:
            return _failed(comment, failure)
        comment.akismet_payload = payload
        return _decided(comment, verdict)


def _locked(comment_id: int, *, skip_locked: bool):
    return (
        Comment.objects.select_for_update(skip_locked=skip_locked, of=("self",))
        .select_related("post", "user")
        .filter(pk=comment_id)
        .first()
    )


def _needs_check(comment, recheck_reason: str) -> bool:
    if comment.status == Status.PENDING:
        return bool(recheck_reason)
    if comment.status != Status.AWAITING_CHECK:
        return False
    # A retry that is not due yet (its twin from `recheck_overdue` already ran) waits,
    # unless an editor asked for this check.
    if recheck_reason or not comment.check_attempts or comment.next_check_at is None:
        return True
    return comment.next_check_at <= timezone.now()


def _not_configured(comment) -> str:
    if comment.status == Status.AWAITING_CHECK:
        comment.spam_verdict = Verdict.SKIPPED
        comment.next_check_at = None
        comment.transition(
            Status.PENDING,
            action=CommentEvent.Action.HELD,
            actor_label="system",
            reason=policy.NOT_CONFIGURED_REASON,
            fields=["spam_verdict", "next_check_at"],
        )
        _notify_on_commit(comment)
    return "skipped: not configured"


def _decided(comment, verdict) -> str:
    comment.spam_verdict = verdict
    comment.spam_checked_at = timezone.now()
    comment.next_check_at = None
    comment.check_error = ""
    fields = ["spam_verdict", "spam_checked_at", "next_check_at", "check_error", "akismet_payload"]
    if verdict == Verdict.HAM:
        to_status, why = policy.status_for_ham(comment, DiscussionSettings.load())
        if comment.status == Status.PENDING:
            to_status = Status.PENDING  # a recheck of the queue never approves by itself
        reason = f"{CLEARED} {why}" if why else CLEARED
    elif verdict == Verdict.DISCARD and settings.AKISMET_DROP_DISCARD:
        return _drop(comment)
    else:
        to_status = Status.SPAM
        reason = CAUGHT_DISCARD if verdict == Verdict.DISCARD else CAUGHT
    comment.transition(
        to_status,
        action=CommentEvent.Action.CHECKED,
        actor_label="Akismet",
        reason=reason,
        fields=fields,
    )
    if to_status == Status.PENDING:
        _notify_on_commit(comment)
    return verdict


def _drop(comment) -> str:
    CommentEvent.objects.create(
        comment=None,
        action=CommentEvent.Action.PURGED,
        actor_label="Akismet",
        from_status=comment.status,
        reason=(
            f"{CAUGHT_DISCARD} Comment {comment.pk} by {comment.author_name} on post "
            f"{comment.post_id} was dropped (AKISMET_DROP_DISCARD)."
        ),
    )
    comment.delete()
    return "discard: dropped"


def _failed(comment, error) -> str:
    now = timezone.now()
    comment.check_attempts += 1
    comment.check_error = str(error)[:200]
    comment.spam_verdict = Verdict.ERROR
    fields = ["check_attempts", "check_error", "spam_verdict", "next_check_at"]
    logger.warning("Akismet check of comment %s failed: %s", comment.pk, error)
    if comment.status == Status.PENDING:
        # A recheck an editor asked for: the comment stays in the queue, the editor decides.
        comment.next_check_at = None
        comment.transition(
            Status.PENDING,
            action=CommentEvent.Action.CHECK_FAILED,
            actor_label="Akismet",
            reason=f"{UNAVAILABLE} ({comment.check_error})",
            fields=fields,
        )
        return "error"
    if now - comment.submitted_at >= GIVE_UP_AFTER:
        comment.next_check_at = None
        comment.transition(
            Status.PENDING,
            action=CommentEvent.Action.CHECK_FAILED,
            actor_label="Akismet",
            reason=GAVE_UP,
            fields=fields,
        )
        _notify_on_commit(comment)
        return "error: gave up"
    comment.next_check_at = now + retry_delay(comment.check_attempts)
    if comment.check_attempts == 1:
        # It now waits in the moderation queue, labelled "Awaiting spam check".
        comment.transition(
            Status.AWAITING_CHECK,
            action=CommentEvent.Action.CHECK_FAILED,
            actor_label="Akismet",
            reason=UNAVAILABLE,
            fields=fields,
        )
        _notify_on_commit(comment)
    else:
        comment.save(update_fields=fields)
    transaction.on_commit(lambda: _schedule_retry(comment.pk, comment.next_check_at), robust=True)
    return "error: will retry"


def _schedule_retry(comment_id: int, when) -> None:
    # Backends without deferred tasks (the test suite's) leave the retry to recheck_overdue.
    if check_comment.get_backend().supports_defer:
        check_comment.using(run_after=when).enqueue(comment_id)


def _notify_on_commit(comment) -> None:
    transaction.on_commit(lambda: _notify(comment.pk))


def _notify(comment_id: int) -> None:
    # The check is done and committed; an email problem must not undo or repeat it.
    try:
        notifications.notify_moderators(comment_id)
    except Exception:
        logger.exception("Could not notify moderators about comment %s", comment_id)


@task()
def recheck_overdue(limit: int = 500) -> int:
    """Queue a check for every comment whose check is overdue: lost tasks are harmless."""
    overdue = (
        Comment.objects.filter(status=Status.AWAITING_CHECK)
        .filter(Q(next_check_at__lte=timezone.now()) | Q(next_check_at__isnull=True))
        .order_by("next_check_at")
        .values_list("pk", flat=True)[:limit]
    )
    ids = list(overdue)
    for comment_id in ids:
        check_comment.enqueue(comment_id)
    return len(ids)
