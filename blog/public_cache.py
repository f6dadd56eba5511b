import hashlib
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, quote_etag
from django.utils.http import http_date

from .views import RELEASE, RELEASE_STARTED


def public_conditional_response(request, *, last_modified: datetime | None, etag_parts, render):
    """Answer 304 if the reader's copy is current, else `render()`, with shared-cache headers.

    For pages that are the same for every reader (archives, comment feeds): a proxy may keep
    them for SHARED_CACHE_SECONDS, browsers revalidate every time. The validators also carry
    this release, so a deploy that changes the markup is never answered with 304.
    """
    release = datetime.fromtimestamp(RELEASE_STARTED, tz=UTC)
    last_modified = max(last_modified or release, release)
    validators = HttpResponse()
    digest = hashlib.blake2b("|".join(map(str, [RELEASE, *etag_parts])).encode(), digest_size=12)
    validators["ETag"] = quote_etag(digest.hexdigest())
    validators["Last-Modified"] = http_date(int(last_modified.timestamp()))
    patch_cache_control(
        validators,
        public=True,
        max_age=0,
        s_maxage=settings.SHARED_CACHE_SECONDS,
        stale_while_revalidate=settings.SHARED_CACHE_SECONDS,
    )
    not_modified = get_conditional_response(
        request,
        etag=validators["ETag"],
        last_modified=int(last_modified.timestamp()),
        response=validators,
    )
    if not_modified is not validators:
        return not_modified
    response = render()
    for header in ("ETag", "Last-Modified", "Cache-Control"):
        response[header] = validators[header]
    return response
