"""An editor's odd search in the moderation queue gets the queue back, never a 500 or a stall."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("raw", ["%00", "a%00b", "ada%40example.com%00", "203.0.113.7%00"])
def test_a_search_with_a_nul_byte_shows_the_queue_and_says_what_is_wrong(editor_client, raw):
    CommentFactory(content="A thoughtful comment.")

    response = editor_client.generic("GET", "/admin/comments/comment/", QUERY_STRING=f"q={raw}")

    assert response.status_code == 200
    assert "Null characters are not allowed." in response.text


def test_a_pasted_essay_as_search_finds_its_comment_without_a_query_per_word(editor_client):
    words = " ".join(f"word{n}" for n in range(2_000))
    found = CommentFactory(content=words)
    CommentFactory(content="Something else entirely.")

    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get("/admin/comments/comment/", {"q": words})

    assert response.status_code == 200
    assert f"/admin/comments/comment/{found.pk}/change/" in response.text
    assert "Something else entirely." not in response.text
    # Each word of a search is five LIKEs (name, email, IP, website, text).
    assert max(query["sql"].count(" LIKE ") for query in queries.captured_queries) <= 5 * 100


@pytest.mark.parametrize(
    "address",
    [
        "/admin/comments/comment/?status=%00",
        "/admin/comments/comment/?spam_verdict__exact=%00",
        "/admin/comments/commentevent/?action__exact=a%00",
        "/admin/blog/post/?status__exact=%00",
        "/admin/comments/comment/?submitted_at__year=99999999999999999999",
        "/admin/blog/post/?published_at__year=1&published_at__month=abc",
    ],
)
def test_an_admin_filter_that_cannot_be_read_gets_a_400_page(editor_client, address):
    CommentFactory()

    path, query = address.split("?")
    response = editor_client.generic("GET", path, QUERY_STRING=query)

    assert response.status_code == 400
    assert "Your request could not be read" in response.text


@pytest.mark.parametrize("page", ["change", "delete"])
def test_a_comment_page_with_an_empty_to_field_gets_a_400_page(editor_client, page):
    comment = CommentFactory()

    response = editor_client.get(f"/admin/comments/comment/{comment.pk}/{page}/?_to_field=")

    assert response.status_code == 400
