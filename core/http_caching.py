"""Cache headers any cache understands: one shared page for readers without cookies of ours.

A request is *private* when it carries the session cookie or any cookie named `comment_…`
(the reader's pending comments and remembered name, email and website): its reader gets a
page of their own, `Cache-Control: private, no-cache`, revalidated by ETag only (a date
cannot describe one reader's cookies). Everyone else gets the same bytes with
`Cache-Control: public, max-age=0, s-maxage=PAGE_CACHE_SECONDS,
stale-while-revalidate=PAGE_STALE_SECONDS`, an ETag and a Last-Modified, so a proxy or a CDN
can serve them. Signed-in staff pages are `no-store`. The proxy in front (deploy/nginx)
bypasses its cache for the same cookies.
"""

import hashlib
import time
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_vary_headers,
    quote_etag,
)
from django.utils.http import http_date

# What every public page shows besides its own records (the blog's release and site settings):
# functions () -> (validator parts, when they last changed), each added by the app that owns
# them from its AppConfig.ready().
_SITE_WIDE_PARTS = []

# Cookies whose names start with this belong to one reader's comments (comments/intake/cookies.py).
READER_COOKIE_PREFIX = "comment_"
# How long the date a page was first seen in its current form is remembered. Short: every
# address with a query string gets an entry; once it is gone, the date restarts (a 200
# where a 304 could have been, never the reverse).
FIRST_SEEN_SECONDS = 10 * 60


def digest(*parts) -> str:
    """Return a short hash of the parts, for a validator or a cache key (bytes as they are)."""
    data = b"|".join(part if isinstance(part, bytes) else str(part).encode() for part in parts)
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def add_site_wide_part(part) -> None:
    """Make `part()` -> (parts, changed) part of every public conditional response's validators."""
    if part not in _SITE_WIDE_PARTS:
        _SITE_WIDE_PARTS.append(part)


def is_private(request) -> bool:
    """Return whether the request carries a cookie that gives its reader a page of their own."""
    return any(
        name == settings.SESSION_COOKIE_NAME or name.startswith(READER_COOKIE_PREFIX)
        for name in request.COOKIES
    )


def private_cookies(request) -> list[tuple[str, str]]:
    """Return the cookies that make this request private, sorted: a per-reader validator."""
    return sorted(
        (name, value)
        for name, value in request.COOKIES.items()
        if name == settings.SESSION_COOKIE_NAME or name.startswith(READER_COOKIE_PREFIX)
    )


def shared_cache_control() -> str:
    return (
        f"public, max-age=0, s-maxage={settings.PAGE_CACHE_SECONDS}, "
        f"stale-while-revalidate={settings.PAGE_STALE_SECONDS}"
    )


def answer(request, response, *, etag: str, last_modified: int | None, shared: bool):
    """Give a page its validators and cache headers, and answer 304 if the copy is current."""
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = shared_cache_control() if shared else "private, no-cache"
    patch_vary_headers(response, ["Cookie"])
    # A date alone cannot tell one reader's cookies from another's.
    since = last_modified if shared else None
    not_modified = get_conditional_response(
        request, etag=etag, last_modified=since, response=response
    )
    if not_modified is not response:
        # The browser keeps the Content-Security-Policy stored with its copy, whose nonce
        # matches that copy; a fresh policy on the 304 would replace it (django-csp reads
        # these attributes).
        not_modified._csp_exempt = not_modified._csp_exempt_ro = True
    return not_modified


def public_conditional_response(request, *, last_modified: datetime | None, etag_parts, render):
    """Answer 304 if the reader's copy is current, else `render()`, with shared-cache headers.

    For pages that are the same for every reader and whose validators come from their records
    (archives, the sitemap, comment feeds), so a current copy costs no rendering. The
    validators also carry what every page shows (`add_site_wide_part`: the blog's release, so
    a deploy that changes the markup is never answered with 304, and its site settings).
    """
    parts, changed = [], [last_modified]
    for site_wide in _SITE_WIDE_PARTS:
        its_parts, its_change = site_wide()
        parts += its_parts
        changed.append(its_change)
    newest = max(filter(None, changed), default=None)
    validators = HttpResponse()
    not_modified = answer(
        request,
        validators,
        etag=quote_etag(digest(*parts, *etag_parts)),
        last_modified=int(newest.timestamp()) if newest else None,
        shared=True,
    )
    if not_modified is not validators:
        return not_modified
    response = render()
    for header in ("ETag", "Last-Modified", "Cache-Control", "Vary"):
        if header in validators:
            response[header] = validators[header]
    return response


def page_shown(response) -> int:
    """Return the number of the page a list showed (a ListView's `page_obj`), else 1."""
    page = (getattr(response, "context_data", None) or {}).get("page_obj")
    return page.number if page is not None else 1


def first_seen(request, etag: str, page: int = 1) -> int | None:
    """Return when this address first served its current content: its Last-Modified.

    Remembered per address as (ETag, time), so content that changes back to an earlier
    version gets a new date rather than the old one. None for a query (a search): it names
    a page a reader can vary without end, and remembering each would let the cache grow
    with every query sent; a date of "now" would be a validator that never validates once
    the second has passed. Its ETag still answers 304.
    """
    if set(request.GET) - {"page"}:
        return None
    # Keyed by the number of the page shown, not by how `?page=` spelled it (`01`, `+1`,
    # `page=1&page=1` are page 1; a feed ignores it), so they share one entry.
    now = int(time.time())
    address = f"{request.path}?page={page}"
    key = "http:seen:" + digest(address)
    seen = cache.get(key)
    if seen and seen[0] == etag:
        return seen[1]
    cache.set(key, (etag, now), FIRST_SEEN_SECONDS)
    return now


def cache_for_readers(view):
    """Send a page's headers for its audience: shared, private to one reader, or never stored.

    For pages whose content says everything about them (home, search, feeds, archives):
    the ETag is a hash of the body. Pages a signed-in user sees are never stored.
    """

    @wraps(view)
    def cached(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if response.streaming:
            return response
        if is_private(request) and request.user.is_authenticated:
            add_never_cache_headers(response)
            return response
        page = page_shown(response)
        if hasattr(response, "render"):
            response.render()
        etag = f'W/"{digest(response.content)}"'
        if is_private(request):
            return answer(request, response, etag=etag, last_modified=None, shared=False)
        last_modified = first_seen(request, etag, page)
        return answer(request, response, etag=etag, last_modified=last_modified, shared=True)

    return cached
