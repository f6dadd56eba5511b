"""Readers report a published comment; enough reports send it back to the editors' queue.

No account is needed. Each address counts once per comment and may report at most
`REPORTS_PER_HOUR` comments an hour; the address is kept only as a keyed hash, so a report
holds nothing personal. When the reports reach the discussion settings' `report_threshold`,
the comment goes back to the queue through `comments.workflow.writer.hold_reported`, with the
reason "Reported by readers", and the editors are emailed through the outbox.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from comments.models import Comment, ReaderReport, Status
from comments.rules import conf
from comments.workflow import writer as workflow
from comments.workflow.notifications import notify_moderators_again

REPORTS_PER_HOUR = 10
REASON = "Reported by readers"


@dataclass(frozen=True)
class Reported:
    """What became of a reader's report: its HTTP status and whether the comment moved."""

    status_code: int
    held: bool = False


def reporter_of(request_meta) -> str:
    """Return the keyed hash that stands for the reader's address."""
    address = request_meta.get("REMOTE_ADDR", "")
    return hashlib.blake2b(
        address.encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=16
    ).hexdigest()


def can_be_reported(comment) -> bool:
    return comment.status == Status.APPROVED and conf.discussion().report_threshold > 0


def report(comment, why: str, request_meta) -> Reported:
    """Record a reader's report; hold the comment once enough addresses reported it."""
    reporter = reporter_of(request_meta)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    recent = ReaderReport.objects.filter(reporter=reporter, created_at__gte=an_hour_ago)
    if recent.count() >= REPORTS_PER_HOUR:
        return Reported(429)
    threshold = conf.discussion().report_threshold
    with transaction.atomic():
        # One report at a time per comment: the one that reaches the threshold holds it.
        since = (
            Comment.objects.select_for_update()
            .filter(pk=comment.pk)
            .values_list("status_changed_at", flat=True)
            .get()
        )
        try:
            with transaction.atomic():
                ReaderReport.objects.create(comment=comment, reporter=reporter, why=why)
        except IntegrityError:
            return Reported(200)  # this address said so already: it counts once
        reports = ReaderReport.objects.filter(comment=comment)
        if since is not None:
            # An editor who approved it again has answered the reports made before.
            reports = reports.filter(created_at__gte=since)
        if reports.count() < threshold:
            return Reported(200)
        whys = {str(ReaderReport.Why(why).label) for why in reports.values_list("why", flat=True)}
        reason = f"{REASON} ({reports.count()}): {'; '.join(sorted(whys))}"
        held = workflow.hold_reported(comment.pk, reason)
        if held:
            notify_moderators_again(comment.pk)
    return Reported(200, held=held)
