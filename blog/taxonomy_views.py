"""Category and tag archives: the posts filed under one, newest first, paginated."""

from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView
from taggit.models import Tag

from core.slugs import same_path

from .models import Category, Post
from .views import PostPages


def category_from_path(path: str) -> Category:
    """Return the category a `parent/child` path names, or raise Http404."""
    return get_object_or_404(Category.objects.select_related("parent"), slug=path.split("/")[-1])


def tag_url(tag) -> str:
    return reverse("blog:tag", kwargs={"slug": tag.slug})


class ArchiveView(PostPages, ListView):
    template_name = "blog/term_archive.html"

    def get(self, request, *args, **kwargs):
        self.term = self.get_term()
        canonical = self.term_url()
        if not same_path(request.path, canonical):
            return redirect(canonical, permanent=True)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            term=self.term,
            heading=self.heading(),
            feed_url=f"{self.term_url()}feed/",
            **kwargs,
        )


class CategoryArchiveView(ArchiveView):
    def get_term(self):
        return category_from_path(self.kwargs["path"])

    def term_url(self):
        return self.term.get_absolute_url()

    def get_queryset(self):
        return Post.objects.listed().filter(categories=self.term)

    def heading(self):
        return _("Category: %(name)s") % {"name": self.term.name}


class TagArchiveView(ArchiveView):
    def get_term(self):
        return get_object_or_404(Tag, slug=self.kwargs["slug"])

    def term_url(self):
        return tag_url(self.term)

    def get_queryset(self):
        return Post.objects.listed().filter(tags=self.term)

    def heading(self):
        return _("Tag: %(name)s") % {"name": self.term.name}
