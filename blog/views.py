from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from .models import Post


class PublishedPostsMixin:
    """Readers see published posts; staff also see drafts, so they can preview them."""

    def get_queryset(self):
        posts = Post.objects.select_related("author__author_profile")
        if self.request.user.is_staff:
            return posts
        return posts.published()


class PostListView(PublishedPostsMixin, ListView):
    template_name = "blog/post_list.html"
    context_object_name = "posts"

    def get_paginate_by(self, queryset):
        return settings.BLOG_POSTS_PER_PAGE

    def get_queryset(self):
        return super().get_queryset().filter(status=Post.Status.PUBLISHED)


class PostDetailView(PublishedPostsMixin, DetailView):
    template_name = "blog/post_detail.html"
    context_object_name = "post"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        canonical = self.object.get_absolute_url()
        if request.path != canonical:
            return redirect(canonical, permanent=True)
        response = self.render_to_response(self.get_context_data(object=self.object))
        if not self.object.is_published:
            # A draft preview must never be cached by a browser or a proxy.
            add_never_cache_headers(response)
        return response


class SearchView(ListView):
    template_name = "blog/search.html"
    context_object_name = "posts"

    def get_paginate_by(self, queryset):
        return settings.BLOG_POSTS_PER_PAGE

    def get_queryset(self):
        self.query = self.request.GET.get("q", "").strip()[:200]
        if not self.query:
            return Post.objects.none()
        return Post.objects.published().select_related("author__author_profile").search(self.query)

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, **kwargs)


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /comments/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_GET
def health(request):
    """Answer without touching the database: the framework floor in the benchmark."""
    return HttpResponse("ok", content_type="text/plain")
