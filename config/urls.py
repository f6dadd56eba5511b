from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from blog.sitemaps import CategorySitemap, PostSitemap, TagSitemap

SITEMAPS = {"posts": PostSitemap, "categories": CategorySitemap, "tags": TagSitemap}

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("comments/", include("comments.urls")),
    path("", include("blog.urls")),
]

# Error pages that say what to do next; a database outage answers 503, not 500.
handler400 = "blog.errors.bad_request"
handler403 = "blog.errors.permission_denied"
handler500 = "blog.errors.server_error"
