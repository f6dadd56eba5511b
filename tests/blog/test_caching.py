"""The article page is cached and revalidated, and a stale page is a bug.

Every test here runs with the cache warm (the page was rendered before the change), because
that is when staleness would show. Readers without cookies of ours share one page for up to
a second (`a_second_passes`); the editor and a comment's author see a change at once.
"""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, Status, tell_posts_comments_changed
from comments.workflow import moves
from comments.workflow import writer as workflow
from tests.factories import CommentFactory, UserFactory

# Each post page revalidation below expects the validators of the same hour.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("the_hour_does_not_turn")]


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


def test_a_cookieless_reader_gets_a_page_any_cache_may_share(client, post, settings):
    settings.PAGE_CACHE_SECONDS, settings.PAGE_STALE_SECONDS = 3, 20
    response = page_of(client, post)
    assert response.status_code == 200
    assert response["ETag"].startswith('W/"')
    assert response["Last-Modified"]
    assert response["Cache-Control"] == ("public, max-age=0, s-maxage=3, stale-while-revalidate=20")
    assert "Cookie" in response["Vary"]
    assert not response.cookies


def test_cookieless_readers_in_the_same_second_get_the_same_bytes(post, one_second):
    first, second = page_of(Client(), post), page_of(Client(), post)
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]
    assert "csrfmiddlewaretoken" not in first.content.decode()
    assert not first.cookies
    assert not second.cookies


@pytest.mark.parametrize(
    "cookie",
    [
        "sessionid",
        "comment_pending",
        "comment_author",
        "comment_author_email",
        "comment_author_url",
    ],
)
def test_a_reader_with_one_of_our_cookies_gets_a_private_page(client, post, cookie):
    client.cookies[cookie] = "x"
    response = page_of(client, post)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"
    assert response["ETag"] != page_of(Client(), post)["ETag"]


def test_a_csrf_cookie_alone_still_gets_the_shared_page(client, post, one_second):
    shared = page_of(Client(), post)
    client.cookies["csrftoken"] = "x" * 32
    response = page_of(client, post)
    assert response["Cache-Control"].startswith("public")
    assert response.content == shared.content
    assert page_of(client, post, if_none_match=shared["ETag"]).status_code == 304


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


def test_the_page_is_revalidated_every_hour_so_its_form_timestamp_stays_fresh(
    client, post, monkeypatch, a_second_passes
):
    etag = page_of(client, post)["ETag"]
    assert page_of(client, post, if_none_match=etag).status_code == 304
    an_hour_later = timezone.now() + datetime.timedelta(hours=1)
    monkeypatch.setattr("blog.public_cache.timezone.now", lambda: an_hour_later)
    a_second_passes()
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


def test_approving_a_comment_reaches_cookieless_readers_within_a_second(
    client, post, a_second_passes
):
    comment = CommentFactory(post=post, status=Status.PENDING, content="Approve me, please.")
    etag = page_of(client, post)["ETag"]
    approve(comment)
    a_second_passes()
    response = page_of(client, post, if_none_match=etag)
    assert response.status_code == 200
    assert "Approve me, please." in response.content.decode()
    assert "1 Comment" in response.content.decode()


def test_cookieless_readers_share_one_page_for_at_most_that_second(post, a_second_passes):
    comment = CommentFactory(post=post, status=Status.PENDING, content="Approved just now.")
    assert "Approved just now." not in page_of(Client(), post).content.decode()
    approve(comment)
    # Within the second, the page every cookieless reader shares is answered as it was...
    assert "Approved just now." not in page_of(Client(), post).content.decode()
    a_second_passes()
    # ...and the next second's shows the change.
    assert "Approved just now." in page_of(Client(), post).content.decode()


def test_an_approval_reaches_the_editor_and_the_author_on_the_very_next_request(post):
    author, editor = Client(), Client()
    editor.force_login(UserFactory(username="approver", is_staff=True))
    page_of(author, post)
    response = author.post(
        f"/comments/post/{post.pk}/",
        {
            "author": "Waiting Reader",
            "email": "waiting@example.com",
            "comment": "Approve me while the page is warm.",
            "form_ts": _hidden_value(page_of(Client(), post).content.decode(), "form_ts"),
        },
    )
    assert response.status_code == 302
    comment = Comment.objects.get(content="Approve me while the page is warm.")
    assert "awaiting moderation" in page_of(author, post).content.decode()
    page_of(editor, post)
    page_of(Client(), post)  # the shared page for this second is now cached

    approve(comment)

    for reader in (author, editor):
        html = page_of(reader, post).content.decode()
        assert "Approve me while the page is warm." in html
        assert "awaiting moderation" not in html
        assert "1 Comment" in html


def test_unapproving_a_comment_hides_it_within_a_second(client, post, a_second_passes):
    comment = CommentFactory(post=post, content="Soon to be unapproved.")
    tell_posts_comments_changed([post.pk])
    first = page_of(client, post)
    assert "Soon to be unapproved." in first.content.decode()
    workflow.apply_move([comment.pk], moves.UNAPPROVE)
    a_second_passes()
    response = page_of(client, post, if_none_match=first["ETag"])
    assert response.status_code == 200
    assert "Soon to be unapproved." not in response.content.decode()


def test_spamming_a_comment_hides_it_within_a_second(client, post, a_second_passes):
    comment = CommentFactory(post=post, content="Buy cheap watches.")
    tell_posts_comments_changed([post.pk])
    assert "Buy cheap watches." in page_of(client, post).content.decode()
    workflow.apply_move([comment.pk], moves.SPAM)
    a_second_passes()
    assert "Buy cheap watches." not in page_of(client, post).content.decode()


def test_editing_the_post_shows_within_a_second(client, post, a_second_passes):
    etag = page_of(client, post)["ETag"]
    post.title = "A better title"
    post.body = "A rewritten first paragraph."
    post.save()
    a_second_passes()
    response = page_of(client, post, if_none_match=etag)
    assert response.status_code == 200
    assert "A better title" in response.content.decode()
    assert "A rewritten first paragraph." in response.content.decode()


def test_editing_the_author_bio_shows_within_a_second(client, post, a_second_passes):
    etag = page_of(client, post)["ETag"]
    profile = post.author.author_profile
    profile.bio = "Ada now writes about sales."
    profile.save()
    a_second_passes()
    response = page_of(client, post, if_none_match=etag)
    assert response.status_code == 200
    assert "Ada now writes about sales." in response.content.decode()


def test_editing_the_author_bio_shows_to_a_reader_revalidating_by_date(post, a_second_passes):
    last_modified = page_of(Client(), post)["Last-Modified"]
    profile = post.author.author_profile
    profile.bio = "Ada now writes about pricing."
    # A second later, as an editor's change would be: HTTP dates have one-second resolution.
    profile.save()
    type(profile).objects.filter(pk=profile.pk).update(
        updated_at=timezone.now() + datetime.timedelta(seconds=2)
    )
    a_second_passes()
    response = page_of(Client(), post, if_modified_since=last_modified)
    assert response.status_code == 200
    assert "Ada now writes about pricing." in response.content.decode()


def test_editing_an_approved_comment_in_the_admin_shows_within_a_second(
    admin_client, post, a_second_passes
):
    comment = CommentFactory(post=post, content="Typo in here.")
    tell_posts_comments_changed([post.pk])
    reader = Client()
    first = page_of(reader, post)
    assert "Typo in here." in first.content.decode()
    change_url = reverse("admin:comments_comment_change", args=[comment.pk])
    form = admin_client.get(change_url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["content"] = "Typo fixed."
    response = admin_client.post(change_url, data)
    assert response.status_code == 302, (
        getattr(response, "context", None) and response.context["adminform"].form.errors
    )
    assert "Typo fixed." in page_of(admin_client, post).content.decode()
    a_second_passes()
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
    response = author.post(
        f"/comments/post/{post.pk}/",
        {
            "form_ts": _hidden_value(html, "form_ts"),
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


def test_a_cookieless_readers_form_from_the_shared_page_works_without_a_token(post, one_second):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page_of(first, post)
    second_page = page_of(second, post).content.decode()  # from the shared page
    response = second.post(
        f"/comments/post/{post.pk}/",
        {
            "form_ts": _hidden_value(second_page, "form_ts"),
            "author": "Second Reader",
            "email": "second@example.com",
            "comment": "My form came from the shared page.",
        },
        headers={"sec-fetch-site": "same-origin", "origin": "http://testserver"},
    )
    assert response.status_code == 302
    assert Comment.objects.filter(content="My form came from the shared page.").exists()
