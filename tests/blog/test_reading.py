from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from blog.models import Post

pytestmark = pytest.mark.django_db


def test_seed_loads_the_article_once(seed_post):
    from django.contrib.auth import get_user_model

    from blog.models import AuthorProfile

    before = (get_user_model().objects.count(), AuthorProfile.objects.count())
    call_command("load_seed", verbosity=0)
    assert Post.objects.filter(slug="selling-vs-marketing").count() == 1
    assert Post.objects.get(slug="selling-vs-marketing").updated_at == seed_post.updated_at
    assert (get_user_model().objects.count(), AuthorProfile.objects.count()) == before
    assert seed_post.title == "Selling vs. Marketing"
    assert seed_post.copyright_notice == "© Copyright 2007 All rights reserved."
    assert seed_post.excerpt == (
        "I am frequently asked about the difference between selling and marketing."
    )
    assert seed_post.body_html.count("<p>") == 6


def test_seed_article_is_at_its_wordpress_permalink(client, seed_post):
    response = client.get("/2007/05/selling-vs-marketing/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in [
        "<h1>Selling vs. Marketing</h1>",
        "John Bradley Jackson",
        "May 14, 2007",
        "Academically speaking, selling is a function of marketing",
        "think marketing first, then sales.",
        "About the author",
        "© Copyright 2007 All rights reserved.",
        "Leave Comment",
        "Your email address will not be published.",
        "Required fields are marked",
        'value="clear form"',
        'value="Submit"',
    ]:
        assert text in page, text


def test_home_lists_published_posts_newest_first(client, seed_post, post):
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index(post.title) < page.index("Selling vs. Marketing")


def test_home_is_paginated(client, settings, db):
    from tests.factories import PostFactory

    settings.BLOG_POSTS_PER_PAGE = 2
    PostFactory.create_batch(3)
    assert len(client.get("/").context["posts"]) == 2
    assert len(client.get("/?page=2").context["posts"]) == 1


def test_post_url_with_wrong_month_redirects_to_the_permalink(client, seed_post):
    response = client.get("/2007/06/selling-vs-marketing/")
    assert response.status_code == 301
    assert response["Location"] == "/2007/05/selling-vs-marketing/"


def test_redirect_to_the_permalink_keeps_the_comment_page(client, seed_post):
    response = client.get("/2007/06/selling-vs-marketing/?cpage=2")
    assert response.status_code == 301
    assert response["Location"] == "/2007/05/selling-vs-marketing/?cpage=2"


def test_staff_see_the_same_home_page_list_as_readers(staff_client, post, draft):
    from tests.factories import PostFactory

    PostFactory(title="Scheduled for next week", published_at=timezone.now() + timedelta(days=7))
    titles = [p.title for p in staff_client.get("/").context["posts"]]
    assert titles == [post.title]


def test_unknown_slug_gets_the_sites_404_page(client, seed_post):
    response = client.get("/2007/05/no-such-post/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'class="site-header"' in response.content.decode()


def test_drafts_are_invisible_to_readers(client, draft):
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert draft.title not in client.get("/").content.decode()
    assert draft.title not in client.get("/feed/").content.decode()


def test_staff_can_preview_a_draft_without_caching(staff_client, draft):
    response = staff_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert draft.title in response.content.decode()
    assert "no-cache" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_rss_and_atom_feeds_list_posts(client, seed_post):
    rss = client.get("/feed/")
    assert rss.status_code == 200
    assert "<title>Selling vs. Marketing</title>" in rss.content.decode()
    atom = client.get("/feed/atom/")
    assert atom.status_code == 200
    assert 'xmlns="http://www.w3.org/2005/Atom"' in atom.content.decode()
    assert "selling-vs-marketing" in atom.content.decode()


def test_sitemap_lists_published_posts_only(client, seed_post, draft):
    body = client.get("/sitemap.xml").content.decode()
    assert "/2007/05/selling-vs-marketing/" in body
    assert draft.slug not in body


def test_robots_txt_points_to_the_sitemap(client):
    body = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_search_finds_posts_by_words_in_the_body(client, seed_post, post):
    response = client.get("/search/", {"q": "chasm organizational"})
    assert list(response.context["posts"]) == [seed_post]
    assert "1 result" in response.content.decode()


def test_search_understands_websearch_syntax(client, seed_post):
    assert list(client.get("/search/", {"q": '"selling is a function"'}).context["posts"]) == [
        seed_post
    ]
    assert list(client.get("/search/", {"q": "marketing -selling"}).context["posts"]) == []


def test_search_ranks_title_matches_first(client, seed_post):
    from tests.factories import PostFactory

    PostFactory(title="Pricing for small firms", body="Unrelated words about gardens.")
    posts = list(client.get("/search/", {"q": "pricing"}).context["posts"])
    assert posts[0].title == "Pricing for small firms"
    assert seed_post in posts


def test_search_does_not_show_drafts(client, draft):
    assert list(client.get("/search/", {"q": "marketing"}).context["posts"]) == []


def test_a_signed_in_editor_sees_an_edit_post_link_and_readers_do_not(editor_client, post):
    reader_page = Client().get(post.get_absolute_url())
    editor_page = editor_client.get(post.get_absolute_url())

    edit = f'<a href="/admin/blog/post/{post.pk}/change/">Edit post</a>'
    assert edit in editor_page.text
    assert "no-store" in editor_page["Cache-Control"]
    assert edit not in reader_page.text
    assert reader_page["Cache-Control"].startswith("public")
