"""How long to wait before trying again: 1, 2, 4 … minutes after each failure, up to a cap."""

from datetime import timedelta


def backoff(attempts: int, *, cap: timedelta) -> timedelta:
    """Return the wait after the `attempts`-th failure in a row, never more than `cap`.

    Counted in whole minutes before a timedelta is made: a check retried for 15 days fails
    about a thousand times, and 2**1000 minutes is more than a timedelta can hold.
    """
    minutes = 2 ** min(max(attempts - 1, 0), 32)
    return min(timedelta(minutes=minutes), cap)
