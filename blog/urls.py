from django.urls import path, re_path

from core.http_caching import cache_for_readers

from . import archives, authors, feeds, pages, taxonomy_feeds, taxonomy_views, views

app_name = "blog"

urlpatterns = [
    path("", cache_for_readers(views.PostListView.as_view()), name="post_list"),
    # WordPress's address of the home page's later pages: /page/2/.
    path("page/<int:page>/", views.later_page, name="later_page"),
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
    # Before the article: a slug of two digits would be a day (as it is in WordPress).
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/$",
        archives.day_archive_or_post,
        name="archive_day",
    ),
    path(
        "<int:year>/<str:month>/<uslug:slug>/",
        views.PostDetailView.as_view(),
        name="post_detail",
    ),
    # --- Categories, tags and pages (issue 15) ---
    path(
        "category/<slugpath:path>/feed/",
        cache_for_readers(taxonomy_feeds.CategoryFeed()),
        name="category_feed",
    ),
    path(
        "category/<slugpath:path>/feed/atom/",
        cache_for_readers(taxonomy_feeds.CategoryAtomFeed()),
        name="category_feed_atom",
    ),
    path(
        "category/<slugpath:path>/",
        cache_for_readers(taxonomy_views.CategoryArchiveView.as_view()),
        name="category",
    ),
    path("tag/<uslug:slug>/feed/", cache_for_readers(taxonomy_feeds.TagFeed()), name="tag_feed"),
    path(
        "tag/<uslug:slug>/feed/atom/",
        cache_for_readers(taxonomy_feeds.TagAtomFeed()),
        name="tag_feed_atom",
    ),
    path(
        "tag/<uslug:slug>/", cache_for_readers(taxonomy_views.TagArchiveView.as_view()), name="tag"
    ),
    # --- Author archives (issue 19), at WordPress's addresses ---
    path(
        "author/<str:username>/feed/",
        cache_for_readers(authors.AuthorFeed()),
        name="author_feed",
    ),
    path(
        "author/<str:username>/feed/atom/",
        cache_for_readers(authors.AuthorAtomFeed()),
        name="author_feed_atom",
    ),
    path(
        "author/<str:username>/",
        cache_for_readers(authors.AuthorArchiveView.as_view()),
        name="author",
    ),
    # Last: any other path of slugs may be a page.
    path("<slugpath:path>/", pages.PageDetailView.as_view(), name="page"),
]
