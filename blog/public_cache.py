import hashlib
from datetime import UTC, datetime

from django.http import HttpResponse
from django.utils.cache import quote_etag

from core.http_caching import answer

from . import site
from .release import RELEASE
from .release import STARTED as RELEASE_STARTED


def public_conditional_response(request, *, last_modified: datetime | None, etag_parts, render):
    """Answer 304 if the reader's copy is current, else `render()`, with shared-cache headers.

    For pages that are the same for every reader (archives, comment feeds): they carry the
    same `Cache-Control` as every shared page (`core.http_caching`). The validators also carry
    this release, so a deploy that changes the markup is never answered with 304.
    """
    # The site's name and time zone shape every page too (blog.site).
    shown = site.current()
    release = datetime.fromtimestamp(RELEASE_STARTED, tz=UTC)
    changed = shown.updated_at or release
    last_modified = max(last_modified or release, release, changed)
    parts = [RELEASE, shown.version, *etag_parts]
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=12)
    validators = HttpResponse()
    not_modified = answer(
        request,
        validators,
        etag=quote_etag(digest.hexdigest()),
        last_modified=int(last_modified.timestamp()),
        shared=True,
    )
    if not_modified is not validators:
        return not_modified
    response = render()
    for header in ("ETag", "Last-Modified", "Cache-Control", "Vary"):
        response[header] = validators[header]
    return response
