"""WordPress exports written for a test: a site, its terms, items and comments, with oddities.

Values are escaped as XML text, so any string a test (or hypothesis) chooses arrives in the
importer exactly as written, as a real export would carry it.
"""

from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr


@dataclass
class C:
    wp_id: str = "1"
    parent: str = "0"
    approved: str = "1"
    author: str = "Ann"
    content: str = "A comment."
    date: str = "2012-01-04 16:00:00"


@dataclass
class I:  # noqa: E742  (an item, as WordPress calls it)
    wp_id: str = "10"
    title: str = "A post"
    slug: str = "a-post"
    link: str = ""
    status: str = "publish"
    type: str = "post"
    parent: str = "0"
    creator: str = "writer"
    date: str = "2012-01-03 09:00:00"
    content: str = "Text."
    terms: list[tuple[str, str, str]] = field(default_factory=list)  # (domain, nicename, name)
    comments: list[C] = field(default_factory=list)


def _t(name: str, value: str) -> str:
    return f"<{name}>{escape(value)}</{name}>"


def export(
    items=(),
    *,
    site="http://old.example.com",
    categories=(),
    tags=(),
    authors=("writer",),
    version="1.2",
) -> bytes:
    """Return a WXR file: `categories` are (nicename, name, parent), `tags` (slug, name)."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8" ?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        f' xmlns:wp="http://wordpress.org/export/{version}/"><channel>',
        _t("title", "Old blog"),
        _t("link", site),
        _t("wp:wxr_version", version),
        _t("wp:base_site_url", site),
        _t("wp:base_blog_url", site),
    ]
    for n, login in enumerate(authors, start=1):
        parts.append(
            f"<wp:author>{_t('wp:author_id', str(n))}{_t('wp:author_login', login)}"
            f"{_t('wp:author_display_name', login)}</wp:author>"
        )
    for nicename, name, parent in categories:
        parts.append(
            f"<wp:category>{_t('wp:category_nicename', nicename)}"
            f"{_t('wp:category_parent', parent)}{_t('wp:cat_name', name)}</wp:category>"
        )
    for slug, name in tags:
        parts.append(f"<wp:tag>{_t('wp:tag_slug', slug)}{_t('wp:tag_name', name)}</wp:tag>")
    for item in items:
        terms = "".join(
            f"<category domain={quoteattr(domain)} nicename={quoteattr(nicename)}>"
            f"{escape(name)}</category>"
            for domain, nicename, name in item.terms
        )
        comments = "".join(
            "<wp:comment>"
            + _t("wp:comment_id", c.wp_id)
            + _t("wp:comment_author", c.author)
            + _t("wp:comment_author_email", "reader@example.com")
            + _t("wp:comment_date_gmt", c.date)
            + _t("wp:comment_content", c.content)
            + _t("wp:comment_approved", c.approved)
            + _t("wp:comment_parent", c.parent)
            + "</wp:comment>"
            for c in item.comments
        )
        parts.append(
            "<item>"
            + _t("title", item.title)
            + _t("link", item.link or f"{site}/?p={item.wp_id}")
            + _t("dc:creator", item.creator)
            + _t("content:encoded", item.content)
            + _t("wp:post_id", item.wp_id)
            + _t("wp:post_date", item.date)
            + _t("wp:post_date_gmt", item.date)
            + _t("wp:comment_status", "open")
            + _t("wp:post_name", item.slug)
            + _t("wp:status", item.status)
            + _t("wp:post_parent", item.parent)
            + _t("wp:post_type", item.type)
            + terms
            + comments
            + "</item>"
        )
    parts.append("</channel></rss>")
    return "\n".join(parts).encode()
