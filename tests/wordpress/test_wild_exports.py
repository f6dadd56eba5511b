"""Thirteen real blogs' exports move in whole, and every address of the site they make answers.

The files are what real blogs exported with WordPress and WordPress.com, 2011-2022, in eight
languages (../shared/wxr-wild/SOURCES.md says where each comes from). They hold real people's
data, so they are read from ../shared/ and never copied here; without it these tests skip.

What each file should bring is counted from the file itself, by a reading of its own (regular
expressions over the text, not the importer's parser): posts and pages of any status but
trash, and their comments by status. The sweep asks for every page, page, feed, archive and
author, and every old address the file names, and follows each answer to its end. On the
largest file (740 posts) it takes a sample: every page, the first, last and every n-th post
(`POSTS_SWEPT` in all), so one file's sweep stays under a minute.
"""

import re
from collections import Counter
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from taggit.models import Tag

from blog.models import Category, Post
from comments.models import Comment

# The import writes its progress through its own connection.
pytestmark = pytest.mark.django_db(databases=["default", "progress"])

WILD = Path(__file__).resolve().parents[2].parent / "shared" / "wxr-wild"
FILES = sorted(WILD.glob("*.xml"))
WHY_ABSENT = f"{WILD} is absent: the real exports are read from there, never copied here"
POSTS_SWEPT = 60
TERMS_SWEPT = 40
MAX_HOPS = 5


def wild_files():
    if not FILES:
        return [pytest.param(None, marks=pytest.mark.skip(reason=WHY_ABSENT), id="absent")]
    return [pytest.param(path, id=path.stem) for path in FILES]


# --- What the file holds, read without the importer ---------------------------------------

_ITEM = re.compile(rb"^\s*<item>\s*$(.*?)^\s*</item>\s*$", re.M | re.S)
_COMMENT = re.compile(rb"<wp:comment>(.*?)</wp:comment>", re.S)
_CDATA = re.compile(rb"^<!\[CDATA\[(.*)\]\]>$", re.S)


def _field(block: bytes, name: str) -> str:
    tag = name.encode()
    match = re.search(rb"<" + tag + rb">(.*?)</" + tag + rb">", block, re.S)
    if match is None:
        return ""
    value = match.group(1).strip()
    if cdata := _CDATA.match(value):
        value = cdata.group(1)
    return value.decode().strip()


def _without_comments(block: bytes) -> bytes:
    return _COMMENT.sub(b"", block)


def what_the_file_holds(path: Path) -> dict:
    """Count the posts, pages and comments by status an importer should create."""
    counts, comments, published = Counter(), Counter(), []
    statuses = {"1": "approved", "0": "pending", "spam": "spam", "trash": "trash"}
    data = path.read_bytes()
    channel = data[: data.find(b"<item>")]
    blog = urlsplit(_field(channel, "wp:base_blog_url") or _field(channel, "link")).path
    for match in _ITEM.finditer(data):
        item = match.group(1)
        own = _without_comments(item)
        kind, status = _field(own, "wp:post_type"), _field(own, "wp:status")
        if kind not in ("post", "page") or status == "trash":
            continue
        counts[kind] += 1
        for comment in _COMMENT.finditer(item):
            approved = _field(comment.group(1), "wp:comment_approved")
            comments[statuses.get(approved, "pending")] += 1
        if status == "publish":
            wp_id = _field(own, "wp:post_id")
            query = "page_id" if kind == "page" else "p"
            published.append((_field(own, "link"), f"{blog.rstrip('/')}/?{query}={wp_id}"))
    return {"counts": counts, "comments": comments, "published": published}


def _sources_table() -> dict[str, tuple[int, int, int]]:
    """Return SOURCES.md's posts / pages / comments for each file."""
    table = {}
    for line in (WILD / "SOURCES.md").read_text().splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) > 8 and cells[1].startswith("`"):
            numbers = re.match(r"(\d+) / (\d+) / (\d+)", cells[6])
            table[cells[1].strip("`")] = tuple(int(n) for n in numbers.groups())
    return table


# --- The import -----------------------------------------------------------------------------


def import_file(path: Path) -> str:
    out = StringIO()
    call_command("import_wordpress", str(path), stdout=out)
    return out.getvalue()


def stored() -> dict:
    return {
        "posts": Post.objects.posts().count(),
        "pages": Post.objects.pages().count(),
        "comments": Comment.objects.count(),
        "users": get_user_model().objects.count(),
        "categories": Category.objects.count(),
        "tags": Tag.objects.count(),
    }


# --- The sweep ------------------------------------------------------------------------------


def follow(client: Client, address: str) -> tuple[list[int], str]:
    """Return the statuses met following `address` to its end, and where it ended."""
    statuses, seen = [], {address}
    while True:
        response = client.get(address)
        statuses.append(response.status_code)
        if response.status_code not in (301, 302, 307, 308):
            return statuses, address
        target = response["Location"]
        if urlsplit(target).netloc or target in seen or len(statuses) > MAX_HOPS:
            return [*statuses, 0], target  # off the site, or round in a loop
        seen.add(target)
        address = target


def _sample(items: list, limit: int) -> list:
    if len(items) <= limit:
        return items
    step = len(items) / (limit - 1)
    return [items[int(n * step)] for n in range(limit - 1)] + [items[-1]]


def site_addresses() -> list[str]:
    """Return the imported site's pages that must answer 200, sampled where there are many."""
    addresses = ["/", "/feed/", "/comments/feed/", "/sitemap.xml"]
    published = Post.objects.published().select_related("parent", "author")
    posts = _sample(list(published.posts().order_by("published_at")), POSTS_SWEPT)
    for post in [*posts, *published.pages()]:
        url = post.get_absolute_url()
        addresses += [url, f"{url}feed/"]
        local = post.published_at
        if post.kind == Post.Kind.POST:
            addresses += [f"/{local:%Y}/", f"/{local:%Y}/{local:%m}/"]
    for category in _sample(list(Category.objects.filter(posts__in=published).distinct()), 20):
        addresses += [category.get_absolute_url(), f"{category.get_absolute_url()}feed/"]
    for tag in _sample(list(Tag.objects.filter(post__in=published).distinct()), TERMS_SWEPT):
        addresses.append(reverse("blog:tag", args=[tag.slug]))
    for user in get_user_model().objects.filter(posts__in=published.posts()).distinct():
        url = reverse("blog:author", kwargs={"username": user.get_username()})
        addresses += [url, f"{url}feed/"]
    return list(dict.fromkeys(addresses))


def old_addresses(published: list[tuple[str, str]]) -> list[str]:
    """Return the old site's addresses of its published items: their links and ?p= ids."""
    addresses = []
    for link, by_id in _sample(published, POSTS_SWEPT * 2):
        parts = urlsplit(link)
        addresses += [f"{parts.path or '/'}{'?' + parts.query if parts.query else ''}", by_id]
    return list(dict.fromkeys(addresses))


# --- The files ------------------------------------------------------------------------------


def test_the_counts_read_from_each_file_are_those_its_sources_list():
    if not FILES:
        pytest.skip(WHY_ABSENT)
    table = _sources_table()

    for path in FILES:
        held = what_the_file_holds(path)
        counts = (held["counts"]["post"], held["counts"]["page"], held["comments"].total())
        assert counts == table[path.name], path.name


@pytest.mark.parametrize("path", wild_files())
def test_a_real_export_imports_whole_once_and_every_address_answers(path):
    held = what_the_file_holds(path)

    printed = import_file(path)

    assert printed.startswith("Imported ")
    assert stored()["posts"] == held["counts"]["post"]
    assert stored()["pages"] == held["counts"]["page"]
    by_status = Counter(dict(Counter(Comment.objects.values_list("status", flat=True))))
    assert by_status == held["comments"]

    first = stored()
    again = import_file(path)
    assert "Created: nothing." in again
    assert stored() == first

    client = Client()
    failures = {}
    for address in site_addresses():
        statuses, _end = follow(client, address)
        if statuses != [200]:
            failures[address] = statuses
    if Post.objects.published().posts().count() > settings.BLOG_POSTS_PER_PAGE:
        # WordPress's address of the second page leads to ours.
        later = follow(client, "/page/2/")
        if later[0] != [301, 200]:
            failures["/page/2/"] = later
    for address in old_addresses(held["published"]):
        statuses, end = follow(client, address)
        # A page may live where it lived before: then it answers at once.
        if statuses not in ([301, 200], [200]):
            failures[address] = (statuses, end)
    assert failures == {}
