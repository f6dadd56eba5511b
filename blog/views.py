from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from core import http_caching
from core.slugs import same_path

from . import metadata, protection
from .forms import SearchForm
from .models import Post
from .public_cache import (
    SharedPage,
    page_last_modified,
    reader_etag,
    rendered_article,
    shared_page_key,
)


class PostPages:
    """Show a list of posts as `posts`, BLOG_POSTS_PER_PAGE at a time."""

    context_object_name = "posts"

    def get_paginate_by(self, queryset):
        return settings.BLOG_POSTS_PER_PAGE


class PostListView(PostPages, ListView):
    template_name = "blog/post_list.html"

    def get_queryset(self):
        # Staff preview drafts on their own pages; the list is what readers see. Sticky posts
        # come first, as WordPress's "Stick this post to the front page" has them.
        return Post.objects.listed().order_by("-sticky", "-published_at")

    def get_context_data(self, **kwargs):
        return super().get_context_data(web_site=metadata.web_site(), **kwargs)


class PostDetailView(DetailView):
    """The article with its comments: the hot path, answered from the shared page when it can.

    Readers without cookies of ours get, for up to a second, the bytes (or the 304) kept from
    the first such request of that second, without rendering and without the database.
    """

    template_name = "blog/post_detail.html"
    context_object_name = "post"

    def get_queryset(self):
        posts = Post.objects.select_related("author__author_profile", "featured_image").defer(
            "search_vector"
        )
        # Staff preview drafts; readers see published posts.
        return posts if self.request.user.is_staff else posts.published()

    def get(self, request, *args, **kwargs):
        key = shared_page_key(request)
        shared = cache.get(key) if key else None
        if shared is not None:
            return shared.answer(request)

        self.object = post = self.get_object()
        canonical = post.get_absolute_url()
        if not same_path(request.path, canonical):
            query = request.META.get("QUERY_STRING", "")
            return redirect(f"{canonical}?{query}" if query else canonical, permanent=True)
        if (
            post.password
            and not request.user.is_staff
            and not protection.is_unlocked(request, post)
        ):
            return self.locked_page(post)
        if not post.is_published or request.user.is_staff or post.password:
            # Previews, staff pages (drafts, moderation links) and a post its password
            # unlocked are never cached anywhere.
            response = self.render_page(post, cached_article=False)
            add_never_cache_headers(response)
            return response

        etag = reader_etag(request, post)
        last_modified = int(page_last_modified(post).timestamp())
        if key is None:
            # A page for one reader (or an unusual query): answer 304 from the validators
            # alone, and render only when the reader's copy is out of date.
            is_shared = not http_caching.is_private(request)
            validators = {"etag": etag, "last_modified": last_modified, "shared": is_shared}
            probe = HttpResponse()
            answered = http_caching.answer(request, probe, **validators)
            if answered is not probe:
                return answered
            return http_caching.answer(request, self.render_page(post), **validators)

        response = self.render_page(post)
        shared = SharedPage(response.content, response["Content-Type"], etag, last_modified)
        shared.keep(key)
        return shared.answer(request)

    def post(self, request, *args, **kwargs):
        """Unlock a password-protected post for this reader, as WordPress's form does."""
        post = self.get_object()
        if not post.password:
            return self.http_method_not_allowed(request, *args, **kwargs)
        if protection.unlock(request, post, request.POST.get("post_password", "")):
            return redirect(post.get_absolute_url())
        return self.locked_page(post, wrong_password=True)

    def locked_page(self, post, *, wrong_password=False) -> HttpResponse:
        """Answer with the post's title and its password form, for this reader alone."""
        self.object = post
        form = render_to_string(
            "blog/_protected.html",
            {"post": post, "wrong_password": wrong_password},
            request=self.request,
        )
        context = self.get_context_data(object=post, article_html=form, locked=True)
        response = self.render_to_response(context).render()
        add_never_cache_headers(response)
        return response

    def render_page(self, post, *, cached_article=True) -> HttpResponse:
        if cached_article:
            article_html = rendered_article(post)
        else:
            article_html = render_to_string("blog/_article.html", {"post": post})
        context = self.get_context_data(
            object=post, article_html=article_html, structured_data=metadata.blog_posting(post)
        )
        return self.render_to_response(context).render()


class SearchView(PostPages, ListView):
    template_name = "blog/search.html"

    def get_queryset(self):
        self.form = SearchForm(self.request.GET)
        self.query = self.form.cleaned_data["q"] if self.form.is_valid() else ""
        if not self.query:
            return Post.objects.none()
        return (
            Post.objects.published()
            .unprotected()
            .select_related("author__author_profile", "featured_image")
            .search(self.query)
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, form=self.form, **kwargs)


@require_GET
def later_page(request, page):
    """Send WordPress's /page/2/ to the home page's own address of that page."""
    return redirect(f"{reverse('blog:post_list')}?page={page}", permanent=True)


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
