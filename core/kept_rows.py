"""A settings row read at most once per request, and kept in the cache until it is saved.

The site settings (`blog.site`) and the discussion settings (`comments.rules.discussion`) are
one row each that nearly every page reads. `KeptRow` keeps the row for the rest of the request
(so a page sees one version of it) and in the cache between requests: until the next save in
a shared cache (Redis, `SOLO_CACHE` set), or `per_process_seconds` in a per-process cache,
which cannot hear of a save made in another process.
"""

from collections.abc import Callable

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started


class KeptRow:
    """One row, read through `load()` at most once per request and kept under `key`."""

    def __init__(self, key: str, load: Callable, *, fallback: Callable | None = None):
        # `load()` returns the row, or None when it cannot be read; then `fallback()` stands
        # in for it, kept nowhere.
        self.key, self.load, self.fallback = key, load, fallback
        self.per_process_seconds = 1
        self._request = Local()
        request_started.connect(self._started, weak=False, dispatch_uid=f"kept_row:{key}")
        request_finished.connect(self._finished, weak=False, dispatch_uid=f"kept_row:{key}")

    def current(self):
        """Return the row as this request first read it (from the cache, or loaded)."""
        found = getattr(self._request, "row", None)
        if found is None:
            found = cache.get(self.key)
            if found is None:
                found = self.load()
                if found is None:
                    return self.fallback()
                shared = settings.SOLO_CACHE is not None
                cache.set(self.key, found, None if shared else self.per_process_seconds)
            if getattr(self._request, "active", False):
                self._request.row = found
        return found

    def forget(self) -> None:
        """Drop the row kept in this request and in the cache: the next read gets the saved one."""
        self._request.row = None
        cache.delete(self.key)

    def _started(self, **kwargs):
        self._request.active, self._request.row = True, None

    def _finished(self, **kwargs):
        self._request.active, self._request.row = False, None
