"""The site's feeds of posts, as WordPress sends them: whole posts, filed, with comment links.

RSS items carry `content:encoded` (the whole post, unless BLOG_FEED_SUMMARIES), `<category>`
for each category and tag, `wfw:commentRss` and `slash:comments`, and the featured image as
Media RSS; Atom entries carry `<content>`, categories and the same image.
"""

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from .bylines import display_name
from .models import Post
from .site import site_name

# nh3 writes every attribute value in double quotes (blog.markup): a site-relative URL in
# `src` or `href` starts right after the quote, and in `srcset` also after each comma.
SRCSET = re.compile(r'srcset="[^"]*"')


def absolute_urls(html: str, base: str) -> str:
    """Return the HTML with its site-relative URLs on `base`: feed readers have no page URL."""
    html = re.sub(r'((?:src|href)=")/(?!/)', rf"\1{base}/", html)
    return SRCSET.sub(lambda m: re.sub(r'(^srcset="|,\s*)/(?!/)', rf"\1{base}/", m.group(0)), html)


class FeedExtras:
    """What the syndication feeds write for each item beyond Django's fields."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            self.add_content(handler, item["content_html"])
        if image := item.get("image"):
            handler.addQuickElement(
                "media:content",
                attrs={
                    "url": image["url"],
                    "medium": "image",
                    "width": str(image["width"]),
                    "height": str(image["height"]),
                },
            )


class PostsRss(FeedExtras, Rss201rev2Feed):
    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
            "xmlns:wfw": "http://wellformedweb.org/CommentAPI/",
            "xmlns:slash": "http://purl.org/rss/1.0/modules/slash/",
            "xmlns:media": "http://search.yahoo.com/mrss/",
        }

    def add_content(self, handler, html):
        handler.addQuickElement("content:encoded", html)

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("wfw:commentRss", item["comment_feed"])
        handler.addQuickElement("slash:comments", str(item["comment_count"]))


class PostsAtom(FeedExtras, Atom1Feed):
    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": "http://search.yahoo.com/mrss/"}

    def add_content(self, handler, html):
        handler.addQuickElement("content", html, {"type": "html"})


class LatestPostsFeed(Feed):
    feed_type = PostsRss
    # The site settings' name, read at each request (blog.site).
    title = site_name
    link = "/"
    description = "New posts."

    def items(self):
        return Post.objects.listed().unprotected()[:20]

    def item_title(self, item):
        return item.display_title

    def item_description(self, item):
        return item.excerpt

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return display_name(item.author)

    def item_categories(self, item):
        # The names "Posted in … Tagged …" shows, stored on the post (Post.refresh_filing).
        filing = item.filing or {}
        return [name for name, _ in [*filing.get("categories", []), *filing.get("tags", [])]]

    def item_comments(self, item):
        return f"{settings.SITE_URL}{item.get_absolute_url()}#comments"

    def item_extra_kwargs(self, item):
        base = settings.SITE_URL
        extra = {
            "comment_feed": f"{base}{item.get_absolute_url()}feed/",
            "comment_count": item.comment_count,
            # WordPress's "For each post in a feed, include: Full text / Excerpt".
            "content_html": None
            if settings.BLOG_FEED_SUMMARIES
            else absolute_urls(item.body_html, base),
            "image": None,
        }
        if image := item.featured_image:
            url = image.url if not image.url.startswith("/") else f"{base}{image.url}"
            extra["image"] = {"url": url, "width": image.width, "height": image.height}
        return extra


class LatestPostsAtomFeed(LatestPostsFeed):
    feed_type = PostsAtom
    subtitle = LatestPostsFeed.description
