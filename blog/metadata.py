"""What a page tells search engines and social sites: description, canonical, cards, JSON-LD."""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.text import Truncator

from . import site
from .bylines import author_url, display_name

# Search engines show about this many characters of a description.
DESCRIPTION_CHARS = 160


def absolute(url: str) -> str:
    """Return the URL on this site's public address (S3 and CDN URLs are already absolute)."""
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def canonical_url(request) -> str:
    """Return this page's one address: its path with only the queries that choose content.

    Page numbers are written as numbers, and page 1 not at all: `?page=01` is the home page.
    """
    kept = []
    if query := request.GET.get("q", "").strip():
        kept.append(("q", query))
    for name in ("page", "cpage"):
        try:
            number = int(request.GET.get(name, "1"))
        except ValueError:
            continue
        if number > 1:
            kept.append((name, number))
    return absolute(request.path) + (f"?{urlencode(kept)}" if kept else "")


def description_of(post) -> str:
    return Truncator(" ".join(post.excerpt.split())).chars(DESCRIPTION_CHARS)


def blog_posting(post) -> dict:
    """Return schema.org's BlogPosting for a post: author, dates, image and comment count."""
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting" if post.kind == post.Kind.POST else "WebPage",
        "headline": post.display_title,
        "description": description_of(post),
        "url": absolute(post.get_absolute_url()),
        "mainEntityOfPage": absolute(post.get_absolute_url()),
        "datePublished": post.published_at.isoformat(timespec="seconds"),
        "dateModified": post.updated_at.isoformat(timespec="seconds"),
        "author": {"@type": "Person", "name": display_name(post.author)},
        "publisher": {"@type": "Organization", "name": site.current().site_name},
        "commentCount": post.comment_count,
    }
    if archive := author_url(post.author):
        data["author"]["url"] = absolute(archive)
    if post.featured_image:
        image = post.featured_image
        data["image"] = {
            "@type": "ImageObject",
            "url": absolute(image.url),
            "width": image.width,
            "height": image.height,
        }
    return data


def web_site() -> dict:
    """Return schema.org's WebSite with its search action, for the home page."""
    search = absolute(reverse("blog:search"))
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": site.current().site_name,
        "url": absolute("/"),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search}?q={{search_term_string}}"},
            "query-input": "required name=search_term_string",
        },
    }
