from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from taggit.models import Tag

from .models import Category, Post


class PostSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        # As WordPress's own sitemaps: a password-protected post is left out.
        return Post.objects.published().unprotected()

    def lastmod(self, post):
        return post.last_modified


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
