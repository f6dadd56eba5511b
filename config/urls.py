from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from blog.sitemaps import CategorySitemap, PostSitemap, TagSitemap

SITEMAPS = {"posts": PostSitemap, "categories": CategorySitemap, "tags": TagSitemap}

urlpatterns = [
    path("admin/", admin.site.urls),
    # Where readers sign in when the discussion settings let only signed-in users comment.
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("comments/", include("comments.urls")),
    # Comment feeds: /comments/feed/ and <permalink>feed/, served by the comments app.
    path("", include("comments.feed_urls")),
    path("comments/subscriptions/", include("subscriptions.urls")),
    path("", include("blog.urls")),
]

# Error pages that say what to do next; a database outage answers 503, not 500.
handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler500 = "core.errors.server_error"
