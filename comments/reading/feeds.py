"""RSS and Atom feeds of approved comments, at WordPress's addresses.

The whole site's at /comments/feed/ and each post's or page's at <permalink>feed/ (add atom/
for Atom).
Items carry the post's title, the commenter's name (never their email), the text as the page
shows it, and the comment's permalink. Pingbacks and trackbacks are items too, as in
WordPress's comment feed, titled as what they are.
"""

from urllib.parse import unquote

from django.contrib.syndication.views import Feed
from django.db.models import Count, Max
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from blog import site
from blog.models import Post
from comments.models import Comment
from comments.rules.markup import comment_html
from core.http_caching import public_conditional_response

FEED_LENGTH = 20


class CommentsFeed(Feed):
    """The latest approved comments on published posts, or on one post."""

    def get_object(self, request, post=None):
        return post

    def title(self, post):
        if post is None:
            return _("Comments for %(site)s") % {"site": site.current().site_name}
        return _("Comments on: %(post)s") % {"post": post.title}

    def link(self, post):
        return post.get_absolute_url() if post else "/"

    def description(self, post):
        if post is None:
            return _("The latest comments on %(site)s.") % {"site": site.current().site_name}
        return _("The latest comments on “%(post)s”.") % {"post": post.title}

    def subtitle(self, post):
        return self.description(post)

    def items(self, post):
        # A protected post's comments are behind its password too.
        readable = Post.objects.published().unprotected()
        comments = Comment.objects.approved().filter(post__in=readable)
        if post is not None:
            comments = comments.filter(post=post)
        # Only what a feed shows is read: the email stays in the database.
        return (
            comments.select_related("post")
            .only(
                "pk",
                "kind",
                "author_name",
                "content",
                "submitted_at",
                "post__title",
                "post__slug",
                "post__published_at",
                # What the item's link reads (Comment.get_absolute_url).
                "post__kind",
                "post__comment_count",
                "parent",
            )
            .order_by("-submitted_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, comment):
        titles = {
            Comment.Kind.PINGBACK: _("Pingback on %(post)s by %(author)s"),
            Comment.Kind.TRACKBACK: _("Trackback on %(post)s by %(author)s"),
        }
        title = titles.get(comment.kind, _("Comment on %(post)s by %(author)s"))
        return title % {"post": comment.post.title, "author": comment.author_name}

    def item_description(self, comment):
        return comment_html(comment.content)

    def item_link(self, comment):
        return comment.get_absolute_url()

    def item_pubdate(self, comment):
        return comment.submitted_at

    def item_updateddate(self, comment):
        # Atom requires <updated> on every entry; Django writes it only from this.
        return comment.submitted_at

    def item_author_name(self, comment):
        return comment.author_name


class CommentsAtomFeed(CommentsFeed):
    feed_type = Atom1Feed


rss_feed, atom_feed = CommentsFeed(), CommentsAtomFeed()


@require_safe
def site_comments_feed(request, feed=rss_feed):
    """Serve the site's comment feed; it changes when any post's visible comments change."""
    state = Post.objects.published().aggregate(
        comments=Max("comments_changed_at"), posts=Max("updated_at"), count=Count("pk")
    )
    changed = [state["comments"], state["posts"]]
    return public_conditional_response(
        request,
        last_modified=max(filter(None, changed), default=None),
        etag_parts=[request.path, *state.values()],
        render=lambda: feed(request),
    )


@require_safe
def post_comments_feed(request, year, month, slug, feed=rss_feed):
    """Serve one post's comment feed at its permalink followed by feed/."""
    return _one_post_feed(
        request, get_object_or_404(Post.objects.published().unprotected(), slug=slug), feed
    )


@require_safe
def page_comments_feed(request, path, feed=rss_feed):
    """Serve a page's comment feed at its address followed by feed/ (`/about/feed/`)."""
    slug = path.rsplit("/", 1)[-1]
    return _one_post_feed(
        request, get_object_or_404(Post.objects.published().pages().unprotected(), slug=slug), feed
    )


def _one_post_feed(request, post, feed):
    # Only at the item's own address: a slug alone could name it under any path. The
    # request's path is decoded; the address is percent-encoded where it is not ASCII.
    if not request.path.startswith(f"{unquote(post.get_absolute_url())}feed/"):
        raise Http404(_("No post at this address."))
    return public_conditional_response(
        request,
        last_modified=post.last_modified,
        etag_parts=[request.path, post.last_modified.timestamp(), post.comment_count],
        render=lambda: feed(request, post=post),
    )
