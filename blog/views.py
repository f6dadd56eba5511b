import hashlib
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models.query import get_related_populators
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, get_conditional_response, patch_vary_headers
from django.utils.crypto import salted_hmac
from django.utils.http import http_date
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from .models import Post

# Pages rendered by an older deploy must not be revalidated as current: the code's start time
# goes into every validator and cache key (gunicorn preloads the app, so workers share it).
RELEASE_STARTED = time.time()
RELEASE = f"{RELEASE_STARTED:.0f}"
ARTICLE_CACHE_SECONDS = 24 * 60 * 60
# Where the CSRF token goes in a shared page; every reader gets their own in its place.
# Unguessable (readers write text into the same page), and the same in every process that
# shares SECRET_KEY and the cache.
CSRF_HOLE = salted_hmac("blog.views.CSRF_HOLE", "csrf-token-hole").hexdigest()


class PostLookup:
    """Fetch one post by slug with its author and profile: select_related, compiled once.

    Compiling that query costs more than running it, and the article page runs it on every
    request, revalidations included; this keeps the ORM's SQL and its row-to-object mapping
    and only swaps the parameters.
    """

    SLUG = "\x00slug"

    def __init__(self, *, published: bool):
        self.published = published
        self._compiled = None

    def _compile(self):
        posts = Post.objects.select_related("author__author_profile").defer("search_vector")
        if self.published:
            posts = posts.published()
        compiler = posts.filter(slug=self.SLUG).order_by().query.get_compiler(using=posts.db)
        sql, params = compiler.as_sql()
        klass_info, select = compiler.klass_info, compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return {
            "db": posts.db,
            "sql": sql,
            "params": list(params),
            "slug_at": list(params).index(self.SLUG),
            "now_at": [i for i, value in enumerate(params) if isinstance(value, datetime)],
            "compiler": compiler,
            "converters": compiler.get_converters([column[0] for column in select]),
            "fields": slice(start, end),
            "init_list": [column[0].target.attname for column in select[start:end]],
            "related": get_related_populators(klass_info, select, posts.db),
        }

    def get(self, slug: str) -> Post:
        c = self._compiled = self._compiled or self._compile()
        params = list(c["params"])
        params[c["slug_at"]] = slug
        for index in c["now_at"]:
            params[index] = timezone.now()
        with connections[c["db"]].cursor() as cursor:
            cursor.execute(c["sql"], params)
            row = cursor.fetchone()
        if row is None:
            raise Http404("No post found matching the query")
        if c["converters"]:
            row = next(iter(c["compiler"].apply_converters([row], c["converters"])))
        post = Post.from_db(c["db"], c["init_list"], row[c["fields"]])
        for populator in c["related"]:
            populator.populate(row, post)
        return post


_published_post = PostLookup(published=True)
_any_post = PostLookup(published=False)


class PublishedPostsMixin:
    """Readers see published posts; staff also see drafts, so they can preview them."""

    def get_queryset(self):
        posts = Post.objects.select_related("author__author_profile")
        if self.request.user.is_staff:
            return posts
        return posts.published()


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
            .select_related("author__author_profile")
            .order_by("-sticky", "-published_at")
        )


def _digest(*parts) -> str:
    return hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=12).hexdigest()


def author_fingerprint(post) -> str:
    """Summarise the author details the article shows, which can change without the post."""
    profile = getattr(post.author, "author_profile", None)
    return _digest(
        post.author.get_full_name(),
        profile.display_name if profile else "",
        profile.bio if profile else "",
    )


def rendered_article(post) -> str:
    """Return the post's article HTML, rendered once per version of the post and its author."""
    key = (
        f"blog:article:{RELEASE}:{post.pk}:{post.updated_at.timestamp()}:{author_fingerprint(post)}"
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


def reader_etag(request, post) -> str:
    """Return a validator for everything this reader's copy of the post page depends on."""
    cookies = sorted(
        (name, value)
        for name, value in request.COOKIES.items()
        if name != settings.CSRF_COOKIE_NAME
    )
    digest = _digest(
        RELEASE,
        post.pk,
        post.last_modified.timestamp(),
        post.comment_count,
        author_fingerprint(post),
        # The form carries a signed timestamp that goes stale after days, and comments close
        # a set number of days after publication: revalidate hourly.
        timezone.now().strftime("%Y-%m-%d %H"),
        # The form's CSRF token belongs to this secret: the cookie's, or once the page is
        # rendered, the new one the response sets.
        request.META.get("CSRF_COOKIE", ""),
        # The remembered name and the reader's own pending comments come from cookies.
        cookies,
    )
    return f'W/"{digest}"'


def shared_page_key(request, post) -> str | None:
    """Return the cache key of the page as every reader without cookies of their own sees it.

    Such readers see the same page within a second: the comment form's signed timestamp has
    one-second resolution, and the CSRF token is filled in per request. Readers with a
    remembered name or pending comments, and any other query than a comment page, get their
    page rendered for them (None).
    """
    if set(request.COOKIES) - {settings.CSRF_COOKIE_NAME}:
        return None
    comment_page = request.GET.get("cpage", "")
    if set(request.GET) - {"cpage"} or not (comment_page.isdigit() or comment_page == ""):
        return None
    return (
        f"blog:page:{RELEASE}:{post.pk}:{post.last_modified.timestamp()}:{post.comment_count}:"
        f"{author_fingerprint(post)}:{comment_page}:{int(time.time())}"
    )


class PostDetailView(PublishedPostsMixin, DetailView):
    """The article with its comments: the hot path, answered with 304 whenever it can be."""

    template_name = "blog/post_detail.html"
    context_object_name = "post"

    def get_object(self, queryset=None):
        lookup = _any_post if self.request.user.is_staff else _published_post
        return lookup.get(self.kwargs["slug"])

    def get(self, request, *args, **kwargs):
        self.object = post = self.get_object()
        canonical = post.get_absolute_url()
        if request.path != canonical:
            query = request.META.get("QUERY_STRING", "")
            return redirect(f"{canonical}?{query}" if query else canonical, permanent=True)
        if not post.is_published or request.user.is_staff:
            # Previews and staff pages (drafts, moderation links) are never cached anywhere.
            article_html = render_to_string("blog/_article.html", {"post": post})
            response = self.render_to_response(
                self.get_context_data(object=post, article_html=article_html)
            )
            add_never_cache_headers(response)
            return response

        validators = HttpResponse(status=200)
        validators["ETag"] = reader_etag(request, post)
        last_modified = int(page_last_modified(post).timestamp())
        validators["Last-Modified"] = http_date(last_modified)
        # Browsers keep the page but ask every time; shared caches never keep it: the page
        # holds this reader's CSRF token and own pending comments.
        validators["Cache-Control"] = "private, no-cache"
        patch_vary_headers(validators, ["Cookie"])
        # A date alone cannot tell one reader's cookies from another's, so a request with
        # cookies is revalidated by its ETag only.
        has_cookies = bool(request.META.get("HTTP_COOKIE"))
        not_modified = get_conditional_response(
            request,
            etag=validators["ETag"],
            last_modified=None if has_cookies else last_modified,
            response=validators,
        )
        if not_modified is not validators:
            # The browser keeps the Content-Security-Policy stored with its copy, whose nonce
            # matches that copy; a fresh policy on the 304 would replace it (django-csp reads
            # these attributes).
            not_modified._csp_exempt = not_modified._csp_exempt_ro = True
            return not_modified

        response = self.render_page(request, post)
        # Rendering issued the CSRF cookie if there was none; the validator describes the page
        # as the reader will hold it, with that cookie.
        response["ETag"] = reader_etag(request, post)
        for header in ("Last-Modified", "Cache-Control"):
            response[header] = validators[header]
        patch_vary_headers(response, ["Cookie"])
        return response

    def render_page(self, request, post) -> HttpResponse:
        key = shared_page_key(request, post)
        page = cache.get(key) if key else None
        if page is None:
            context = self.get_context_data(object=post, article_html=rendered_article(post))
            if key:
                context["csrf_token"] = CSRF_HOLE
            page = self.render_to_response(context).render().content
            if not key:
                return HttpResponse(page)
            # A page with a CSP nonce belongs to one response only.
            if b' nonce="' not in page:
                cache.set(key, page, 2)
        return HttpResponse(page.replace(CSRF_HOLE.encode(), get_token(request).encode()))


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
