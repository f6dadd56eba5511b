from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from .models import Post
from .site import site_name


class LatestPostsFeed(Feed):
    # The site settings' name, read at each request (blog.site).
    title = site_name
    link = "/"
    description = "New posts."

    def items(self):
        return (
            Post.objects.published()
            .posts()
            .unprotected()
            .select_related("author__author_profile", "featured_image")[:20]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.excerpt

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        profile = getattr(item.author, "author_profile", None)
        return profile.display_name if profile else item.author.get_username()


class LatestPostsAtomFeed(LatestPostsFeed):
    feed_type = Atom1Feed
    subtitle = LatestPostsFeed.description
