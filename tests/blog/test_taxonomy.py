"""Readers browse posts by category and tag; editors file posts under them."""

from datetime import timedelta

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from taggit.models import Tag

from blog.models import Category, Post
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def tree(db):
    parent = Category.objects.create(name="Marketing", slug="marketing")
    child = Category.objects.create(name="Branding & Voice", slug="branding", parent=parent)
    return parent, child


def test_taggit_tags_work_on_this_django(db):
    """django-taggit's classifiers stop at Django 5.0: this proves it on ours."""
    post = PostFactory()
    post.tags.add("Sales", "B2B")
    other = PostFactory()
    other.tags.add("sales")

    assert sorted(post.tags.names()) == ["B2B", "Sales"]
    assert list(Post.objects.filter(tags__slug="b2b")) == [post]
    assert Tag.objects.filter(slug__startswith="sales").count() == 2
    post.tags.remove("B2B")
    assert list(post.tags.names()) == ["Sales"]


def test_nested_category_archive_lists_its_posts(client, tree):
    _parent, child = tree
    filed = PostFactory(title="Voice matters")
    filed.categories.add(child)
    PostFactory(title="Unfiled thoughts")

    response = client.get("/category/marketing/branding/")

    assert response.status_code == 200
    titles = [h.get_text() for h in page(response).select(".post-summary h2")]
    assert titles == ["Voice matters"]
    assert page(response).select_one("h1").get_text() == "Category: Branding & Voice"
    assert "s-maxage=" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]


def test_category_at_a_wrong_path_redirects_to_its_own(client, tree):
    response = client.get("/category/branding/")

    assert response.status_code == 301
    assert response["Location"] == "/category/marketing/branding/"


def test_unknown_category_and_tag_are_404(client, db):
    assert client.get("/category/nope/").status_code == 404
    assert client.get("/tag/nope/").status_code == 404


def test_tag_archive_is_paginated(client, settings, db):
    settings.BLOG_POSTS_PER_PAGE = 2
    for n in range(3):
        PostFactory(title=f"Tagged {n}").tags.add("sales")

    first = client.get("/tag/sales/")
    second = client.get("/tag/sales/?page=2")

    assert len(page(first).select(".post-summary")) == 2
    assert len(page(second).select(".post-summary")) == 1
    assert "Page 2 of 2" in second.content.decode()


def test_archives_leave_out_drafts_and_pages(client, tree):
    parent, _child = tree
    for post in [
        PostFactory(status=Post.Status.DRAFT, title="Draft"),
        PostFactory(kind=Post.Kind.PAGE, title="A page"),
        PostFactory(title="Shown"),
    ]:
        post.categories.add(parent)

    titles = [h.get_text() for h in page(client.get("/category/marketing/")).select("h2")]

    assert titles == ["Shown"]


def test_post_page_and_list_say_posted_in_and_tagged(client, tree):
    parent, child = tree
    post = PostFactory(title="Filed")
    post.categories.add(parent, child)
    post.tags.add("sales")

    for url in [post.get_absolute_url(), "/"]:
        terms = page(client.get(url)).select_one(".post-terms")
        assert terms.get_text(" ", strip=True).startswith("Posted in")
        links = {a.get_text(): a["href"] for a in terms.select("a")}
        assert links == {
            "Marketing": "/category/marketing/",
            "Branding & Voice": "/category/marketing/branding/",
            "sales": "/tag/sales/",
        }


def test_category_and_tag_have_rss_and_atom_feeds(client, tree):
    _parent, child = tree
    post = PostFactory(title="In the feed")
    post.categories.add(child)
    post.tags.add("sales")
    PostFactory(title="Not in the feed")

    for url in [
        "/category/marketing/branding/feed/",
        "/category/marketing/branding/feed/atom/",
        "/tag/sales/feed/",
        "/tag/sales/feed/atom/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        feed = feedparser.parse(response.content)
        assert [entry.title for entry in feed.entries] == ["In the feed"], url


def test_sitemap_lists_categories_and_tags_in_use(client, tree):
    _parent, child = tree
    post = PostFactory()
    post.categories.add(child)
    post.tags.add("sales")

    sitemap = client.get("/sitemap.xml").content.decode()

    assert "/category/marketing/branding/</loc>" in sitemap
    assert "/tag/sales/</loc>" in sitemap
    assert "/category/marketing/</loc>" not in sitemap


def test_sticky_post_comes_first_on_the_home_page(client, db):
    PostFactory(title="Old but sticky", sticky=True, published_at=timezone.now() - timedelta(30))
    PostFactory(title="Newest")

    titles = [h.get_text() for h in page(client.get("/")).select(".post-summary h2")]

    assert titles == ["Old but sticky", "Newest"]


def test_admin_post_list_filters_by_category_and_tag(admin_client, tree):
    parent, _child = tree
    filed = PostFactory(title="Filed post")
    filed.categories.add(parent)
    filed.tags.add("sales")
    PostFactory(title="Loose post")

    by_category = admin_client.get(f"/admin/blog/post/?categories__id__exact={parent.pk}")
    tag = Tag.objects.get(slug="sales")
    by_tag = admin_client.get(f"/admin/blog/post/?tags__id__exact={tag.pk}")

    for response in (by_category, by_tag):
        assert response.status_code == 200
        body = response.content.decode()
        assert "Filed post" in body
        assert "Loose post" not in body


def test_editor_adds_a_nested_category_in_the_admin(admin_client, tree):
    parent, _child = tree

    response = admin_client.post(
        "/admin/blog/category/add/",
        {"name": "Pricing", "slug": "pricing", "parent": parent.pk, "description": ""},
    )

    assert response.status_code == 302
    assert Category.objects.get(slug="pricing").get_absolute_url() == (
        "/category/marketing/pricing/"
    )


def test_editors_group_manages_categories_tags_and_old_links(editor_client):
    for url in ["/admin/blog/category/add/", "/admin/taggit/tag/add/", "/admin/redirects/oldlink/"]:
        assert editor_client.get(url).status_code == 200, url
