"""What search engines and social sites read on each page (issue 28): metadata and JSON-LD."""

import io
import json

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.conf import settings

from blog.images import store_image
from comments.models import Status, tell_posts_comments_changed
from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.media import samples

pytestmark = pytest.mark.django_db


def head_of(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return BeautifulSoup(response.content, "html.parser")


def meta(page, key) -> str | None:
    tag = page.find("meta", attrs={"property": key}) or page.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def json_ld(page) -> list[dict]:
    return [json.loads(s.string) for s in page.find_all("script", type="application/ld+json")]


@pytest.fixture
def featured(media_root):
    image = store_image(io.BytesIO(samples.photo()), name="hopper.jpg", alt="Grace Hopper")
    post = PostFactory(
        title="Amazing Grace",
        custom_excerpt="A  rear admiral\nwho found   the first bug.",
        featured_image=image,
    )
    CommentFactory.create_batch(2, post=post, status=Status.APPROVED)
    tell_posts_comments_changed([post.pk])
    post.refresh_from_db()
    return post


def test_a_post_has_a_description_from_its_excerpt_and_cards_with_its_image(client, featured):
    page = head_of(client, featured.get_absolute_url())

    url = f"{settings.SITE_URL}{featured.get_absolute_url()}"
    image = f"{settings.SITE_URL}/media/{featured.featured_image.file.name}"
    assert meta(page, "description") == "A rear admiral who found the first bug."
    assert page.find("link", rel="canonical")["href"] == url
    assert meta(page, "og:type") == "article"
    assert meta(page, "og:title") == "Amazing Grace"
    assert meta(page, "og:url") == url
    assert meta(page, "og:image") == image
    assert meta(page, "og:image:alt") == "Grace Hopper"
    assert meta(page, "twitter:card") == "summary_large_image"
    assert meta(page, "twitter:image") == image
    assert meta(page, "robots") is None


def test_a_post_carries_a_blog_posting_with_author_dates_image_and_comment_count(client, featured):
    page = head_of(client, featured.get_absolute_url())

    [posting] = json_ld(page)
    assert posting["@type"] == "BlogPosting"
    assert posting["headline"] == "Amazing Grace"
    assert posting["author"]["name"] == "Ada Author"
    assert posting["datePublished"] == featured.published_at.isoformat(timespec="seconds")
    assert posting["dateModified"] == featured.updated_at.isoformat(timespec="seconds")
    assert posting["image"]["url"].endswith(featured.featured_image.file.name)
    assert (posting["image"]["width"], posting["image"]["height"]) == samples.PHOTO_SIZE
    assert posting["commentCount"] == 2


def test_json_ld_cannot_be_closed_by_a_title(client):
    post = PostFactory(title="</script><script>alert(1)</script> & more")

    response = client.get(post.get_absolute_url())

    assert b"</script><script>alert(1)" not in response.content
    [posting] = json_ld(BeautifulSoup(response.content, "html.parser"))
    assert posting["headline"] == "</script><script>alert(1)</script> & more"


def test_the_home_page_describes_the_site_and_its_search(client, post):
    page = head_of(client, "/")

    [site] = json_ld(page)
    assert site["@type"] == "WebSite"
    target = site["potentialAction"]["target"]["urlTemplate"]
    assert target == f"{settings.SITE_URL}/search/?q={{search_term_string}}"
    assert page.find("link", rel="canonical")["href"] == f"{settings.SITE_URL}/"
    assert meta(page, "description")


def test_page_two_has_its_own_title_and_canonical(client, settings):
    settings.BLOG_POSTS_PER_PAGE = 2
    PostFactory.create_batch(3)

    first, second = head_of(client, "/"), head_of(client, "/?page=2")

    assert first.title.string != second.title.string
    assert second.title.string.endswith("Page 2")
    assert second.find("link", rel="canonical")["href"] == f"{settings.SITE_URL}/?page=2"


def test_every_reader_page_has_a_canonical_and_a_description(client, post):
    post.tags.add("selling")
    post.refresh_filing()
    page = PostFactory(kind="page", title="About", slug="about")
    local = post.published_at
    for url in [
        "/",
        post.get_absolute_url(),
        page.get_absolute_url(),
        "/tag/selling/",
        f"/author/{post.author.get_username()}/",
        f"/{local:%Y}/",
        f"/{local:%Y}/{local:%m}/",
    ]:
        found = head_of(client, url)
        assert found.find("link", rel="canonical")["href"].startswith(settings.SITE_URL), url
        assert meta(found, "description"), url
        assert meta(found, "og:title"), url


def test_search_results_and_error_pages_are_not_indexed_and_echo_no_address(client, post):
    assert meta(head_of(client, "/search/?q=marketing"), "robots").startswith("noindex")
    missing = head_of(client, "/no-such-page/", status=404)
    assert meta(missing, "robots") == "noindex"
    assert missing.find("link", rel="canonical") is None
    assert meta(missing, "og:url") is None
    assert meta(head_of(client, post.get_absolute_url()), "robots") is None


@pytest.mark.parametrize(
    ("first_name", "last_name", "name"), [("Grace", "Hopper", "Grace Hopper"), ("", "", "ghopper")]
)
def test_an_author_without_a_profile_is_named_alike_by_byline_feeds_and_json_ld(
    client, first_name, last_name, name
):
    author = UserFactory(username="ghopper", first_name=first_name, last_name=last_name)
    post = PostFactory(author=author)

    page = head_of(client, post.get_absolute_url())
    [posting] = json_ld(page)
    [rss_entry] = feedparser.parse(client.get("/feed/").content).entries
    [atom_entry] = feedparser.parse(client.get("/feed/atom/").content).entries
    assert page.select_one(".byline .author").get_text() == name
    assert posting["author"]["name"] == name
    assert posting["author"]["url"] == f"{settings.SITE_URL}/author/ghopper/"
    assert rss_entry.author == atom_entry.author == name


def test_an_imported_login_with_a_slash_is_named_without_an_archive_address(client):
    author = UserFactory(username="old/login", first_name="", last_name="")
    post = PostFactory(author=author)

    page = head_of(client, post.get_absolute_url())
    [posting] = json_ld(page)
    assert page.select_one(".byline .author").name == "span"
    assert posting["author"] == {"@type": "Person", "name": "old/login"}
