"""Daily counts of comments by status and verdict, kept by the workflow as it moves comments.

Each comment counts once, on the day it was submitted, in the row of its current status and
Akismet verdict. A move shifts it from one row to another; deleting it shifts nothing, so a
purge or an erasure never changes a past figure on the dashboard.
"""

from collections import Counter
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone

from .models import DailyCount


def count_new(comment) -> None:
    """Count a comment that was just stored."""
    _apply(Counter({_key(comment.submitted_at, comment.status, comment.spam_verdict): 1}))


def count_moves(rows) -> None:
    """Shift each row (`submitted_at`, `status`, `spam_verdict`, `to_status`, `to_verdict`)."""
    deltas = Counter()
    for row in rows:
        deltas[_key(row["submitted_at"], row["status"], row["spam_verdict"])] -= 1
        deltas[_key(row["submitted_at"], row["to_status"], row["to_verdict"])] += 1
    _apply(deltas)


def _key(submitted_at, status, verdict) -> tuple:
    return timezone.localdate(submitted_at), str(status), str(verdict)


def _match(key) -> Q:
    day, status, verdict = key
    return Q(day=day, status=status, verdict=verdict)


@transaction.atomic
def _apply(deltas: Counter) -> None:
    keys = sorted(key for key, n in deltas.items() if n)
    if not keys:
        return
    DailyCount.objects.bulk_create(
        [DailyCount(day=day, status=status, verdict=verdict) for day, status, verdict in keys],
        ignore_conflicts=True,
    )
    rows = DailyCount.objects.filter(reduce(or_, map(_match, keys)))
    # Lock in one order, so two moves touching the same days never wait on each other.
    list(rows.select_for_update().order_by("pk").values_list("pk", flat=True))
    rows.update(
        count=F("count")
        + Case(
            *(When(_match(key), then=Value(deltas[key])) for key in keys),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


@transaction.atomic
def recount() -> None:
    """Count every stored comment afresh (after a bulk load that bypassed the workflow)."""
    from django.db.models import Count
    from django.db.models.functions import TruncDate

    from .models import Comment

    rows = (
        Comment.objects.annotate(
            day=TruncDate("submitted_at", tzinfo=timezone.get_current_timezone())
        )
        .order_by()
        .values("day", "status", "spam_verdict")
        .annotate(n=Count("pk"))
    )
    DailyCount.objects.all().delete()
    DailyCount.objects.bulk_create(
        DailyCount(day=r["day"], status=r["status"], verdict=r["spam_verdict"], count=r["n"])
        for r in rows
    )
