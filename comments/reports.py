"""Spam and ham reports an editor's decision owes Akismet, sent after the fact and retried.

Each report resends exactly what comment-check was sent, so Akismet learns about the comment
it judged; `comments.workflow` queues a report only for a comment Akismet was asked about.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.backoff import backoff

from . import spam
from .models import AkismetReport, CommentEvent

MAX_ATTEMPTS = 10


@dataclass
class Sent:
    sent: int = 0
    failed: int = 0
    skipped: str = ""

    def retry_after(self) -> timedelta | None:
        """How long to wait before sending the failures again, or None if none failed."""
        if not self.failed:
            return None
        attempts = _unsent().aggregate(n=Max("attempts"))["n"] or 1
        return backoff(attempts, cap=timedelta(hours=12))


def _unsent():
    return AkismetReport.objects.filter(
        state__in=[AkismetReport.State.QUEUED, AkismetReport.State.FAILED],
        attempts__lt=MAX_ATTEMPTS,
    ).order_by("pk")


def send_reports() -> Sent:
    """Send every queued or failed report, one at a time, each under its own lock."""
    if not spam.is_configured():
        return Sent(skipped="Akismet is not configured")
    done, last = Sent(), 0
    while True:
        with transaction.atomic():
            report = (
                _unsent()
                .filter(pk__gt=last)
                .select_related("comment")
                .select_for_update(skip_locked=True, of=("self",))
                .first()
            )
            if report is None:
                return done
            last = report.pk
            _send(report)
            if report.state == AkismetReport.State.SENT:
                done.sent += 1
            else:
                done.failed += 1


def _send(report) -> None:
    report.attempts += 1
    submit = spam.submit_spam if report.kind == AkismetReport.Kind.SPAM else spam.submit_ham
    try:
        submit(dict(report.comment.akismet_payload))
    except spam.AkismetUnavailable as error:
        report.state, report.last_error = AkismetReport.State.FAILED, str(error)
    else:
        report.state, report.last_error = AkismetReport.State.SENT, ""
        report.sent_at = timezone.now()
    report.save(update_fields=["state", "last_error", "attempts", "sent_at"])
    sent = report.state == AkismetReport.State.SENT
    kind = report.get_kind_display()
    CommentEvent.objects.create(
        comment=report.comment,
        action=CommentEvent.Action.REPORTED if sent else CommentEvent.Action.REPORT_FAILED,
        actor_label="Akismet",
        from_status=report.comment.status,
        to_status=report.comment.status,
        reason=(
            f"Sent {kind} to Akismet."
            if sent
            else f"{kind} failed ({report.last_error}); will retry."
        ),
    )
