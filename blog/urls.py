from django.urls import path

from core.http_caching import cache_for_readers

from . import feeds, views

app_name = "blog"

urlpatterns = [
    path("", cache_for_readers(views.PostListView.as_view()), name="post_list"),
    path("search/", cache_for_readers(views.SearchView.as_view()), name="search"),
    path("feed/", cache_for_readers(feeds.LatestPostsFeed()), name="feed_rss"),
    path("feed/atom/", cache_for_readers(feeds.LatestPostsAtomFeed()), name="feed_atom"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("healthz", views.health, name="health"),
    path(
        "<int:year>/<str:month>/<slug:slug>/",
        views.PostDetailView.as_view(),
        name="post_detail",
    ),
]
