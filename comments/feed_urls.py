"""The comment feeds' addresses: WordPress's, one of them under each post's permalink."""

from django.urls import path

from . import feeds

app_name = "comment_feeds"
ATOM = {"feed": feeds.atom_feed}

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
]
