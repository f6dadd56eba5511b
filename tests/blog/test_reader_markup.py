"""What the auditors found on reader pages (issue 28): headings, names and text directions."""

import pytest
from bs4 import BeautifulSoup

from comments.models import Status
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


def soup_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_an_untitled_post_is_named_no_title_in_lists_and_on_its_page(client):
    post = PostFactory(title="", slug="untitled")

    home = soup_of(client, "/")
    link = home.select_one(f'.post-summary h2 a[href="{post.get_absolute_url()}"]')
    assert link.get_text(strip=True) == "(no title)"
    page = soup_of(client, post.get_absolute_url())
    assert page.select_one("article.post h1").get_text(strip=True) == "(no title)"
    assert page.title.get_text().startswith("(no title) ")


def test_comment_text_and_names_take_their_own_direction(client, post):
    CommentFactory(post=post, author_name="سارة", content="التسويق محادثة وليس بثا.")
    post.refresh_from_db()

    page = soup_of(client, post.get_absolute_url())
    comment = page.select_one(".comment-body")
    assert comment.select_one(".comment-content")["dir"] == "auto"
    assert comment.select_one(".comment-author bdi").get_text() == "سارة"


def test_a_reader_sees_no_zero_comments_heading_above_their_own_pending_comment(send, client, post):
    response = send(post, author="Grace Reader", comment="My first thought on this.")
    assert response.status_code == 302
    assert post.comments.get().status in (Status.PENDING, Status.AWAITING_CHECK)

    page = soup_of(client, post.get_absolute_url())
    assert "Your comment is awaiting moderation." in page.get_text()
    heading = page.select_one("#comments-title").get_text(strip=True)
    assert heading == "Your comment"
