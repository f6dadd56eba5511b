"""Pages: undated content at its own address (`/about/`, `/about/team/`)."""

from django.http import Http404

from .models import Post
from .views import PostDetailView


class PageDetailView(PostDetailView):
    """A page, answered and cached as an article is; comments work the same way.

    A post's slug at the top level (`/slug/`, a common WordPress permalink) redirects to the
    post, because the article view sends every other address of an item to its own.
    """

    def get_object(self, queryset=None):
        slug = self.kwargs["path"].rsplit("/", 1)[-1]
        self.kwargs["slug"] = slug
        post = super().get_object(queryset)
        # A bare slug finds its item anywhere; a longer path must be the page's own.
        if "/" in self.kwargs["path"] and (
            post.kind == Post.Kind.POST or "/".join(post.page_path()) != self.kwargs["path"]
        ):
            raise Http404("No page found matching the query")
        return post
