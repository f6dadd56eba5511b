"""Thirteen real blogs' exports move in whole, and every address of the site they make answers.

The files are what real blogs exported with WordPress and WordPress.com, 2011-2022, in eight
languages (../shared/wxr-wild/SOURCES.md says where each comes from). They hold real people's
data, so they are read from ../shared/ and never copied here; without it these tests skip.

What each file should bring is counted from the file itself, by a reading of its own (regular
expressions over the text, not the importer's parser): posts and pages of any status but
trash, and their comments by status. The sweep asks for every post and page with its comment
feed, every year, month and day archive, category, tag and author with their feeds, and every
old address: each item's old link and `?p=` id, and every other old address the import
recorded. It follows each answer to its end, asking for any address once: a file's old
addresses lead to the pages already asked for. Each file's line in the output gives how many
addresses it swept and how long that took.
"""

import re
import time
from collections import Counter
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from blog.models import Category, Post
from comments.models import Comment
from redirects.models import OldLink

# The import writes its progress through its own connection.
pytestmark = pytest.mark.django_db(databases=["default", "progress"])

WILD = Path(__file__).resolve().parents[2].parent / "shared" / "wxr-wild"
FILES = sorted(WILD.glob("*.xml"))
WHY_ABSENT = f"{WILD} is absent: the real exports are read from there, never copied here"
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


class Sweep:
    """Ask for addresses as a reader would, each once: the site does not change meanwhile.

    Old addresses lead to pages the sweep asks for anyway, so an answer already given is
    not asked for again: that saves the second hop of nearly every old address.
    """

    def __init__(self):
        self.client = Client()
        self.answers: dict[str, tuple[int, str]] = {}

    def answer(self, address: str) -> tuple[int, str]:
        """Return the status of `address` and where it redirects, if it does."""
        if address not in self.answers:
            response = self.client.get(address)
            self.answers[address] = (response.status_code, response.get("Location", ""))
        return self.answers[address]

    def follow(self, address: str) -> tuple[list[int], str]:
        """Return the statuses met following `address` to its end, and where it ended."""
        statuses, seen = [], {address}
        while True:
            status, target = self.answer(address)
            statuses.append(status)
            if status not in (301, 302, 307, 308):
                return statuses, address
            if urlsplit(target).netloc or target in seen or len(statuses) > MAX_HOPS:
                return [*statuses, 0], target  # off the site, or round in a loop
            seen.add(target)
            address = target


def site_addresses() -> list[str]:
    """Return every page of the imported site that must answer 200."""
    addresses = ["/", "/feed/", "/comments/feed/", "/sitemap.xml"]
    published = Post.objects.published()
    for post in published.select_related("parent").order_by("published_at"):
        url = post.get_absolute_url()
        addresses += [url, f"{url}feed/"]
        if post.kind == Post.Kind.POST:
            local = timezone.localtime(post.published_at)
            addresses += [f"/{local:%Y}/", f"/{local:%Y}/{local:%m}/", f"/{local:%Y/%m/%d}/"]
    for category in Category.objects.filter(posts__in=published).distinct():
        addresses += [category.get_absolute_url(), f"{category.get_absolute_url()}feed/"]
    for slug in Tag.objects.filter(post__in=published).distinct().values_list("slug", flat=True):
        url = reverse("blog:tag", args=[slug])
        addresses += [url, f"{url}feed/"]
    for user in get_user_model().objects.filter(posts__in=published).distinct():
        url = reverse("blog:author", kwargs={"username": user.get_username()})
        addresses += [url, f"{url}feed/"]
    return list(dict.fromkeys(addresses))


def old_addresses(published: list[tuple[str, str]]) -> list[str]:
    """Return each published item's old link and ?p= id, and every old link the import made."""
    # The import's own: categories, tags and authors (`/?cat=5`, `/?author=2`, `/tag/x/`).
    addresses = []
    for link, by_id in published:
        parts = urlsplit(link)
        addresses += [f"{parts.path or '/'}{'?' + parts.query if parts.query else ''}", by_id]
    recorded = OldLink.objects.filter(Q(post=None) | Q(post__in=Post.objects.published()))
    addresses += recorded.values_list("old_path", flat=True)
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
def test_a_real_export_imports_whole_once_and_every_address_answers(path, capsys):
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

    started, sweep, failures = time.monotonic(), Sweep(), {}
    pages, old = site_addresses(), old_addresses(held["published"])
    for address in pages:
        statuses, _end = sweep.follow(address)
        if statuses != [200]:
            failures[address] = statuses
    if Post.objects.published().posts().count() > settings.BLOG_POSTS_PER_PAGE:
        # WordPress's address of the second page leads to ours.
        later = sweep.follow("/page/2/")
        if later[0] != [301, 200]:
            failures["/page/2/"] = later
    for address in old:
        statuses, end = sweep.follow(address)
        # A page may live where it lived before: then it answers at once.
        if statuses not in ([301, 200], [200]):
            failures[address] = (statuses, end)
    with capsys.disabled():
        print(
            f"\n{path.name}: swept {len(pages)} pages and {len(old)} old addresses "
            f"({len(sweep.answers)} requests) in {time.monotonic() - started:.1f} s"
        )
    assert failures == {}
