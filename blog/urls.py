from django.urls import path, re_path

from core.http_caching import cache_for_readers

from . import archives, feeds, views

app_name = "blog"

urlpatterns = [
    path("", cache_for_readers(views.PostListView.as_view()), name="post_list"),
    path("search/", cache_for_readers(views.SearchView.as_view()), name="search"),
    path("feed/", cache_for_readers(feeds.LatestPostsFeed()), name="feed_rss"),
    path("feed/atom/", cache_for_readers(feeds.LatestPostsAtomFeed()), name="feed_atom"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("healthz", views.health, name="health"),
    # Date archives at WordPress's addresses: /2007/ and /2007/05/.
    re_path(r"^(?P<year>[0-9]{4})/$", archives.PostYearArchiveView.as_view(), name="archive_year"),
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$",
        archives.PostMonthArchiveView.as_view(),
        name="archive_month",
    ),
    path(
        "<int:year>/<str:month>/<slug:slug>/",
        views.PostDetailView.as_view(),
        name="post_detail",
    ),
]
