"""Feeds of posts as WordPress sends them, or better (issue 28): whole posts, filed, valid."""

import io

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.conf import settings

from blog.images import store_image
from comments.models import Status, tell_posts_comments_changed
from tests.factories import CommentFactory, PostFactory
from tests.media import samples
from tests.support import feed_validator

pytestmark = pytest.mark.django_db

BODY = (
    "The first paragraph, which the summary shows.\n\n"
    "The second paragraph, which only the whole post has.\n\n"
    "![A chart of sales](/media/{chart})\n\n"
    "A [link home](/about/) and [another site](https://example.org/)."
)


@pytest.fixture
def full_post(media_root):
    photo = store_image(io.BytesIO(samples.photo()), name="hopper.jpg", alt="Grace Hopper")
    chart = store_image(io.BytesIO(samples.made()), name="chart.png", alt="A chart of sales")
    post = PostFactory(
        title="Selling, whole",
        body=BODY.format(chart=chart.file.name),
        featured_image=photo,
    )
    post.categories.create(name="Marketing", slug="marketing")
    post.tags.add("sales")
    post.refresh_filing()
    CommentFactory.create_batch(3, post=post, status=Status.APPROVED)
    tell_posts_comments_changed([post.pk])
    post.refresh_from_db()
    post.chart = chart
    return post


def test_a_reader_of_the_rss_feed_gets_the_whole_post_with_its_images(client, full_post):
    feed = feedparser.parse(client.get("/feed/").content)

    [entry] = feed.entries
    assert not feed.bozo, feed.bozo_exception
    assert entry.summary == "The first paragraph, which the summary shows."
    whole = BeautifulSoup(entry.content[0].value, "html.parser")
    assert "The second paragraph, which only the whole post has." in whole.get_text()
    chart = whole.find("img")
    assert chart["src"] == f"{settings.SITE_URL}/media/{full_post.chart.file.name}"
    assert chart["alt"] == "A chart of sales"
    assert whole.find("a", string="link home")["href"] == f"{settings.SITE_URL}/about/"
    assert whole.find("a", string="another site")["href"] == "https://example.org/"
    [image] = entry.media_content
    assert image["url"] == f"{settings.SITE_URL}/media/{full_post.featured_image.file.name}"
    assert (int(image["width"]), int(image["height"])) == samples.PHOTO_SIZE


def test_rss_items_carry_categories_tags_and_their_comment_feed_and_count(client, full_post):
    feed = feedparser.parse(client.get("/feed/").content)

    [entry] = feed.entries
    assert sorted(tag.term for tag in entry.tags) == ["Marketing", "sales"]
    assert entry.wfw_commentrss == f"{settings.SITE_URL}{full_post.get_absolute_url()}feed/"
    assert entry.slash_comments == "3"
    assert entry.comments.endswith(f"{full_post.get_absolute_url()}#comments")


def test_the_atom_feed_has_the_whole_post_and_its_true_dates(client, full_post):
    feed = feedparser.parse(client.get("/feed/atom/").content)

    [entry] = feed.entries
    assert "only the whole post has" in entry.content[0].value
    assert sorted(tag.term for tag in entry.tags) == ["Marketing", "sales"]
    assert entry.published.startswith(full_post.published_at.strftime("%Y-%m-%dT%H:%M:%S"))
    assert entry.updated.startswith(full_post.updated_at.strftime("%Y-%m-%dT%H:%M:%S"))


def test_with_feed_summaries_set_the_feeds_carry_the_excerpt_only(client, full_post, settings):
    settings.BLOG_FEED_SUMMARIES = True

    for url in ["/feed/", "/feed/atom/"]:
        body = client.get(url).content
        assert b"only the whole post has" not in body, url
        assert b"The first paragraph, which the summary shows." in body, url


@pytest.mark.parametrize(
    "url", ["/feed/", "/feed/atom/", "/tag/sales/feed/", "/category/marketing/feed/atom/"]
)
def test_the_feeds_pass_w3cs_feed_validator(client, full_post, url):
    PostFactory(title="", slug="untitled")
    feed = client.get(url).content

    errors, warnings = feed_validator.validate(feed, f"http://testserver{url}")
    assert warnings == []

    print("\n".join(errors + warnings) or "The feed validator found nothing to say.")
    assert errors == []
