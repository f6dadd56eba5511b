"""Tell nginx exactly when a shared page stops being fresh (deploy/nginx's micro-cache).

nginx counts a response's lifetime in whole seconds from the second it arrived, so
`s-maxage=1` lets it serve a page for up to two seconds, and an approval takes that long to
reach readers. `X-Accel-Expires: @<unix time>` (nginx's own header, which it never passes on
to clients) sets the last second the copy is fresh: the second the page was made in, plus
s-maxage - 1. Django's shared page changes every second, so nginx's copy does too.
"""

import re
import time

S_MAXAGE = re.compile(r"(?:^|,)\s*s-maxage=(\d+)")


class ProxyFreshnessMiddleware:
    """Add X-Accel-Expires to public answers with s-maxage, ending with their last second."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        cache_control = response.get("Cache-Control", "")
        found = S_MAXAGE.search(cache_control)
        if found and "public" in cache_control and int(found[1]) > 0:
            response["X-Accel-Expires"] = f"@{int(time.time()) + int(found[1]) - 1}"
        return response
