from urllib.parse import urlencode

from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from taggit.models import Tag

from redirects.middleware import redirect_from_old_address

# WordPress's own query addresses (`/?p=12`, `/?cat=5`): stored as old links at import.
_OLD_QUERIES = ("p", "page_id", "cat", "author")
# The rest of WordPress's query words this site answers: a search, a tag by its slug.
_WORDPRESS_QUERIES = (*_OLD_QUERIES, "tag", "s")


class WordPressQueryMiddleware:
    """Answer WordPress's query words (`?p=12`, `?cat=5`, `?s=word`) with what they asked for.

    On the home page they would otherwise show the home page: there they lead to what the
    query asked for, or are a 404. Elsewhere (a blog's old folder, `/blog/?p=61`) they are
    answered on the way to a 404 only. Other old addresses are `redirects`' job.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not any(name in request.GET for name in _WORDPRESS_QUERIES):
            return self.get_response(request)
        # Answered here or nowhere: `/blog/?p=999` is not the blog's old home (redirects).
        request.old_address_looked_up = True
        if request.path == "/":
            # Raised here, the 404 is answered by the handler like any view's.
            return self.answer_query(request) or _not_found()
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        # `/blog/?p=61` asks for the post, not the blog's home: that or nothing.
        return self.answer_query(request) or response

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
            return redirect_from_old_address(request, [f"/tag/{value}/"])
        # Stored under the old site's home (`/?p=12`), which a blog in a folder shares.
        return redirect_from_old_address(
            request, [f"{request.path}?{name}={value}", f"/?{name}={value}"]
        )


def _not_found():
    raise Http404("No such post, page, category or author here.")
