"""The article page is cached and revalidated, and a stale page is a bug.

Every test here runs with the cache warm (the page was rendered before the change), because
that is when staleness would show.
"""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from comments import moves, workflow
from comments.models import Comment, Status, tell_posts_comments_changed
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def page_of(client, post, **headers):
    return client.get(post.get_absolute_url(), headers=headers)


def approve(comment):
    workflow.apply_move([comment.pk], moves.APPROVE, reason="test")


# --- Conditional GET ----------------------------------------------------------------------


def test_article_page_carries_an_etag_and_last_modified(client, post):
    response = page_of(client, post)
    assert response.status_code == 200
    assert response["ETag"].startswith('W/"')
    assert response["Last-Modified"]
    assert "no-cache" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_revalidating_with_the_etag_answers_304_without_a_body(client, post):
    etag = page_of(client, post)["ETag"]
    response = page_of(client, post, if_none_match=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_a_reader_without_cookies_revalidating_by_date_gets_304(post):
    last_modified = page_of(Client(), post)["Last-Modified"]
    # A crawler or feed reader keeps no cookies: the date alone describes its copy.
    response = page_of(Client(), post, if_modified_since=last_modified)
    assert response.status_code == 304


def test_if_modified_since_alone_is_not_trusted_for_a_reader_with_cookies(client, post):
    last_modified = page_of(client, post)["Last-Modified"]
    client.cookies["comment_author"] = "Alice"
    assert page_of(client, post, if_modified_since=last_modified).status_code == 200


def test_a_different_csrf_cookie_gets_a_fresh_page(post):
    reader = Client()
    first = page_of(reader, post)
    reader.cookies["csrftoken"] = "x" * 32
    assert page_of(reader, post, if_none_match=first["ETag"]).status_code == 200


def test_the_page_is_revalidated_every_hour_so_its_form_timestamp_stays_fresh(
    client, post, monkeypatch
):
    etag = page_of(client, post)["ETag"]
    assert page_of(client, post, if_none_match=etag).status_code == 304
    an_hour_later = timezone.now() + datetime.timedelta(hours=1)
    monkeypatch.setattr("blog.views.timezone.now", lambda: an_hour_later)
    assert page_of(client, post, if_none_match=etag).status_code == 200


def test_a_draft_preview_is_never_cached(staff_client, draft):
    response = page_of(staff_client, draft)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert not response.has_header("ETag")


def test_staff_never_get_a_304_even_on_a_published_post(staff_client, post):
    reader_etag = page_of(Client(), post)["ETag"]
    last_modified = page_of(Client(), post)["Last-Modified"]
    response = page_of(
        staff_client, post, if_none_match=reader_etag, if_modified_since=last_modified
    )
    assert response.status_code == 200
    assert not response.has_header("ETag")
    assert "no-store" in response["Cache-Control"]


# --- A stale page is a bug ----------------------------------------------------------------


def test_approving_a_comment_shows_on_the_very_next_request(client, post):
    comment = CommentFactory(post=post, status=Status.PENDING, content="Approve me, please.")
    etag = page_of(client, post)["ETag"]
    approve(comment)
    response = page_of(client, post, if_none_match=etag)
    assert response.status_code == 200
    assert "Approve me, please." in response.content.decode()
    assert "1 Comment" in response.content.decode()


def test_unapproving_a_comment_hides_it_on_the_very_next_request(client, post):
    comment = CommentFactory(post=post, content="Soon to be unapproved.")
    tell_posts_comments_changed([post.pk])
    first = page_of(client, post)
    assert "Soon to be unapproved." in first.content.decode()
    workflow.apply_move([comment.pk], moves.UNAPPROVE)
    response = page_of(client, post, if_none_match=first["ETag"])
    assert response.status_code == 200
    assert "Soon to be unapproved." not in response.content.decode()


def test_spamming_a_comment_hides_it_on_the_very_next_request(client, post):
    comment = CommentFactory(post=post, content="Buy cheap watches.")
    tell_posts_comments_changed([post.pk])
    assert "Buy cheap watches." in page_of(client, post).content.decode()
    workflow.apply_move([comment.pk], moves.SPAM)
    assert "Buy cheap watches." not in page_of(client, post).content.decode()


def test_editing_the_post_shows_on_the_very_next_request(client, post):
    etag = page_of(client, post)["ETag"]
    post.title = "A better title"
    post.body = "A rewritten first paragraph."
    post.save()
    response = page_of(client, post, if_none_match=etag)
    assert response.status_code == 200
    assert "A better title" in response.content.decode()
    assert "A rewritten first paragraph." in response.content.decode()


def test_editing_the_author_bio_shows_on_the_very_next_request(client, post):
    etag = page_of(client, post)["ETag"]
    profile = post.author.author_profile
    profile.bio = "Ada now writes about sales."
    profile.save()
    response = page_of(client, post, if_none_match=etag)
    assert response.status_code == 200
    assert "Ada now writes about sales." in response.content.decode()


def test_editing_the_author_bio_shows_to_a_reader_revalidating_by_date(post):
    last_modified = page_of(Client(), post)["Last-Modified"]
    profile = post.author.author_profile
    profile.bio = "Ada now writes about pricing."
    # A second later, as an editor's change would be: HTTP dates have one-second resolution.
    profile.save()
    type(profile).objects.filter(pk=profile.pk).update(
        updated_at=timezone.now() + datetime.timedelta(seconds=2)
    )
    response = page_of(Client(), post, if_modified_since=last_modified)
    assert response.status_code == 200
    assert "Ada now writes about pricing." in response.content.decode()


def test_editing_an_approved_comment_in_the_admin_shows_on_the_very_next_request(
    admin_client, post
):
    comment = CommentFactory(post=post, content="Typo in here.")
    tell_posts_comments_changed([post.pk])
    reader = Client()
    first = page_of(reader, post)
    assert "Typo in here." in first.content.decode()
    change_url = comment.get_admin_url()
    form = admin_client.get(change_url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["content"] = "Typo fixed."
    response = admin_client.post(change_url, data)
    assert response.status_code == 302, (
        getattr(response, "context", None) and response.context["adminform"].form.errors
    )
    again = page_of(reader, post, if_none_match=first["ETag"])
    assert again.status_code == 200
    assert "Typo fixed." in again.content.decode()


# --- Per-visitor parts stay correct with the cache warm ---------------------------------


def test_a_remembered_name_prefills_only_that_visitors_form(post):
    alice, bob = Client(), Client()
    alice.cookies["comment_author"] = "Alice Reader"
    assert "Alice Reader" in page_of(alice, post).content.decode()
    assert "Alice Reader" not in page_of(bob, post).content.decode()
    assert "Alice Reader" in page_of(alice, post).content.decode()


def test_a_pending_comment_shows_only_to_its_author(post):
    author, stranger = Client(), Client()
    form_page = page_of(author, post)
    assert page_of(stranger, post).status_code == 200  # the cache is warm for everyone
    html = form_page.content.decode()
    fields = {name: _hidden_value(html, name) for name in ("csrfmiddlewaretoken", "form_ts")}
    response = author.post(
        f"/comments/post/{post.pk}/",
        {
            **fields,
            "author": "Patient Reader",
            "email": "patient@example.com",
            "url": "",
            "comment": "Is anyone moderating this?",
            "comment_parent": "",
            "ak_hp_textarea": "",
        },
    )
    assert response.status_code == 302
    comment = Comment.objects.get(content="Is anyone moderating this?")
    assert comment.status != Status.APPROVED
    mine = page_of(author, post).content.decode()
    assert "Is anyone moderating this?" in mine
    assert "Your comment is awaiting moderation." in mine
    theirs = page_of(stranger, post).content.decode()
    assert "Is anyone moderating this?" not in theirs


def _hidden_value(html: str, name: str) -> str:
    from bs4 import BeautifulSoup

    field = BeautifulSoup(html, "html.parser").find("input", attrs={"name": name})
    assert field is not None, f"the form has no {name} field"
    return field["value"]


def test_readers_served_the_shared_page_each_get_their_own_working_csrf_token(post):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = page_of(first, post).content.decode()
    second_page = page_of(second, post).content.decode()  # from the cache
    tokens = [_hidden_value(page, "csrfmiddlewaretoken") for page in (first_page, second_page)]
    assert tokens[0] != tokens[1]
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    response = second.post(
        f"/comments/post/{post.pk}/",
        {
            "csrfmiddlewaretoken": tokens[1],
            "form_ts": _hidden_value(second_page, "form_ts"),
            "author": "Second Reader",
            "email": "second@example.com",
            "comment": "My token came from a cached page.",
        },
    )
    assert response.status_code == 302
