"""Each author's posts at /author/<username>/, with RSS and Atom feeds (issue 19)."""

import json
from urllib.parse import urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup

from blog.models import Post
from tests.factories import AuthorProfileFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def ada():
    return AuthorProfileFactory(user=UserFactory(username="ada"), display_name="Ada Lovelace").user


def test_the_author_archive_lists_their_published_posts_under_their_name(client, ada):
    PostFactory(author=ada, title="Mine")
    PostFactory(author=ada, title="Not yet", status=Post.Status.DRAFT)
    PostFactory(author=ada, title="A page of mine", kind=Post.Kind.PAGE)
    PostFactory(title="Someone else's")

    response = client.get("/author/ada/")

    shown = page(response)
    assert response.status_code == 200
    assert shown.find("h1", class_="archive-title").text == "Posts by Ada Lovelace"
    assert [h.get_text() for h in shown.select(".post-summary h2")] == ["Mine"]
    assert shown.find("link", type="application/rss+xml", href="/author/ada/feed/") is not None


def test_the_author_archive_is_paginated(client, settings, ada):
    settings.BLOG_POSTS_PER_PAGE = 2
    for n in range(3):
        PostFactory(author=ada, title=f"Post {n}")

    first, second = client.get("/author/ada/"), client.get("/author/ada/?page=2")

    assert len(page(first).select(".post-summary")) == 2
    assert len(page(second).select(".post-summary")) == 1
    assert "Page 2 of 2" in second.text
    assert client.get("/author/ada/?page=3").status_code == 404


def test_unknown_authors_and_authors_without_published_posts_are_404(client, ada):
    PostFactory(author=ada, status=Post.Status.DRAFT)

    for url in ["/author/ada/", "/author/ada/feed/", "/author/nobody/", "/author/nobody/feed/"]:
        assert client.get(url).status_code == 404, url


def test_the_author_has_rss_and_atom_feeds_of_their_posts(client, ada):
    PostFactory(author=ada, title="In the feed")
    PostFactory(title="Not in the feed")

    for url in ["/author/ada/feed/", "/author/ada/feed/atom/"]:
        response = client.get(url)
        feed = feedparser.parse(response.content)
        assert response.status_code == 200, url
        assert [entry.title for entry in feed.entries] == ["In the feed"], url
        assert feed.feed.title.endswith("» Ada Lovelace"), url


def test_by_name_on_a_post_and_in_lists_links_to_the_author_archive(client, ada):
    post = PostFactory(author=ada, title="Linked")

    for url in [post.get_absolute_url(), "/", "/author/ada/"]:
        author = page(client.get(url)).select_one(".byline .author")
        assert (author.name, author.text, author["href"]) == ("a", "Ada Lovelace", "/author/ada/")


def test_an_author_whose_name_is_beyond_ascii_has_an_archive(client):
    author = AuthorProfileFactory(user=UserFactory(username="josé"), display_name="José").user
    PostFactory(author=author, title="Hola")

    response = client.get("/author/jos%C3%A9/")

    assert response.status_code == 200
    assert page(response).select_one(".byline .author")["href"] == "/author/jos%C3%A9/"


def test_an_author_of_published_pages_only_has_the_archive_their_pages_name(client, ada):
    # As in WordPress, where `/?author=2` of a blog's page author answers (an imported blog).
    about = PostFactory(author=ada, title="About the boat", kind=Post.Kind.PAGE)
    structured = page(client.get(about.get_absolute_url())).find(
        "script", type="application/ld+json"
    )
    archive = urlsplit(json.loads(structured.string)["author"]["url"]).path

    response = client.get(archive)

    assert (archive, response.status_code) == ("/author/ada/", 200)
    assert page(response).find("h1", class_="archive-title").text == "Posts by Ada Lovelace"
    assert client.get(f"{archive}feed/").status_code == 200
