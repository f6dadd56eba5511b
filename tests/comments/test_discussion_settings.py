"""What readers see change when an editor saves Settings → Discussion in the admin."""

import time
from datetime import timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qs, urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from blog.models import AuthorProfile, Post
from comments.models import Comment, Status, tell_posts_comments_changed
from tests.comments.commenting import form_data, next_address
from tests.comments.discussion_helpers import save_settings
from tests.factories import CommentFactory, UserFactory
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db

LOGIN_MESSAGE = "You must be logged in to post a comment."
NOTICE = "This site uses Akismet to reduce spam."


@pytest.fixture
def change(django_capture_on_commit_callbacks, a_second_passes):
    """Save the settings as an editor; the next page is rendered in a later second."""

    def save(**changes):
        save_settings(django_capture_on_commit_callbacks, **changes)
        a_second_passes()

    return save


_clock = iter(range(10_000))


def approved(post, **fields):
    fields.setdefault("submitted_at", timezone.now() - timedelta(hours=1, seconds=-next(_clock)))
    comment = CommentFactory(post=post, status=Status.APPROVED, **fields)
    tell_posts_comments_changed([post.pk])
    return comment


def page(client, post, query="") -> BeautifulSoup:
    response = client.get(post.get_absolute_url() + query)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def top_level_ids(soup) -> list[str]:
    return [li["id"] for li in soup.select("ol.comment-list > li")]


def test_a_lower_thread_depth_removes_the_reply_links_below_it(client, post, change):
    top = approved(post)
    reply = approved(post, parent=top)
    deeper = approved(post, parent=reply)
    assert page(client, post).select_one(f"#comment-{deeper.pk} .comment-reply-link")

    change(thread_depth=2)
    soup = page(client, post)

    assert soup.select_one(f"#comment-{top.pk} .comment-reply-link") is not None
    assert soup.select_one(f"#comment-{reply.pk} .comment-reply-link") is None
    assert soup.select_one(f"#comment-{deeper.pk} .comment-reply-link") is None
    assert "depth-2" in soup.select_one(f"#comment-{deeper.pk}")["class"]


def test_a_reply_sent_below_the_new_depth_joins_the_deepest_level(client, post, change, send):
    top = approved(post)
    reply = approved(post, parent=top)
    change(thread_depth=2)

    response = send(post, comment_parent=str(reply.pk), comment="Answering the reply.")

    assert response.status_code == 302
    assert Comment.objects.get(content="Answering the reply.").parent_id == top.pk


def test_a_thread_depth_of_one_offers_no_reply_at_all(client, post, change):
    top = approved(post)
    change(thread_depth=1)

    assert page(client, post).select_one(f"#comment-{top.pk} .comment-reply-link") is None


def test_comments_per_page_changes_the_pagination(client, post, change):
    tops = [approved(post, content=f"Thread {n}") for n in range(3)]
    assert page(client, post).select(".comment-navigation a") == []

    change(comments_per_page=2)
    first, second = page(client, post), page(client, post, "?cpage=2")

    assert top_level_ids(first) == [f"comment-{tops[0].pk}", f"comment-{tops[1].pk}"]
    assert [a["href"] for a in first.select(".comment-navigation a")] == [
        f"{post.get_absolute_url()}?cpage=2#comments"
    ]
    assert top_level_ids(second) == [f"comment-{tops[2].pk}"]


def test_newest_first_flips_the_threads_and_keeps_replies_in_order(client, post, change):
    old, middle, new = (approved(post, content=f"Thread {n}") for n in range(3))
    first_reply = approved(post, parent=old, content="First reply")
    second_reply = approved(post, parent=old, content="Second reply")
    assert top_level_ids(page(client, post))[0] == f"comment-{old.pk}"

    change(order="newest")
    soup = page(client, post)

    assert top_level_ids(soup) == [f"comment-{c.pk}" for c in (new, middle, old)]
    replies = soup.select(f"#comment-{old.pk} ol.children > li")
    assert [li["id"] for li in replies] == [
        f"comment-{first_reply.pk}",
        f"comment-{second_reply.pk}",
    ]


def test_newest_first_puts_the_oldest_thread_on_the_last_page_of_the_feed_links(
    client, post, change
):
    old, _middle, new = (approved(post, content=f"Thread {n}") for n in range(3))
    change(comments_per_page=2, order="newest")

    links = {e.link for e in feedparser.parse(client.get("/comments/feed/").content).entries}
    base = f"http://testserver{post.get_absolute_url()}"

    assert f"{base}?cpage=2#comment-{old.pk}" in links
    assert f"{base}#comment-{new.pk}" in links
    assert "Thread 0" in page(client, post, "?cpage=2").select_one("#comments").get_text()


def post_new_comment(client, post, words: str) -> str:
    response = client.post(
        reverse("comments:post", args=[post.pk]),
        form_data(post, comment=words, email=f"{next_address()}@example.com"),
        REMOTE_ADDR=next_address(),
    )
    assert response.status_code == 302
    return response["Location"]


@pytest.mark.parametrize(
    ("order", "pages"),
    # Oldest first, a new thread follows the three shown (page 2), then the four (page 3).
    [("oldest", ("?cpage=2", "?cpage=3")), ("newest", ("", ""))],
)
def test_a_new_comment_is_sent_to_the_page_it_shows_on_as_threads_are_approved(
    client, post, change, order, pages
):
    for n in range(3):
        approved(post, content=f"Thread {n}")
    change(comments_per_page=2, order=order)
    base = post.get_absolute_url()

    first = post_new_comment(client, post, "A new thread after three.")
    assert first == f"{base}{pages[0]}#comment-{Comment.objects.latest('pk').pk}"

    approved(post, content="Thread 3")
    second = post_new_comment(client, post, "A new thread after four.")
    assert second == f"{base}{pages[1]}#comment-{Comment.objects.latest('pk').pk}"


def avatar_query(soup, comment) -> dict:
    src = soup.select_one(f"#comment-{comment.pk} img.avatar")["src"]
    return parse_qs(urlsplit(src).query)


def test_the_default_avatar_and_rating_go_into_the_gravatar_address(client, post, change):
    comment = approved(post)
    assert avatar_query(page(client, post), comment) == {"s": ["56"], "d": ["mp"], "r": ["g"]}

    change(avatar_default="identicon", avatar_rating="pg")

    assert avatar_query(page(client, post), comment) == {
        "s": ["56"],
        "d": ["identicon"],
        "r": ["pg"],
    }


def test_with_avatars_off_no_avatar_image_is_shown(client, post, change):
    comment = approved(post)
    change(show_avatars=False)

    soup = page(client, post)

    assert soup.select_one(f"#comment-{comment.pk}") is not None
    assert soup.select("#comments img") == []


def test_logged_in_only_replaces_the_form_and_the_reply_links(client, post, change):
    comment = approved(post)
    change(require_login=True)

    soup = page(client, post)

    assert soup.select_one(".must-log-in").get_text() == LOGIN_MESSAGE
    assert soup.select_one("#commentform") is None
    assert soup.select_one(f"#comment-{comment.pk} .comment-reply-link") is None


def test_logged_in_only_refuses_an_anonymous_post_with_403(post, change, send):
    change(require_login=True)

    response = send(post, comment="Let me in anyway.")

    assert response.status_code == 403
    assert LOGIN_MESSAGE in response.content.decode()
    assert not Comment.objects.filter(content="Let me in anyway.").exists()


def test_logged_in_only_takes_a_signed_in_readers_comment_with_their_token(
    post, change, django_capture_on_commit_callbacks
):
    change(require_login=True)
    member = Client(enforce_csrf_checks=True)
    member.force_login(UserFactory(username="member"))
    soup = page(member, post)
    token = soup.select_one("#commentform [name=csrfmiddlewaretoken]")["value"]

    with django_capture_on_commit_callbacks(execute=True):
        response = member.post(
            reverse("comments:post", args=[post.pk]),
            {**form_data(post, comment="A member speaks."), "csrfmiddlewaretoken": token},
            REMOTE_ADDR=next_address(),
        )

    assert response.status_code == 302
    assert Comment.objects.get(content="A member speaks.").user.username == "member"


def test_the_akismet_notice_can_be_turned_off(client, post, change, settings):
    settings.AKISMET_API_KEY = "test-key"
    assert NOTICE in page(client, post).select_one("#respond").get_text()

    change(akismet_notice=False)

    assert NOTICE not in page(client, post).get_text()
    assert page(client, post).select_one("#commentform") is not None


def test_saving_the_settings_changes_the_pages_etag_and_last_modified(
    client, post, change, the_hour_does_not_turn
):
    long_ago = timezone.now() - timedelta(days=3)
    Post.objects.filter(pk=post.pk).update(updated_at=long_ago)
    AuthorProfile.objects.filter(user=post.author).update(updated_at=long_ago)
    before = client.get(post.get_absolute_url())
    etag, last_modified = before["ETag"], before["Last-Modified"]
    # The save must fall in a later second than the page's date.
    dated = parsedate_to_datetime(last_modified).timestamp()
    wait_for(lambda: time.time() >= dated + 1, timeout=5, what="a later second than the page's")
    revalidate = {"if-none-match": etag}
    assert client.get(post.get_absolute_url(), headers=revalidate).status_code == 304

    change(show_avatars=False)
    after = client.get(post.get_absolute_url(), headers=revalidate)
    by_date = client.get(post.get_absolute_url(), headers={"if-modified-since": last_modified})

    assert after.status_code == 200
    assert after["ETag"] != etag
    assert parsedate_to_datetime(after["Last-Modified"]) > parsedate_to_datetime(last_modified)
    assert by_date.status_code == 200


def test_a_private_readers_copy_is_revalidated_after_a_save(client, post, change):
    approved(post)
    client.cookies["comment_author"] = "Ada"
    etag = client.get(post.get_absolute_url())["ETag"]

    change(show_avatars=False)
    response = client.get(post.get_absolute_url(), headers={"if-none-match": etag})

    assert response.status_code == 200
    assert b'class="avatar"' not in response.content


def sign_in(client, link, password):
    login_page = BeautifulSoup(client.get(link).content, "html.parser")
    back_to = login_page.select_one("input[name=next]")["value"]
    return client.post(link, {"username": "member", "password": password, "next": back_to})


def test_logged_in_only_links_to_a_login_page_that_brings_the_reader_back(client, post, change):
    UserFactory(username="member")
    change(require_login=True)
    link = page(client, post).select_one(".must-log-in a")["href"]
    assert urlsplit(link).path == "/accounts/login/"

    refused = sign_in(client, link, "a wrong guess")
    assert refused.status_code == 200
    assert "didn’t match" in refused.content.decode()  # noqa: RUF001

    signed_in = sign_in(client, link, "correct horse battery")
    assert signed_in.status_code == 302
    assert signed_in["Location"] == f"{post.get_absolute_url()}#respond"
    soup = page(client, post)
    assert soup.select_one("#commentform") is not None
    assert soup.select_one(".must-log-in") is None
