"""Wait for a condition instead of sleeping for a guessed time."""

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(
    condition: Callable[[], T], *, timeout: float = 60, every: float = 0.05, what: str = ""
) -> T:
    """Return the first true value of `condition()`, polled until `timeout` seconds pass.

    On timeout, fail saying what was awaited: `what`, else the condition's docstring or name.
    """
    deadline = time.monotonic() + timeout
    while True:
        if value := condition():
            return value
        if time.monotonic() >= deadline:
            awaited = what or condition.__doc__ or getattr(condition, "__name__", "a condition")
            raise AssertionError(f"timed out after {timeout}s waiting for {awaited}")
        time.sleep(every)
