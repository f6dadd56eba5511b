"""The moderation dashboard on the admin index: what waits, the last 30 days, Akismet's record."""

from datetime import timedelta

from django.db.models import Q, Sum
from django.utils import timezone

from comments.models import DailyCount, Status, Verdict
from comments.moderation import queue
from comments.rules.statuses import QUEUE
from comments.spam import health

DAYS = 30
CHART = {"width": 640, "height": 180, "top": 10, "left": 36, "bottom": 24}

_CHECKED = Q(verdict__in=[Verdict.HAM, Verdict.SPAM, Verdict.DISCARD])
_AKISMET_SPAM = Q(verdict__in=[Verdict.SPAM, Verdict.DISCARD])
_HUMAN_SAYS_HAM = Q(status__in=[Status.APPROVED, Status.PENDING])


def _total(condition: Q) -> Sum:
    return Sum("count", filter=condition, default=0)


def akismet_totals() -> dict:
    """Add up what Akismet decided and what editors overruled, from the daily counts.

    Only a person moves Akismet's spam to ham or its ham to spam, so a comment whose verdict
    and status disagree is an editor's correction. What waits now is counted live.
    """
    totals = DailyCount.objects.aggregate(
        checked=_total(_CHECKED),
        caught=_total(_AKISMET_SPAM),
        missed=_total(Q(verdict=Verdict.HAM, status=Status.SPAM)),
        false_positives=_total(_AKISMET_SPAM & _HUMAN_SAYS_HAM),
    )
    waiting = queue.status_counts()
    totals["pending"] = waiting[Status.PENDING]
    totals["awaiting_check"] = waiting[Status.AWAITING_CHECK]
    wrong = totals["missed"] + totals["false_positives"]
    totals["accuracy"] = (
        round(100 * (totals["checked"] - wrong) / totals["checked"], 1)
        if totals["checked"]
        else None
    )
    return totals


def last_days(today=None, days=DAYS) -> list[dict]:
    """Count comments per local day for the last `days` days, split ham, spam and held."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    rows = (
        DailyCount.objects.filter(day__gte=first, day__lte=today)
        .values("day")
        .annotate(
            ham=_total(Q(status=Status.APPROVED)),
            spam=_total(Q(status=Status.SPAM)),
            held=_total(Q(status__in=QUEUE)),
        )
        .order_by()
    )
    by_day = {row["day"]: row for row in rows}
    return [
        {
            "day": day,
            **{k: by_day.get(day, {}).get(k, 0) for k in ("ham", "spam", "held")},
        }
        for day in (first + timedelta(days=n) for n in range(days))
    ]


def chart(days: list[dict]) -> dict:
    """Lay out a stacked bar per day (held on ham on spam) in SVG coordinates."""
    width, height = CHART["width"], CHART["height"]
    plot_height = height - CHART["top"] - CHART["bottom"]
    peak = max([d["ham"] + d["spam"] + d["held"] for d in days] + [1])
    step = (width - CHART["left"]) / len(days)
    bars = []
    for n, day in enumerate(days):
        x = CHART["left"] + n * step + 1
        y = height - CHART["bottom"]
        segments = []
        for kind in ("spam", "ham", "held"):
            h = plot_height * day[kind] / peak
            y -= h
            if day[kind]:
                segments.append({"kind": kind, "y": round(y, 1), "height": round(h, 1)})
        bars.append(
            {
                **day,
                "x": round(x, 1),
                "width": round(step - 2, 1),
                "segments": segments,
                "label_x": round(x + (step - 2) / 2, 1),
                "anchor": "end" if n == len(days) - 1 else "middle",
                "show_label": n % 5 == 0 or n == len(days) - 1,
            }
        )
    return {
        **CHART,
        "bars": bars,
        "peak": peak,
        "axis_y": height - CHART["bottom"],
        "label_y": height - 6,
        "peak_y": CHART["top"] + 4,
    }


def dashboard() -> dict:
    days = last_days()
    return {
        "totals": akismet_totals(),
        "health": health.health(),
        "days": days,
        "chart": chart(days),
        "spam_days": sum(d["spam"] for d in days),
        "ham_days": sum(d["ham"] for d in days),
        "held_days": sum(d["held"] for d in days),
    }
