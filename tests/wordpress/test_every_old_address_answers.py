"""Every address the old WordPress site answered at answers here: the page it was, or a 404.

An old address leads to the page it named (301, then 200), to the archive or search a query
asked for, or to an honest 404; never to the home page with 200, and never round in a loop.
"""

from io import BytesIO

import pytest
from django.urls import reverse

from blog.models import Category, Post
from wordpress.importer import import_wxr

from .wxr_builder import I, export

pytestmark = pytest.mark.django_db


def run(data: bytes) -> str:
    return "\n".join(import_wxr(BytesIO(data)).lines())


def lands(client, address: str) -> str:
    """Follow `address` through one 301 and return where it landed, which must answer 200."""
    response = client.get(address)
    assert response.status_code == 301, (address, response.status_code)
    target = response["Location"]
    assert client.get(target).status_code == 200, target
    return target


# --- Addresses that are not ASCII --------------------------------------------------------------


@pytest.mark.parametrize("kind", ["post", "page"])
def test_the_comment_feed_of_an_item_with_a_non_ascii_slug_answers(client, kind):
    run(export([I(type=kind, slug="go-%e9%9d%a2%e8%af%95%e9%a2%98")]))
    post = Post.objects.get()

    response = client.get(f"{post.get_absolute_url()}feed/")

    assert post.slug == "go-面试题"
    assert response.status_code == 200
    assert b"<rss" in response.content


def test_an_author_whose_login_has_a_space_has_an_archive_the_byline_links_to(client):
    run(export([I(creator="hugo dworak")], authors=["hugo dworak"]))
    archive = reverse("blog:author", kwargs={"username": "hugo dworak"})

    page = client.get(Post.objects.get().get_absolute_url())
    response = client.get(archive)

    assert f'href="{archive}"' in page.text
    assert response.status_code == 200
    assert "A post" in response.text
    assert client.get(f"{archive}feed/").status_code == 200
    # WordPress's own address for that author: the login made a slug.
    assert lands(client, "/author/hugo-dworak/") == archive


# --- A blog installed in a subdirectory -----------------------------------------------------------


def test_a_blog_in_a_subdirectory_keeps_its_old_addresses(client):
    site = "http://old.example.com/myblog"
    run(export([I(wp_id="61", link=f"{site}/2012/01/a-post/")], site=site))
    post = Post.objects.get()

    assert lands(client, "/myblog/?p=61") == post.get_absolute_url()
    assert lands(client, "/myblog/2012/01/a-post/") == post.get_absolute_url()
    assert lands(client, "/myblog/2012/01/a-post/feed/") == f"{post.get_absolute_url()}feed/"
    assert lands(client, "/myblog/") == "/"
    assert lands(client, "/myblog/feed/") == "/feed/"
    assert client.get("/myblog/?p=999999").status_code == 404


# --- Tags merged into another -------------------------------------------------------------------


def test_a_tag_merged_into_another_keeps_its_old_address(client):
    # Two slugs whose names read the same are one tag here: the second's address leads to it.
    item = I(terms=[("post_tag", "content-2", "Content"), ("post_tag", "content", "content")])
    run(export([item], tags=[("content-2", "Content"), ("content", "Content")]))

    assert lands(client, "/tag/content/") == "/tag/content-2/"
    assert lands(client, "/tag/content/feed/") == "/tag/content-2/feed/"


# --- WordPress's query addresses ----------------------------------------------------------------


def export_with_ids() -> bytes:
    item = I(wp_id="12", terms=[("category", "news", "News"), ("post_tag", "marketing", "X")])
    data = export([item], categories=[("news", "News", "")], tags=[("marketing", "X")])
    return data.replace(b"<wp:category>", b"<wp:category><wp:term_id>5</wp:term_id>")


def test_wordpress_queries_lead_to_the_page_they_asked_for(client):
    run(export_with_ids())
    post = Post.objects.get()

    assert lands(client, "/?p=12") == post.get_absolute_url()
    assert lands(client, "/?cat=5") == Category.objects.get().get_absolute_url()
    assert lands(client, "/?tag=marketing") == "/tag/marketing/"
    assert lands(client, "/?author=1") == reverse("blog:author", kwargs={"username": "writer"})
    assert lands(client, "/?s=marketing") == "/search/?q=marketing"


@pytest.mark.parametrize(
    "query", ["p=999999", "page_id=999999", "cat=1", "tag=nothing", "author=2", "p=abc"]
)
def test_a_wordpress_query_for_nothing_is_a_404_not_the_home_page(client, query):
    run(export_with_ids())

    response = client.get(f"/?{query}")

    assert response.status_code == 404


def test_an_ordinary_query_on_the_home_page_still_shows_it(client):
    run(export_with_ids())

    assert client.get("/?utm_source=mail").status_code == 200


# --- Archives WordPress has ---------------------------------------------------------------------


def test_a_day_archive_lists_that_days_posts(client):
    run(export([I(date="2012-01-03 09:00:00"), I(wp_id="11", slug="b", date="2012-01-04 09:00")]))

    response = client.get("/2012/01/03/")

    assert response.status_code == 200
    assert "A post" in response.text
    assert client.get("/2012/01/05/").status_code == 404
    assert client.get("/2012/02/31/").status_code == 404


def test_the_second_page_of_posts_answers_at_wordpress_address(client, settings):
    settings.BLOG_POSTS_PER_PAGE = 1
    run(export([I(), I(wp_id="11", slug="b", title="Older", date="2011-01-01 09:00:00")]))

    assert "Older" in client.get(lands(client, "/page/2/")).text
    assert client.get("/page/9/", follow=True).status_code == 404


# --- Password-protected posts ------------------------------------------------------------------


def test_a_password_protected_post_is_published_behind_its_password(client):
    data = export([I(wp_id="41", content="Members only text.")]).replace(
        b"<wp:post_type>", b"<wp:post_password>hunter2</wp:post_password><wp:post_type>"
    )

    printed = run(data)

    post = Post.objects.get()
    assert "Password-protected, kept behind their password: 41" in printed
    assert post.is_published
    locked = client.get(lands(client, "/?p=41"))
    assert 'name="post_password"' in locked.text
    assert "Members only text." not in locked.text
    client.post(post.get_absolute_url(), {"post_password": "hunter2"})
    assert "Members only text." in client.get(post.get_absolute_url()).text
