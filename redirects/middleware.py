import re
from urllib.parse import unquote

from django.http import HttpResponsePermanentRedirect

from .models import OldLink
from .validators import is_site_path

# An item's address followed by these (as WordPress answers them) leads to the same suffix
# on the item's new address.
_SUFFIX = re.compile(r"^(?P<base>.*?/)(?:(?P<feed>feed/)|comment-page-(?P<page>\d+)/)$")


class OldAddressMiddleware:
    """Send an old address on to its new one (301), on the way to a 404 only.

    Like `django.contrib.redirects`' fallback middleware: pages that exist never pay for a
    lookup. A layer inside it that has already looked the address up by its query (the
    WordPress import's `?p=12`) sets `request.old_address_looked_up`, and its 404 stands.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or getattr(request, "old_address_looked_up", False):
            return response
        path, suffix = request.path, ""
        if match := _SUFFIX.match(path):
            if match["feed"]:
                path, suffix = match["base"], "feed/"
            else:
                path, suffix = match["base"], f"?cpage={match['page']}"
        candidates = [path, path.rstrip("/") or "/", f"{path.rstrip('/')}/"]
        return redirect_from_old_address(request, candidates, suffix) or response


def redirect_from_old_address(request, candidates, suffix=""):
    """Redirect to where the first of the old addresses `candidates` now is, if anywhere."""
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
    if unquote(target) == unquote(request.get_full_path()):
        return None
    return HttpResponsePermanentRedirect(target)
