import re
from urllib.parse import unquote, urlencode

from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from taggit.models import Tag

from .models import OldLink
from .validators import is_site_path

# WordPress answers an item's address followed by these; so do we, on the item's new one.
_SUFFIX = re.compile(r"^(?P<base>.*?/)(?:(?P<feed>feed/)|comment-page-(?P<page>\d+)/)$")
# WordPress's own query addresses (`/?p=12`, `/?cat=5`): stored as old links at import.
_OLD_QUERIES = ("p", "page_id", "cat", "author")
# The rest of WordPress's query words this site answers: a search, a tag by its slug.
_WORDPRESS_QUERIES = (*_OLD_QUERIES, "tag", "s")


class OldLinkMiddleware:
    """Send an old WordPress address on to its new one (301), on the way to a 404 only.

    Like `django.contrib.redirects`' fallback middleware: pages that exist never pay for a
    lookup. The one exception is the home page with one of WordPress's query words
    (`?p=12`, `?cat=5`, `?s=word`), which would otherwise show the home page: it leads to
    what the query asked for, or is a 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        asks_wordpress = any(name in request.GET for name in _WORDPRESS_QUERIES)
        if request.path == "/" and asks_wordpress:
            # Raised here, the 404 is answered by the handler like any view's.
            return self.answer_query(request) or _not_found()
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        if asks_wordpress:
            # `/blog/?p=61` asks for the post, not the blog's home: that or nothing.
            return self.answer_query(request) or response
        return self.redirect(request) or response

    def redirect(self, request):
        path, suffix = request.path, ""
        if match := _SUFFIX.match(path):
            if match["feed"]:
                path, suffix = match["base"], "feed/"
            else:
                path, suffix = match["base"], f"?cpage={match['page']}"
        candidates = [path, path.rstrip("/") or "/", f"{path.rstrip('/')}/"]
        return self.follow(request, candidates, suffix)

    def answer_query(self, request):
        """Answer WordPress's query words, on the home page or a blog's old folder (`/blog/`)."""
        queries = [name for name in _WORDPRESS_QUERIES if name in request.GET]
        name, value = queries[0], request.GET[queries[0]]
        if "\x00" in value:
            # PostgreSQL cannot compare text holding a NUL, and nothing is named with one.
            return None
        if name == "s":
            return HttpResponsePermanentRedirect(
                f"{reverse('blog:search')}?{urlencode({'q': value})}"
            )
        if name == "tag":
            if Tag.objects.filter(slug=value).exists():
                return HttpResponsePermanentRedirect(reverse("blog:tag", args=[value]))
            return self.follow(request, [f"/tag/{value}/"])
        # Stored under the old site's home (`/?p=12`), which a blog in a folder shares.
        return self.follow(request, [f"{request.path}?{name}={value}", f"/?{name}={value}"])

    def follow(self, request, candidates, suffix=""):
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


def _not_found():
    raise Http404("No such post, page, category or author here.")
