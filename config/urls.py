from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from blog.site import site_name
from blog.sitemaps import sitemap_view
from core.media import serve_media

# The admin is the blog's own: its name (blog.site) on every page, not "Django administration".
admin.site.site_header = site_name
admin.site.site_title = site_name

urlpatterns = [
    path("admin/", admin.site.urls),
    # Where readers sign in when the discussion settings let only signed-in users comment.
    path(
        "accounts/login/",
        # Django's login view names the site after the host; ours has a name.
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, extra_context={"site_name": site_name}
        ),
        name="login",
    ),
    path("sitemap.xml", sitemap_view, name="sitemap"),
    path("comments/", include("comments.urls")),
    # Comment feeds: /comments/feed/ and <permalink>feed/, served by the comments app.
    path("", include("comments.reading.feed_urls")),
    path("comments/subscriptions/", include("subscriptions.urls")),
    path("", include("blog.urls")),
]

# `make run` has no nginx in front: Django serves uploaded images itself. Behind nginx
# (docker compose, production settings) nginx serves /media/ and this is off.
if settings.SERVE_MEDIA and settings.MEDIA_URL.startswith("/"):
    urlpatterns.insert(
        0,
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.+)$", serve_media),
    )

# Error pages that say what to do next; a database outage answers 503, not 500.
handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler500 = "core.errors.server_error"
