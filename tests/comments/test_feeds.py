"""Comment feeds: valid RSS 2.0 and Atom, approved comments only, never an email address."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.models import Post
from comments.models import Status, tell_posts_comments_changed
from comments.workflow import moves
from comments.workflow import writer as workflow
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def approve(comment):
    workflow.apply_move([comment.pk], moves.APPROVE)


@pytest.fixture
def discussion(post):
    """An approved comment, a pending one, a spam one, and an approved one on another post."""
    other = PostFactory(title="Another post")
    return {
        "post": post,
        "other": other,
        "approved": CommentFactory(
            post=post,
            author_name="Grace Reader",
            author_email="grace.secret@example.org",
            content="I agree.\n\nSee https://example.com/more for more.",
        ),
        "pending": CommentFactory(post=post, status=Status.PENDING, content="Wait for me"),
        "spam": CommentFactory(post=post, status=Status.SPAM, content="Buy pills"),
        "elsewhere": CommentFactory(post=other, author_name="Alan Reader", content="Elsewhere."),
    }


def feed_of(client, address, **headers):
    response = client.get(address, headers=headers)
    assert response.status_code == 200, response.status_code
    return response


def rss_items(response):
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314
    return channel, channel.findall("item")


def test_site_comment_feed_is_valid_rss_with_the_required_elements(client, discussion):
    response = feed_of(client, "/comments/feed/")
    assert response["Content-Type"].startswith("application/rss+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "rss20"
    channel, items = rss_items(response)
    for element in ("title", "link", "description"):
        assert channel.findtext(element), element
    assert channel.findtext("title") == "Comments for John Bradley Jackson"
    assert len(items) == 2
    for item in items:
        for element in ("title", "link", "guid", "pubDate", "description"):
            assert item.findtext(element), element


def test_each_item_has_the_post_title_author_name_text_and_comment_permalink(client, discussion):
    comment, post = discussion["approved"], discussion["post"]
    parsed = feedparser.parse(feed_of(client, "/comments/feed/").content)
    entry = next(e for e in parsed.entries if e.link.endswith(f"#comment-{comment.pk}"))
    assert entry.title == f"Comment on {post.title} by Grace Reader"
    assert entry.author == "Grace Reader"
    assert entry.link == f"http://testserver{post.get_absolute_url()}#comment-{comment.pk}"
    assert entry.id == entry.link
    text = BeautifulSoup(entry.summary, "html.parser")
    assert [p.get_text() for p in text.find_all("p")] == [
        "I agree.",
        "See https://example.com/more for more.",
    ]
    assert text.a["rel"] == ["nofollow", "ugc"]


def test_an_item_links_to_the_comment_page_that_shows_it(client, post, settings):
    settings.COMMENTS_PER_PAGE = 2
    first, _second, third = (
        CommentFactory(
            post=post, content=f"Thread {n}.", submitted_at=datetime(2026, 1, n, tzinfo=UTC)
        )
        for n in (1, 2, 3)
    )
    reply = CommentFactory(post=post, parent=third, content="A reply on the second page.")
    tell_posts_comments_changed([post.pk])  # as the workflow does when it approves

    links = {e.link for e in feedparser.parse(feed_of(client, "/comments/feed/").content).entries}

    base = f"http://testserver{post.get_absolute_url()}"
    assert f"{base}#comment-{first.pk}" in links
    assert f"{base}?cpage=2#comment-{third.pk}" in links
    assert f"{base}?cpage=2#comment-{reply.pk}" in links
    assert "A reply on the second page." in client.get(f"{base}?cpage=2").text


def test_feeds_show_approved_comments_on_published_posts_only(client, discussion, draft):
    CommentFactory(post=draft, content="On a draft")
    body = feed_of(client, "/comments/feed/").content.decode()
    assert "I agree." in body
    assert "Elsewhere." in body
    for hidden in ("Wait for me", "Buy pills", "On a draft"):
        assert hidden not in body


@pytest.mark.parametrize("suffix", ["", "atom/"])
def test_comment_feeds_never_show_an_email_address(client, discussion, suffix):
    post = discussion["post"]
    for address in (f"/comments/feed/{suffix}", f"{post.get_absolute_url()}feed/{suffix}"):
        body = feed_of(client, address).content.decode()
        assert "grace.secret@example.org" not in body
        assert "@example." not in body
        assert "@" not in body


def test_site_comment_feed_is_valid_atom_with_the_required_elements(client, discussion):
    response = feed_of(client, "/comments/feed/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10"
    feed = ET.fromstring(response.content)  # noqa: S314
    for element in ("id", "title", "updated"):
        assert feed.findtext(f"{ATOM}{element}"), element
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        for element in ("id", "title", "updated"):
            assert entry.findtext(f"{ATOM}{element}"), element
        assert entry.find(f"{ATOM}link").get("href").split("#")[1].startswith("comment-")
        assert entry.findtext(f"{ATOM}author/{ATOM}name")
        assert entry.find(f"{ATOM}author/{ATOM}email") is None


def test_a_posts_comment_feed_is_at_its_permalink_plus_feed(client, discussion):
    post = discussion["post"]
    rss = feedparser.parse(feed_of(client, f"{post.get_absolute_url()}feed/").content)
    assert rss.version == "rss20"
    assert rss.feed.title == f"Comments on: {post.title}"
    assert rss.feed.link == f"http://testserver{post.get_absolute_url()}"
    assert [e.author for e in rss.entries] == ["Grace Reader"]
    atom = feedparser.parse(feed_of(client, f"{post.get_absolute_url()}feed/atom/").content)
    assert atom.version == "atom10"
    assert not atom.bozo
    assert [e.author for e in atom.entries] == ["Grace Reader"]


def test_a_post_without_comments_has_an_empty_valid_feed(client, post):
    for suffix in ("", "atom/"):
        parsed = feedparser.parse(
            feed_of(client, f"{post.get_absolute_url()}feed/{suffix}").content
        )
        assert not parsed.bozo
        assert parsed.entries == []


def test_a_comment_feed_for_a_draft_unknown_post_or_wrong_date_is_404(client, post, draft):
    wrong_month = post.get_absolute_url().replace(f"/{post.published_at:%Y}/", "/1999/")
    for address in (
        f"{draft.get_absolute_url()}feed/",
        "/2007/05/no-such-post/feed/",
        f"{wrong_month}feed/",
    ):
        assert client.get(address).status_code == 404, address


def test_feeds_are_linked_from_the_head_and_the_footer(client, post):
    page = BeautifulSoup(client.get(post.get_absolute_url()).content, "html.parser")
    alternates = {link["href"] for link in page.select("head link[rel=alternate]")}
    assert "/comments/feed/" in alternates
    assert f"{post.get_absolute_url()}feed/" in alternates
    footer = {a["href"] for a in page.select("footer.site-footer a")}
    assert {"/comments/feed/", "/comments/feed/atom/", f"{post.get_absolute_url()}feed/"} <= footer
    home = BeautifulSoup(client.get("/").content, "html.parser")
    assert home.select_one("head link[href='/comments/feed/']")["type"] == "application/rss+xml"


# --- Caching ------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "atom/"])
def test_comment_feeds_carry_public_cache_headers_and_answer_304(
    client, settings, discussion, suffix
):
    settings.PAGE_CACHE_SECONDS, settings.PAGE_STALE_SECONDS = 90, 180
    post = discussion["post"]
    for address in (f"/comments/feed/{suffix}", f"{post.get_absolute_url()}feed/{suffix}"):
        first = feed_of(client, address)
        control = {part.strip() for part in first["Cache-Control"].split(",")}
        assert control == {"public", "max-age=0", "s-maxage=90", "stale-while-revalidate=180"}
        assert not first.cookies
        by_etag = client.get(address, headers={"if-none-match": first["ETag"]})
        assert by_etag.status_code == 304
        by_date = client.get(address, headers={"if-modified-since": first["Last-Modified"]})
        assert by_date.status_code == 304


@pytest.mark.parametrize("where", ["site", "post"])
def test_approving_a_comment_changes_the_feed_on_the_next_request(client, discussion, where):
    post = discussion["post"]
    address = "/comments/feed/" if where == "site" else f"{post.get_absolute_url()}feed/"
    first = feed_of(client, address)
    approve(discussion["pending"])
    again = client.get(address, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200
    assert "Wait for me" in again.content.decode()
    assert again["ETag"] != first["ETag"]


def test_unapproving_a_comment_removes_it_from_the_feed(client, discussion):
    address = f"{discussion['post'].get_absolute_url()}feed/"
    first = feed_of(client, address)
    workflow.apply_move([discussion["approved"].pk], moves.SPAM)
    again = client.get(address, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200
    assert "I agree." not in again.content.decode()


def test_renaming_a_post_changes_its_comment_items(client, discussion):
    first = feed_of(client, "/comments/feed/")
    post = Post.objects.get(pk=discussion["post"].pk)
    post.title = "A new title"
    post.save()
    again = client.get("/comments/feed/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200
    assert "Comment on A new title by Grace Reader" in again.content.decode()


def test_posting_to_a_feed_is_refused(client, discussion):
    assert client.post("/comments/feed/").status_code == 405


def test_a_short_threads_items_link_without_a_query_each(
    client, post, site_settings_kept, discussion_settings_kept
):

    def queries_for_feed():
        tell_posts_comments_changed([post.pk])
        with CaptureQueriesContext(connection) as queries:
            feed_of(client, "/comments/feed/")
        return len(queries)

    CommentFactory(post=post)
    one = queries_for_feed()
    CommentFactory.create_batch(4, post=post)

    assert queries_for_feed() == one
