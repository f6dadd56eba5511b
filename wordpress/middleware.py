import re

from django.http import HttpResponsePermanentRedirect

from .models import OldLink
from .validators import is_site_path

# WordPress answers an item's address followed by these; so do we, on the item's new one.
_SUFFIX = re.compile(r"^(?P<base>.*?/)(?:(?P<feed>feed/)|comment-page-(?P<page>\d+)/)$")
_OLD_QUERIES = ("p", "page_id")


class OldLinkMiddleware:
    """Send an old WordPress address on to its new one (301), on the way to a 404 only.

    Like `django.contrib.redirects`' fallback middleware: pages that exist never pay for a
    lookup. The one exception is the home page with `?p=ID` or `?page_id=ID`, WordPress's
    default links, which would otherwise show the home page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 or (
            request.path == "/" and any(name in request.GET for name in _OLD_QUERIES)
        ):
            return self.redirect(request) or response
        return response

    def redirect(self, request):
        path, suffix = request.path, ""
        if match := _SUFFIX.match(path):
            if match["feed"]:
                path, suffix = match["base"], "feed/"
            else:
                path, suffix = match["base"], f"?cpage={match['page']}"
        candidates = [path, path.rstrip("/") or "/", f"{path.rstrip('/')}/"]
        if request.path == "/":
            candidates = [
                f"/?{name}={request.GET[name]}" for name in _OLD_QUERIES if name in request.GET
            ]
        # PostgreSQL cannot compare text holding a NUL, and no old address holds one.
        candidates = [candidate for candidate in candidates if "\x00" not in candidate]
        if not candidates:
            return None
        link = (
            OldLink.objects.filter(old_path__in=candidates)
            .select_related("post")
            .order_by("pk")
            .first()
        )
        if link is None:
            return None
        target = link.target()
        if link.post_id and not link.post.is_published:
            return None
        # Rows written before new_path was validated, or by a bulk write, may point anywhere.
        if not is_site_path(target):
            return None
        target = f"{target}{suffix}" if suffix else target
        if target == request.get_full_path():
            return None
        return HttpResponsePermanentRedirect(target)
