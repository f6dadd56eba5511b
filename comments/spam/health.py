"""Akismet's health at a glance, for the admin index: is the key good, is Akismet answering?

Each figure reads an index: the latest check events (`event_action_idx`), comments waiting on a
failed check (`comment_verdict_idx`) and unsent reports (`report_state_idx`).
"""

from datetime import timedelta

from django.db.models import Max, Min
from django.utils import timezone

from comments.models import AkismetKeyCheck, AkismetReport, Comment, CommentEvent, Status, Verdict
from comments.spam import akismet as spam

# Akismet unreachable for longer than this turns the panel red.
DOWN_AFTER = timedelta(minutes=10)
Action = CommentEvent.Action


def record_key_check() -> AkismetKeyCheck:
    """Ask Akismet whether the key is valid, and keep the answer for the admin."""
    try:
        valid, error = spam.verify_key(), ""
    except spam.AkismetUnavailable as failure:
        valid, error = None, str(failure)[:200]
    return AkismetKeyCheck.objects.create(valid=valid, error=error)


def health(now=None) -> dict:
    """Say whether the key was verified, when a check last worked, and what waits on Akismet."""
    now = now or timezone.now()
    events = CommentEvent.objects.order_by()
    last_ok = events.filter(action=Action.CHECKED).aggregate(at=Max("created_at"))["at"]
    failures = events.filter(action=Action.CHECK_FAILED)
    if last_ok:
        failures = failures.filter(created_at__gt=last_ok)
    down_since = failures.aggregate(at=Min("created_at"))["at"]
    waiting = Comment.objects.filter(
        spam_verdict=Verdict.ERROR, status=Status.AWAITING_CHECK
    ).count()
    unsent = AkismetReport.objects.filter(
        state__in=[AkismetReport.State.QUEUED, AkismetReport.State.FAILED]
    ).count()
    down = bool(down_since and waiting and now - down_since > DOWN_AFTER)
    configured = spam.is_configured()
    key = AkismetKeyCheck.objects.order_by("-checked_at", "-pk").first()
    return {
        "configured": configured,
        "key": key,
        "state": _state(configured, key, down),
        "last_ok": last_ok,
        "down_since": down_since if waiting else None,
        "waiting": waiting,
        "unsent": unsent,
        "down": down,
    }


def _state(configured: bool, key, down: bool) -> str:
    """Return the panel's colour: "ok", "warn" (amber) or "down" (red)."""
    if not configured:
        return "warn"  # nothing is checked: every comment waits for an editor
    if down or (key is not None and key.valid is False):
        return "down"
    if key is None or key.valid is None:
        return "warn"  # a key no one has verified yet may be wrong
    return "ok"
