import hashlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from core import http_caching
from core.slugs import same_path

from . import metadata, protection, site
from .forms import SearchForm
from .models import Post
from .release import RELEASE
from .release import STARTED as RELEASE_STARTED

ARTICLE_CACHE_SECONDS = 24 * 60 * 60
# A shared page is kept for the second it was rendered in (its key names that second); the
# comment form's signed timestamp has one-second resolution.
SHARED_PAGE_SECONDS = 2


class PostListView(ListView):
    template_name = "blog/post_list.html"
    context_object_name = "posts"

    def get_paginate_by(self, queryset):
        return settings.BLOG_POSTS_PER_PAGE

    def get_queryset(self):
        # Staff preview drafts on their own pages; the list is what readers see. Sticky posts
        # come first, as WordPress's "Stick this post to the front page" has them.
        return (
            Post.objects.published()
            .posts()
            .select_related("author__author_profile", "featured_image")
            .order_by("-sticky", "-published_at")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(web_site=metadata.web_site(), **kwargs)


def _digest(*parts) -> str:
    return hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=12).hexdigest()


def author_fingerprint(post) -> str:
    """Summarise the author details the article shows, which can change without the post."""
    profile = getattr(post.author, "author_profile", None)
    return _digest(
        # The byline links to the author's archive by username.
        post.author.get_username(),
        post.author.get_full_name(),
        profile.display_name if profile else "",
        profile.bio if profile else "",
    )


def rendered_article(post) -> str:
    """Return the post's article HTML, rendered once per version of the post and its author."""
    # The byline's date is shown in the site's time zone (blog.site).
    zone = timezone.get_current_timezone_name()
    key = (
        f"blog:article:{RELEASE}:{post.pk}:{post.updated_at.timestamp()}:{author_fingerprint(post)}"
        f":{zone}"
    )
    html = cache.get(key)
    if html is None:
        html = render_to_string("blog/_article.html", {"post": post})
        cache.set(key, html, ARTICLE_CACHE_SECONDS)
    return html


def page_last_modified(post) -> datetime:
    """Return when this post's page last changed for a reader without cookies of their own.

    The post, its visible comments and the author box, and also the start of the hour and of
    this release, for the same reasons the ETag carries them.
    """
    profile = getattr(post.author, "author_profile", None)
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    release = datetime.fromtimestamp(RELEASE_STARTED, tz=UTC)
    return max(post.last_modified, hour, release, profile.updated_at if profile else hour)


# What other apps show one reader on the post page from their own records (the comments app:
# the reader's own comments, as they are now), each a function (request, post) -> str that
# the app adds from its AppConfig.ready(); each answer is part of that reader's ETag.
_READER_PARTS = []


def add_reader_part(part) -> None:
    """Make `part(request, post)` part of the validator of a reader's copy of a post page."""
    _READER_PARTS.append(part)


def reader_etag(request, post) -> str:
    """Return a validator for everything this reader's copy of the post page depends on."""
    private = http_caching.is_private(request)
    digest = _digest(
        RELEASE,
        post.pk,
        post.last_modified.timestamp(),
        post.comment_count,
        author_fingerprint(post),
        # The form carries a signed timestamp that goes stale after days, and comments close
        # a set number of days after publication: revalidate hourly.
        timezone.now().strftime("%Y-%m-%d %H"),
        # The remembered name and the reader's own pending comments come from cookies.
        http_caching.private_cookies(request),
        *(part(request, post) for part in _READER_PARTS if private),
    )
    return f'W/"{digest}"'


@dataclass(frozen=True)
class SharedPage:
    """A post page as every reader without cookies of ours gets it, with its validators."""

    content: bytes
    content_type: str
    etag: str
    last_modified: int

    def answer(self, request) -> HttpResponse:
        response = HttpResponse(self.content, content_type=self.content_type)
        return http_caching.answer(
            request, response, etag=self.etag, last_modified=self.last_modified, shared=True
        )


def current_second() -> int:
    return int(time.time())


def shared_page_key(request) -> str | None:
    """Return the cache key of this page as every reader without cookies of ours sees it now.

    Such readers get the same bytes within a second: the page holds no per-reader token, and
    the comment form's signed timestamp has one-second resolution. A private request, or any
    query other than a comment page, has no shared page (None).
    """
    if http_caching.is_private(request) or set(request.GET) - {"cpage"}:
        return None
    comment_page = request.GET.get("cpage", "1")
    if not (comment_page.isdigit() and len(comment_page) <= 6):
        return None
    # The site settings shape the page too: a save shows on the very next request.
    address = _digest(request.path, int(comment_page), site.current().version)
    return f"blog:page:{RELEASE}:{address}:{current_second()}"


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
        # A page with a CSP nonce belongs to one response only.
        if b' nonce="' not in shared.content:
            cache.set(key, shared, SHARED_PAGE_SECONDS)
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


class SearchView(ListView):
    template_name = "blog/search.html"
    context_object_name = "posts"

    def get_paginate_by(self, queryset):
        return settings.BLOG_POSTS_PER_PAGE

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
