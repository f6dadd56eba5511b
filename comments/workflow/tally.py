"""Daily counts of comments by status and verdict, kept by the workflow as it moves comments.

Each comment counts once, on the day it was submitted, in the bucket of its current status and
Akismet verdict. A move shifts it from one bucket to another; deleting it shifts nothing, so a
purge or an erasure never changes a past figure on the dashboard.

The counts are a ledger: each change *inserts* its +1 and -1 rows, and a bucket's figure is
the sum of its rows (the dashboard sums them). Updating one row per bucket instead made every
comment of the day wait on the same row lock, in the reader's POST and again in the spam
check. `compact()` (a recurring task) folds the rows back into one per bucket.
"""

from collections import Counter

from django.db import transaction
from django.db.models import Count, F
from django.db.models.functions import Concat
from django.utils import timezone

from comments.models import DailyCount


def count_new(*comments) -> None:
    """Count comments that were just stored."""
    DailyCount.objects.bulk_create(new_rows(*comments))


def new_rows(*comments) -> list[DailyCount]:
    """Return the unsaved ledger rows that count new comments."""
    return _rows(Counter(_key(c.submitted_at, c.status, c.spam_verdict) for c in comments))


def count_moves(rows) -> None:
    """Shift each row (`submitted_at`, `status`, `spam_verdict`, `to_status`, `to_verdict`)."""
    deltas = Counter()
    for row in rows:
        deltas[_key(row["submitted_at"], row["status"], row["spam_verdict"])] -= 1
        deltas[_key(row["submitted_at"], row["to_status"], row["to_verdict"])] += 1
    _insert(deltas)


def _key(submitted_at, status, verdict) -> tuple:
    return timezone.localdate(submitted_at), str(status), str(verdict)


def _insert(deltas: Counter) -> None:
    DailyCount.objects.bulk_create(_rows(deltas))


def _rows(deltas: Counter) -> list[DailyCount]:
    return [
        DailyCount(day=day, status=status, verdict=verdict, count=n)
        for (day, status, verdict), n in sorted(deltas.items())
        if n
    ]


def compact() -> int:
    """Fold the ledger into one row per bucket; return how many rows it removed."""
    crowded = (
        DailyCount.objects.values("day")
        .annotate(rows=Count("pk"), buckets=Count(Concat("status", "verdict"), distinct=True))
        .filter(rows__gt=F("buckets"))
        .values_list("day", flat=True)
    )
    removed = 0
    for day in list(crowded):
        with transaction.atomic():
            # The rows summed are exactly the rows locked and deleted: a change written
            # meanwhile is a new row, left for the next run.
            rows = list(
                DailyCount.objects.select_for_update()
                .filter(day=day)
                .values_list("pk", "status", "verdict", "count")
            )
            sums = Counter()
            for _pk, status, verdict, count in rows:
                sums[day, status, verdict] += count
            DailyCount.objects.filter(pk__in=[row[0] for row in rows]).delete()
            _insert(sums)
        removed += len(rows) - sum(1 for n in sums.values() if n)
    return removed
