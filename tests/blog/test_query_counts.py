"""The article page costs the same few SQL queries whatever the number of comments."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import DiscussionSettings, tell_posts_comments_changed
from tests.factories import CommentFactory, PostFactory

# Each post page revalidation below expects the validators of the same hour.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("the_hour_does_not_turn")]


@pytest.fixture(autouse=True)
def _site_is_set_up(site_settings_kept):
    # On a live site the discussion and site settings rows exist after the first request.
    DiscussionSettings.load()


def post_with_comments(n: int):
    post = PostFactory()
    CommentFactory.create_batch(n, post=post)
    tell_posts_comments_changed([post.pk])
    post.refresh_from_db()
    return post


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("comments", [10, 200])
def test_an_anonymous_reader_costs_at_most_4_queries(
    client, django_assert_max_num_queries, comments
):
    post = post_with_comments(comments)
    cache.clear()
    # The post, the discussion settings, the site settings (blog.site) and the comments.
    with django_assert_max_num_queries(4):
        response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert f"{comments} Comments" in response.content.decode()


def test_200_comments_cost_the_same_queries_as_10(client, a_second_passes):
    few, many = post_with_comments(10), post_with_comments(200)

    def cold(post):
        cache.clear()
        return queries_for(client, post.get_absolute_url())

    def warm(post):
        queries_for(client, post.get_absolute_url())
        a_second_passes()  # the fragments are cached; the shared page is not yet
        return queries_for(client, post.get_absolute_url())

    assert cold(few) == cold(many) <= 4
    assert warm(few) == warm(many) <= cold(few)


def test_a_second_page_of_comments_costs_no_more_than_the_first(client, settings):
    settings.COMMENTS_PER_PAGE = 50
    post = post_with_comments(120)
    cache.clear()
    first = queries_for(client, post.get_absolute_url())
    cache.clear()
    second = queries_for(client, post.get_absolute_url() + "?cpage=2")
    assert second <= first <= 4


def test_a_private_readers_revalidation_costs_one_query(client, django_assert_num_queries):
    post = post_with_comments(10)
    client.cookies["comment_author"] = "Ada"
    etag = client.get(post.get_absolute_url())["ETag"]
    with django_assert_num_queries(1):
        response = client.get(post.get_absolute_url(), headers={"if-none-match": etag})
    assert response.status_code == 304


def test_cookieless_readers_within_the_second_cost_no_query(
    client, django_assert_num_queries, one_second
):
    post = post_with_comments(10)
    first = client.get(post.get_absolute_url())
    with django_assert_num_queries(0):
        again = client.get(post.get_absolute_url())
        revalidated = client.get(post.get_absolute_url(), headers={"if-none-match": first["ETag"]})
        by_date = client.get(
            post.get_absolute_url(), headers={"if-modified-since": first["Last-Modified"]}
        )
    assert again.status_code == 200
    assert again.content == first.content
    assert revalidated.status_code == by_date.status_code == 304
