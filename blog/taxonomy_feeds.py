"""RSS and Atom feeds of one category or tag."""

from django.shortcuts import get_object_or_404
from taggit.models import Tag

from .feeds import LatestPostsFeed, PostsAtom
from .models import Post
from .taxonomy_views import category_from_path, tag_url


class CategoryFeed(LatestPostsFeed):
    def get_object(self, request, path):
        return category_from_path(path)

    def title(self, category):
        return f"{self.site_title()} » {category.name}"

    def link(self, category):
        return category.get_absolute_url()

    def description(self, category):
        return category.description or f"New posts in {category.name}."

    def items(self, category):
        return Post.objects.listed().unprotected().filter(categories=category)[:20]

    def site_title(self):
        return LatestPostsFeed.title


class TagFeed(CategoryFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def link(self, tag):
        return tag_url(tag)

    def description(self, tag):
        return f"New posts tagged {tag.name}."

    def items(self, tag):
        return Post.objects.listed().unprotected().filter(tags=tag)[:20]


class CategoryAtomFeed(CategoryFeed):
    feed_type = PostsAtom
    subtitle = CategoryFeed.description


class TagAtomFeed(TagFeed):
    feed_type = PostsAtom
    subtitle = TagFeed.description
