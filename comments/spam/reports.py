"""Spam and ham reports an editor's decision owes Akismet, sent after the fact and retried.

Each report resends exactly what comment-check was sent, so Akismet learns about the comment
it judged; `comments.workflow.writer` queues a report only for a comment Akismet was asked about.
A report is a message on the site's one outbox (`core.outbox`), which sends and retries it.
"""

from comments.models import AkismetReport, CommentEvent
from comments.rules import conf
from comments.spam import akismet as spam
from core.outbox import SENT, Hold, Outbox


def send(report) -> object:
    """Send one report to Akismet, and note on the comment's history whether it went."""
    if not spam.is_configured():
        return Hold(conf.REPORT_UNCONFIGURED_WAIT, "Akismet is not configured")
    submit = spam.submit_spam if report.kind == AkismetReport.Kind.SPAM else spam.submit_ham
    kind = report.get_kind_display()
    try:
        submit(dict(report.comment.akismet_payload))
    except spam.AkismetUnavailable as error:
        then = "gave up" if REPORTS.retry.gives_up(report.attempts) else "will retry"
        _note(report, CommentEvent.Action.REPORT_FAILED, f"{kind} failed ({error}); {then}.")
        raise
    _note(report, CommentEvent.Action.REPORTED, f"Sent {kind} to Akismet.")
    return SENT


def _note(report, action, reason: str) -> None:
    CommentEvent.objects.create(
        comment=report.comment,
        action=action,
        actor_label="Akismet",
        from_status=report.comment.status,
        to_status=report.comment.status,
        reason=reason,
    )


REPORTS = Outbox(
    AkismetReport,
    send=send,
    retry=conf.REPORT_RETRY,
    select_related=("comment",),
)
