"""Pages: undated content at its own address, commented on like posts."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from blog.models import Post
from comments.models import Comment, DiscussionSettings
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def about(db):
    return PostFactory(kind=Post.Kind.PAGE, title="About", slug="about")


@pytest.fixture
def team(about):
    return PostFactory(kind=Post.Kind.PAGE, title="Our team", slug="team", parent=about)


def test_page_is_at_its_own_path_without_a_date(client, about, team):
    response = client.get("/about/team/")

    assert team.get_absolute_url() == "/about/team/"
    assert response.status_code == 200
    assert page(response).select_one("h1").get_text() == "Our team"
    assert page(response).select_one(".byline") is None
    assert client.get("/about/").status_code == 200


def test_page_at_a_wrong_path_redirects_to_its_own(client, team):
    assert client.get("/team/")["Location"] == "/about/team/"
    assert client.get("/elsewhere/team/").status_code == 404


def test_post_slug_at_the_top_level_redirects_to_the_post(client, post):
    response = client.get(f"/{post.slug}/")

    assert response.status_code == 301
    assert response["Location"] == post.get_absolute_url()


def test_pages_are_not_in_the_home_list_or_the_feed(client, about, post):
    home = client.get("/").content.decode()
    feed = client.get("/feed/").content.decode()

    assert post.title in home
    assert "About" not in [h.get_text() for h in page(client.get("/")).select("h2")]
    assert "/about/" not in feed


def test_draft_page_is_404_for_readers(client, db):
    PostFactory(kind=Post.Kind.PAGE, slug="secret", status=Post.Status.DRAFT)

    assert client.get("/secret/").status_code == 404


def test_reader_comments_on_a_page_through_the_same_form(send, about):
    response = send(about)

    assert response.status_code == 302
    assert response["Location"].startswith("/about/#comment-")
    assert Comment.objects.get().post == about


def test_closed_page_shows_comments_are_closed_and_refuses_a_post(client, send, db):
    closed = PostFactory(kind=Post.Kind.PAGE, slug="closed", comments_open=False)

    soup = page(client.get("/closed/"))
    response = send(closed)

    assert soup.select_one("#commentform") is None
    assert "Comments are closed." in soup.select_one("#comments").get_text()
    assert response.status_code == 403
    assert "comments are closed" in response.content.decode()
    assert Comment.objects.count() == 0


def test_comments_close_after_the_set_number_of_days_on_pages_too(client, send, db):
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"close_after_days": 1})
    old = PostFactory(
        kind=Post.Kind.PAGE, slug="old-page", published_at=timezone.now() - timedelta(days=2)
    )

    assert "Comments are closed." in page(client.get("/old-page/")).get_text()
    assert send(old).status_code == 403
    assert Comment.objects.count() == 0
