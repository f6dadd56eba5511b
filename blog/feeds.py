from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from .models import Post


class LatestPostsFeed(Feed):
    title = settings.SITE_NAME
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
