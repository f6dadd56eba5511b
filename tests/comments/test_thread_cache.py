"""The cached comment thread is keyed by what it shows, and nothing a reader can vary freely."""

import datetime

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments.models import DiscussionSettings, Status, tell_posts_comments_changed
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def discussed(post):
    DiscussionSettings.load()
    CommentFactory.create_batch(3, post=post)
    tell_posts_comments_changed([post.pk])
    post.refresh_from_db()
    return post


def comment_queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries if '"comments_comment"' in q["sql"]]


def test_a_comment_page_past_the_end_is_served_from_the_last_pages_cache(client, discussed):
    url = discussed.get_absolute_url()
    assert comment_queries(client, url + "?cpage=1")

    for page in (2, 7, 999999):
        assert comment_queries(Client(), f"{url}?cpage={page}") == [], page


def test_a_renamed_post_links_its_comments_to_its_new_address(client, discussed):
    old_url = discussed.get_absolute_url()
    assert old_url in client.get(old_url).content.decode()

    discussed.slug = "a-better-address"
    discussed.save()
    new_url = discussed.get_absolute_url()
    page = client.get(new_url).content.decode()

    assert new_url != old_url
    assert f'href="{new_url}#comment-' in page
    assert old_url not in page


def test_a_pending_cookie_older_than_its_lifetime_shows_nothing(client, post, monkeypatch):
    from comments.intake import cookies

    mine = CommentFactory(post=post, status=Status.PENDING, content="My old pending words.")
    signer = signing.get_cookie_signer(salt=cookies.PENDING_COOKIE + cookies.PENDING_SALT)
    client.cookies[cookies.PENDING_COOKIE] = signer.sign(str(mine.pk))
    assert "My old pending words." in client.get(post.get_absolute_url()).content.decode()

    signed_long_ago = datetime.datetime.now(tz=datetime.UTC) - cookies.PENDING_FOR
    with monkeypatch.context() as m:
        m.setattr(signing.time, "time", lambda: signed_long_ago.timestamp() - 60)
        client.cookies[cookies.PENDING_COOKIE] = signer.sign(str(mine.pk))

    assert "My old pending words." not in client.get(post.get_absolute_url()).content.decode()
