from django.urls import path, register_converter

from . import feeds, pages, taxonomy_feeds, taxonomy_views, views

register_converter(pages.SlugPathConverter, "slugpath")

app_name = "blog"

urlpatterns = [
    path("", views.PostListView.as_view(), name="post_list"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", feeds.LatestPostsFeed(), name="feed_rss"),
    path("feed/atom/", feeds.LatestPostsAtomFeed(), name="feed_atom"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("healthz", views.health, name="health"),
    path(
        "<int:year>/<str:month>/<slug:slug>/",
        views.PostDetailView.as_view(),
        name="post_detail",
    ),
    # --- Categories, tags and pages (issue 15) ---
    path("category/<slugpath:path>/feed/", taxonomy_feeds.CategoryFeed(), name="category_feed"),
    path(
        "category/<slugpath:path>/feed/atom/",
        taxonomy_feeds.CategoryAtomFeed(),
        name="category_feed_atom",
    ),
    path(
        "category/<slugpath:path>/",
        taxonomy_views.CategoryArchiveView.as_view(),
        name="category",
    ),
    path("tag/<slug:slug>/feed/", taxonomy_feeds.TagFeed(), name="tag_feed"),
    path("tag/<slug:slug>/feed/atom/", taxonomy_feeds.TagAtomFeed(), name="tag_feed_atom"),
    path("tag/<slug:slug>/", taxonomy_views.TagArchiveView.as_view(), name="tag"),
    # Last: any other path of slugs may be a page.
    path("<slugpath:path>/", pages.PageDetailView.as_view(), name="page"),
]
