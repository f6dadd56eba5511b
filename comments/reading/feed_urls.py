"""The comment feeds' addresses: WordPress's, one of them under each post's permalink."""

from django.urls import path, re_path

from comments.reading import feeds
from core.slugs import SlugPathConverter

app_name = "comment_feeds"
ATOM = {"feed": feeds.atom_feed}
# A page's address is any path of slugs; these come first (config/urls.py), so the blog's
# own feeds under category/, tag/ and author/ are left to it.
PAGE = rf"^(?!(?:category|tag|author)/)(?P<path>{SlugPathConverter.regex})/feed/"

urlpatterns = [
    path("comments/feed/", feeds.site_comments_feed, name="site_rss"),
    path("comments/feed/atom/", feeds.site_comments_feed, ATOM, name="site_atom"),
    path("<int:year>/<str:month>/<uslug:slug>/feed/", feeds.post_comments_feed, name="post_rss"),
    path(
        "<int:year>/<str:month>/<uslug:slug>/feed/atom/",
        feeds.post_comments_feed,
        ATOM,
        name="post_atom",
    ),
    re_path(rf"{PAGE}$", feeds.page_comments_feed, name="page_rss"),
    re_path(rf"{PAGE}atom/$", feeds.page_comments_feed, ATOM, name="page_atom"),
]
