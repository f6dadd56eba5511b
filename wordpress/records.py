"""The plain records a WordPress export is read into (`wordpress.wxr.read`)."""

from dataclasses import dataclass, field


@dataclass
class Author:
    login: str
    wp_id: int | None = None
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class Term:
    taxonomy: str  # "category" or "post_tag"
    slug: str
    name: str
    parent_slug: str = ""
    description: str = ""
    wp_id: int = 0  # the old site's term id, which `/?cat=ID` names


@dataclass
class ItemComment:
    wp_id: int
    author: str = ""
    email: str = ""
    url: str = ""
    ip: str = ""
    date: str = ""
    date_gmt: str = ""
    content: str = ""
    approved: str | None = None
    type: str = ""
    parent: int = 0
    user_agent: str = ""


@dataclass
class Item:
    wp_id: int
    title: str = ""
    link: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    date: str = ""
    date_gmt: str = ""
    modified: str = ""
    modified_gmt: str = ""
    comment_status: str = ""
    slug: str = ""
    status: str = ""
    parent: int = 0
    type: str = "post"
    password: str = ""
    sticky: bool = False
    attachment_url: str = ""
    # The few postmeta values the import uses (META_KEYS); the rest are never kept.
    meta: dict[str, str] = field(default_factory=dict)
    terms: list[tuple[str, str, str]] = field(default_factory=list)  # (taxonomy, slug, name)
    comments: list[ItemComment] = field(default_factory=list)
    # Comments whose ids the reader was told are known: counted, never read.
    known_comments: int = 0


@dataclass
class Channel:
    wxr_version: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    title: str = ""
