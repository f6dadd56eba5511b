"""A reader posts a comment through the form under a post."""

import time
from datetime import timedelta
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from comments.intake import policy
from comments.models import Comment, CommentEvent, DiscussionSettings, Status
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

DUPLICATE = "Duplicate comment detected; it looks as though you’ve already said that!"  # noqa: RUF001
FLOOD = "You are posting comments too quickly. Slow down."


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


# --- The form -----------------------------------------------------------------------------


def test_form_reproduces_the_seed_page_wording(client, seed_post):
    soup = page(client.get(seed_post.get_absolute_url()))
    form = soup.select_one("#commentform")

    assert soup.select_one("#reply-title").get_text() == "Leave Comment"
    assert " ".join(form.select_one(".comment-notes").get_text().split()) == (
        "Your email address will not be published. Required fields are marked *"
    )
    labels = [" ".join(label.get_text().split()) for label in form.select("label")]
    assert labels[:4] == ["Name *", "Email *", "Website", "Comment *"]
    assert "Save my name, email, and website in this browser for the next time I comment." in labels
    assert form.select_one("input[type=reset]")["value"] == "clear form"
    assert form.select_one("input[type=submit]")["value"] == "Submit"
    for name in ["author", "email", "comment"]:
        assert form.select_one(f"#{name}").has_attr("required"), name
    assert not form.select_one("#url").has_attr("required")


def test_form_carries_a_signed_timestamp_and_a_hidden_honeypot(client, post):
    form = page(client.get(post.get_absolute_url())).select_one("#commentform")

    token = form.select_one("input[name=form_ts]")["value"]
    assert policy.form_age_reason(post, token).startswith("submitted too fast")
    honeypot = form.select_one("textarea[name=ak_hp_textarea]")
    assert honeypot.parent.has_attr("hidden")


def test_akismet_notice_shows_only_when_akismet_is_configured(client, post, settings):
    notice = (
        'This site uses Akismet to reduce spam. <a href="https://akismet.com/privacy/" '
        'target="_blank" rel="nofollow noopener">Learn how your comment data is processed.</a>'
    )
    settings.AKISMET_API_KEY = ""
    assert notice not in client.get(post.get_absolute_url()).content.decode()

    settings.AKISMET_API_KEY = "a-key"
    cache.clear()  # a key is configured at start-up; pages rendered before it are gone then
    assert notice in client.get(post.get_absolute_url()).content.decode()


# --- Validation: 400, the whole page again, everything typed kept --------------------------


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"author": ""}, "author", "Please enter your name."),
        ({"email": ""}, "email", "Please enter your email address."),
        ({"comment": ""}, "comment", "Please type your comment text."),
        ({"email": "not-an-email"}, "email", "Please enter a valid email address."),
        ({"author": "n" * 246}, "author", "at most 245 characters, and it has 246"),
        ({"email": "e" * 95 + "@x.com"}, "email", "at most 100 characters, and it has 101"),
        (
            {"url": "https://example.com/" + "u" * 181},
            "url",
            "at most 200 characters, and it has 201",
        ),
        ({"comment": "c" * 65526}, "comment", "at most 65525 characters, and it has 65526"),
        ({"url": "javascript:alert(1)"}, "url", "starts with http:// or https://"),
        ({"url": "data:text/html,hi"}, "url", "starts with http:// or https://"),
        ({"url": "ftp://example.com/"}, "url", "starts with http:// or https://"),
        ({"comment": "nul \x00 byte"}, "comment", "cannot be saved (a NUL byte"),
        ({"author": "Grace\x00"}, "author", "cannot be saved (a NUL byte"),
        ({"author": "Grace\r\nBcc: x@example.com"}, "author", "without control characters"),
    ],
)
def test_invalid_comment_is_refused_with_400_beside_its_field(send, post, fields, field, message):
    response = send(post, **fields)

    assert response.status_code == 400
    soup = page(response)
    error = soup.select_one(f"#{field}-error")
    assert message in error.get_text()
    assert f"{field}-error" in soup.select_one(f"#{field}")["aria-describedby"]
    assert message in soup.select_one("#comment-errors").get_text()
    assert Comment.objects.count() == 0


def test_refused_form_keeps_every_character_typed(send, post):
    typed = {
        "author": "Zoë <b>O'Brien</b> & co",
        "email": "not an email",
        "url": "https://example.com/?a=1&b=<2>",
        "comment": '\n  Line one <script>alert("x")</script>\n\n  Ünïcödé 👋 & “quotes”  \n',
    }
    response = send(post, **typed)

    assert response.status_code == 400
    soup = page(response)
    assert soup.select_one("#author")["value"] == typed["author"]
    assert soup.select_one("#email")["value"] == typed["email"]
    assert soup.select_one("#url")["value"] == typed["url"]
    # Browsers drop the one newline right after <textarea>; html.parser keeps it.
    assert soup.select_one("#comment").string.removeprefix("\n") == typed["comment"]
    assert soup.select_one("h1").get_text() == post.title
    assert "<script>alert" not in response.content.decode()


def test_error_summary_links_to_each_field_in_order(send, post):
    response = send(post, author="", email="", comment="")

    links = page(response).select("#comment-errors a")
    assert [a["href"] for a in links] == ["#author", "#email", "#comment"]


# --- Closed and missing posts ------------------------------------------------------------


def test_comment_on_a_closed_post_is_refused_with_403(send):
    closed = PostFactory(comments_open=False)

    response = send(closed)

    assert response.status_code == 403
    assert "comments are closed" in response.content.decode()
    assert Comment.objects.count() == 0


def test_comment_past_the_close_after_days_is_refused_with_403(send):
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"close_after_days": 30})
    old = PostFactory(published_at=timezone.now() - timedelta(days=31))
    recent = PostFactory(published_at=timezone.now() - timedelta(days=29))

    assert send(old).status_code == 403
    assert send(recent).status_code == 302
    assert list(Comment.objects.values_list("post_id", flat=True)) == [recent.pk]


def test_closed_post_shows_no_form(client):
    closed = PostFactory(comments_open=False)

    soup = page(client.get(closed.get_absolute_url()))

    assert soup.select_one("#commentform") is None
    assert "Comments are closed." in soup.select_one("#comments").get_text()


def test_comment_on_a_draft_is_refused_with_404(send, draft):
    assert send(draft).status_code == 404
    assert Comment.objects.count() == 0


def test_comment_on_a_scheduled_post_is_refused_with_404(send):
    scheduled = PostFactory(published_at=timezone.now() + timedelta(hours=1))

    assert send(scheduled).status_code == 404
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("number", [999999, 2**63 - 1])
def test_comment_on_an_unknown_post_is_refused_with_404(client, number):
    response = client.post(reverse("comments:post", args=[number]), {"author": "x"})

    assert response.status_code == 404


def test_comment_form_answers_405_to_get(client, post):
    assert client.get(reverse("comments:post", args=[post.pk])).status_code == 405


def test_reply_to_an_unapproved_comment_is_refused_with_403(send, post):
    pending = CommentFactory(post=post, status=Status.PENDING)

    response = send(post, comment_parent=str(pending.pk))

    assert response.status_code == 403
    assert "can’t reply to that comment" in response.content.decode()  # noqa: RUF001
    assert Comment.objects.count() == 1


def test_reply_to_a_comment_on_another_post_is_refused_with_403(send, post):
    elsewhere = CommentFactory(post=PostFactory())

    assert send(post, comment_parent=str(elsewhere.pk)).status_code == 403
    assert send(post, comment_parent="999999").status_code == 403
    assert Comment.objects.count() == 1


def test_reply_to_an_approved_comment_is_stored_under_it(send, post):
    parent = CommentFactory(post=post)

    response = send(post, comment_parent=str(parent.pk))

    assert response.status_code == 302
    assert Comment.objects.get(parent=parent).post == post


def test_reply_beyond_the_maximum_depth_joins_the_deepest_level(send, post, settings):
    settings.COMMENTS_THREAD_DEPTH = 3
    top = CommentFactory(post=post)
    middle = CommentFactory(post=post, parent=top)
    deepest = CommentFactory(post=post, parent=middle)

    assert send(post, comment_parent=str(deepest.pk)).status_code == 302

    reply = Comment.objects.latest("pk")
    assert reply.parent == middle
    assert len(policy.ancestors(reply)) == 3


# --- After posting: redirect, cookies, the author's own pending comment ---------------------


def test_stored_comment_redirects_to_its_anchor_on_the_post(send, post):
    response = send(post)

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"
    assert comment.status == Status.PENDING
    assert comment.author_name == "Grace Reader"


def test_comment_is_stored_with_the_request_details(send, post):
    send(
        post,
        ip="203.0.113.9",
        headers={"HTTP_USER_AGENT": "Mozilla/5.0 Test", "HTTP_REFERER": "https://ref.example/"},
    )

    comment = Comment.objects.get()
    assert comment.ip_address == "203.0.113.9"
    assert comment.user_agent == "Mozilla/5.0 Test"
    assert comment.referrer == "https://ref.example/"
    assert comment.events.first().action == CommentEvent.Action.SUBMITTED


def test_author_sees_their_pending_comment_in_place_and_others_do_not(send, client, post):
    from django.test import Client

    send(post, comment="My own words, waiting.")
    mine = page(client.get(post.get_absolute_url()))
    theirs = page(Client().get(post.get_absolute_url()))

    comment = Comment.objects.get()
    item = mine.select_one(f"#comment-{comment.pk}")
    assert "Your comment is awaiting moderation." in item.get_text()
    assert "My own words, waiting." in item.get_text()
    assert theirs.select_one(f"#comment-{comment.pk}") is None
    assert "My own words" not in str(theirs)


def test_forged_pending_cookie_shows_nothing(client, post):
    other = CommentFactory(post=post, status=Status.PENDING, content="Somebody else's secret")
    client.cookies["comment_pending"] = f"{other.pk}"

    assert "Somebody else's secret" not in client.get(post.get_absolute_url()).content.decode()


def test_ticked_box_remembers_the_author_for_a_year_and_prefills_the_form(send, client, post):
    response = send(
        post,
        author="Zoë Reader",
        email="zoe@example.com",
        url="https://zoe.example/",
        **{"wp-comment-cookies-consent": "yes"},
    )

    cookie = response.cookies["comment_author"]
    assert unquote(cookie.value) == "Zoë Reader"
    assert int(cookie["max-age"]) == 365 * 24 * 60 * 60
    assert unquote(response.cookies["comment_author_email"].value) == "zoe@example.com"
    form = page(client.get(post.get_absolute_url())).select_one("#commentform")
    assert form.select_one("#author")["value"] == "Zoë Reader"
    assert form.select_one("#email")["value"] == "zoe@example.com"
    assert form.select_one("#url")["value"] == "https://zoe.example/"
    assert form.select_one("#wp-comment-cookies-consent").has_attr("checked")


def test_unticked_box_remembers_nothing_and_forgets_what_was_remembered(send, client, post):
    client.cookies["comment_author"] = "Old%20Name"

    response = send(post)

    assert response.cookies["comment_author"].value == ""
    assert int(response.cookies["comment_author"]["max-age"]) == 0
    assert "comment_author_email" not in response.cookies or (
        response.cookies["comment_author_email"].value == ""
    )


# --- Cheap checks -------------------------------------------------------------------------


def test_honeypot_comment_is_stored_as_spam_without_asking_akismet(send, post, akismet_answers):
    response = send(post, ak_hp_textarea="I am a bot")

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert comment.status == Status.SPAM
    assert comment.hold_reason == "honeypot"
    assert comment.events.get().reason == "honeypot"
    assert akismet_answers.calls == []


def test_a_bot_filling_the_honeypot_cannot_store_the_same_comment_twice(send, post):
    assert send(post, ak_hp_textarea="I am a bot").status_code == 302
    response = send(post, ak_hp_textarea="I am a bot")

    assert response.status_code == 409
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    ("form_ts", "reason"),
    [
        (lambda post: policy.form_timestamp(post), "submitted too fast"),
        (lambda post: policy.form_timestamp(post, time.time() - 3 * 86400), "form older than 2"),
        (lambda post: "", "form timestamp missing or invalid"),
        (lambda post: policy.form_timestamp(post) + "x", "form timestamp missing or invalid"),
        (lambda post: policy.form_timestamp(PostFactory()), "form timestamp missing or invalid"),
    ],
)
def test_suspicious_form_timestamp_holds_the_comment_with_its_reason(
    send, post, akismet_answers, settings, form_ts, reason
):
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"manual_approval": False})
    # A form signed "now" (whole seconds) must still be too fast when it arrives, however long
    # a loaded machine takes to send it: the default 3 s left about 2 s of slack.
    settings.COMMENTS_MIN_FORM_SECONDS = 30

    response = send(post, form_ts=form_ts(post))

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert comment.status == Status.PENDING
    assert comment.hold_reason.startswith(reason)
    assert comment.events.first().reason.startswith(f"held: {reason}")


def test_duplicate_comment_is_refused_with_409(send, post):
    assert send(post, comment="Same words.").status_code == 302

    response = send(post, comment="Same words.")

    assert response.status_code == 409
    assert DUPLICATE in response.content.decode()
    assert page(response).select_one("#comment").string.strip() == "Same words."
    assert Comment.objects.count() == 1


def test_same_words_from_someone_else_or_elsewhere_are_not_duplicates(send, post, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    assert send(post, comment="Great post!").status_code == 302
    assert send(post, comment="Great post!", author="Other", email="o@example.com").status_code == (
        302
    )
    assert send(PostFactory(), comment="Great post!").status_code == 302


def test_second_comment_from_the_same_ip_within_15_seconds_is_refused_with_429(send, post):
    assert send(post, ip="203.0.113.5", comment="First").status_code == 302

    response = send(post, ip="203.0.113.5", comment="Second", email="other@example.com")

    assert response.status_code == 429
    assert FLOOD in response.content.decode()
    assert Comment.objects.count() == 1


def test_second_comment_from_the_same_email_within_15_seconds_is_refused_with_429(send, post):
    assert send(post, comment="First").status_code == 302

    assert send(post, comment="Second").status_code == 429
    assert Comment.objects.count() == 1


def test_comment_after_the_flood_interval_is_accepted(send, post):
    send(post, ip="203.0.113.5", comment="First")
    Comment.objects.update(submitted_at=timezone.now() - timedelta(seconds=16))

    assert send(post, ip="203.0.113.5", comment="Second").status_code == 302


def test_moderators_are_exempt_from_the_flood_rule(send, editor_client, post):

    assert send(post, ip="203.0.113.5", comment="First").status_code == 302
    assert send(post, ip="203.0.113.5", comment="Second").status_code == 302
