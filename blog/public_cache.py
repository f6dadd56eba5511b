"""What a cache may keep of the blog's public pages, and the validators that say when it changed.

- Every public page carries this release and the site settings in its validators
  (`site_wide_validators`, added to `core.http_caching` by `BlogConfig.ready`).
- The article is rendered once per version of the post and its author (`rendered_article`).
- Readers without cookies of ours share one post page a second (`shared_page_key`,
  `SharedPage`); a reader with cookies of ours gets a page of their own, revalidated by
  `reader_etag`, to which other apps add what they show that reader (`add_reader_part`).
"""

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from core import http_caching

from . import site
from .release import RELEASE, STARTED

ARTICLE_CACHE_SECONDS = 24 * 60 * 60
# A shared page is kept for the second it was rendered in (its key names that second); the
# comment form's signed timestamp has one-second resolution.
SHARED_PAGE_SECONDS = 2
RELEASE_STARTED_AT = datetime.fromtimestamp(STARTED, tz=UTC)

# What other apps show one reader on the post page from their own records (the comments app:
# the reader's own comments, as they are now), each a function (request, post) -> str that
# the app adds from its AppConfig.ready(); each answer is part of that reader's ETag.
_READER_PARTS = []


def site_wide_validators() -> tuple[list, datetime]:
    """Return what every page shows besides its own records, and when that last changed."""
    # The site's name and time zone shape every page too (blog.site).
    shown = site.current()
    return [RELEASE, shown.version], max(RELEASE_STARTED_AT, shown.updated_at or RELEASE_STARTED_AT)


def author_fingerprint(post) -> str:
    """Summarise the author details the article shows, which can change without the post."""
    profile = getattr(post.author, "author_profile", None)
    return http_caching.digest(
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
    return max(
        post.last_modified, hour, RELEASE_STARTED_AT, profile.updated_at if profile else hour
    )


def add_reader_part(part) -> None:
    """Make `part(request, post)` part of the validator of a reader's copy of a post page."""
    _READER_PARTS.append(part)


def reader_etag(request, post) -> str:
    """Return a validator for everything this reader's copy of the post page depends on."""
    private = http_caching.is_private(request)
    digest = http_caching.digest(
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

    def keep(self, key: str) -> None:
        """Keep this page under `key` for the readers of the same second."""
        # A page with a CSP nonce belongs to one response only.
        if b' nonce="' not in self.content:
            cache.set(key, self, SHARED_PAGE_SECONDS)


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
    address = http_caching.digest(request.path, int(comment_page), site.current().version)
    return f"blog:page:{RELEASE}:{address}:{current_second()}"
