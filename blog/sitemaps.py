from django.contrib.auth import get_user_model
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.db.models import Count, Max
from django.urls import reverse
from django.views.decorators.http import require_GET
from taggit.models import Tag

from core.http_caching import public_conditional_response

from .bylines import author_url
from .models import Category, Post


class HomeSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["blog:post_list"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        newest = Post.objects.published().posts().order_by("-updated_at").first()
        return newest.updated_at if newest else None


class PostSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        # As WordPress's own sitemaps: a password-protected post is left out.
        return (
            Post.objects.published()
            .unprotected()
            .only("slug", "kind", "parent", "published_at", "updated_at", "comments_changed_at")
        )

    def lastmod(self, post):
        return post.last_modified


class AuthorSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        authors = (
            get_user_model()
            .objects.filter(posts__in=Post.objects.published().posts())
            .annotate(last_post_change=Max("posts__updated_at"))
            .order_by("pk")
        )
        return [author for author in authors if author_url(author)]

    def location(self, user):
        return author_url(user)

    def lastmod(self, user):
        return user.last_post_change


class CategorySitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return (
            Category.objects.filter(posts__in=Post.objects.published().posts())
            .distinct()
            .order_by("slug")
        )


class TagSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return (
            Tag.objects.filter(post__in=Post.objects.published().posts())
            .distinct()
            .order_by("slug")
        )

    def location(self, tag):
        return reverse("blog:tag", kwargs={"slug": tag.slug})


SITEMAPS = {
    "home": HomeSitemap,
    "posts": PostSitemap,
    "authors": AuthorSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
}


@require_GET
def sitemap_view(request):
    """Serve the sitemap as every public page is served: shared-cacheable, answered with 304."""
    # One query says whether anything the sitemap lists changed: a post (its dates), its
    # comments, or the set of categories and tags in use.
    state = Post.objects.published().aggregate(
        posts=Count("pk", distinct=True),
        changed=Max("updated_at"),
        commented=Max("comments_changed_at"),
        categories=Count("categories", distinct=True),
        tags=Count("tags", distinct=True),
    )
    last_modified = max(filter(None, [state["changed"], state["commented"]]), default=None)
    return public_conditional_response(
        request,
        last_modified=last_modified,
        etag_parts=[request.get_host(), *state.values()],
        render=lambda: sitemap(request, sitemaps=SITEMAPS).render(),
    )
