"""A page's comments have a feed at its address plus feed/, like a post's (issue 19)."""

import feedparser
import pytest
from bs4 import BeautifulSoup

from blog.models import Post
from comments.models import Status
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    about = PostFactory(kind=Post.Kind.PAGE, slug="about", title="About")
    team = PostFactory(kind=Post.Kind.PAGE, slug="team", title="The team", parent=about)
    CommentFactory(post=team, author_name="Grace Reader", content="Nice team.")
    CommentFactory(post=team, status=Status.PENDING, content="Not yet shown.")
    CommentFactory(post=about, author_name="Alan Reader", content="On the parent.")
    return team


def test_a_pages_comment_feed_is_at_its_address_plus_feed(client, team):
    rss = client.get("/about/team/feed/")
    atom = client.get("/about/team/feed/atom/")

    assert (rss.status_code, atom.status_code) == (200, 200)
    parsed, parsed_atom = feedparser.parse(rss.content), feedparser.parse(atom.content)
    assert parsed.version == "rss20"
    assert parsed.feed.title == "Comments on: The team"
    assert [e.author for e in parsed.entries] == ["Grace Reader"]
    assert parsed_atom.version == "atom10"
    assert not parsed_atom.bozo
    assert [e.author for e in parsed_atom.entries] == ["Grace Reader"]
    assert "public" in rss["Cache-Control"]


def test_the_page_links_its_comment_feed_from_its_head(client, team):
    head = BeautifulSoup(client.get("/about/team/").content, "html.parser").head

    link = head.find("link", type="application/rss+xml", title=lambda t: "The team" in t)

    assert link["href"] == "/about/team/feed/"
    assert client.get(link["href"]).status_code == 200


def test_a_page_feed_at_a_wrong_path_or_of_a_draft_or_a_post_is_404(client, team):
    PostFactory(kind=Post.Kind.PAGE, slug="secret", status=Post.Status.DRAFT)
    PostFactory(slug="a-post")

    for address in ["/team/feed/", "/other/team/feed/", "/secret/feed/", "/a-post/feed/"]:
        assert client.get(address).status_code == 404, address


def test_the_blogs_own_feeds_under_category_tag_and_author_still_answer(client, team):
    post = PostFactory(title="Filed")
    post.tags.add("sales")

    assert client.get("/tag/sales/feed/").status_code == 200
    assert client.get("/tag/sales/feed/atom/").status_code == 200
    assert client.get(f"/author/{post.author.username}/feed/").status_code == 200
    assert client.get("/category/nothing/feed/").status_code == 404
