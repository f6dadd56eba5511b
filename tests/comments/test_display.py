"""Readers see a post's approved comments, threaded, safe, and fast."""

import hashlib
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from blog.site import SiteSettings
from comments.models import (
    DiscussionSettings,
    Status,
    tell_posts_comments_changed,
)
from comments.workflow import moves
from comments.workflow import writer as workflow
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


_clock = iter(range(10_000))


def approved(post, **fields):
    """Create an approved comment the way the site does: the post hears about it."""
    fields.setdefault("submitted_at", timezone.now() - timedelta(hours=1, seconds=-next(_clock)))
    comment = CommentFactory(post=post, status=Status.APPROVED, **fields)
    tell_posts_comments_changed([post.pk])
    post.refresh_from_db()
    return comment


def get(client, post, query="") -> BeautifulSoup:
    response = client.get(post.get_absolute_url() + query)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_heading_counts_the_approved_comments(client, post, a_second_passes):
    assert get(client, post).select_one("#comments-title").get_text() == "0 Comments"
    approved(post)
    a_second_passes()
    assert get(client, post).select_one("#comments-title").get_text() == "1 Comment"
    approved(post)
    CommentFactory(post=post, status=Status.PENDING)
    a_second_passes()
    assert get(client, post).select_one("#comments-title").get_text() == "2 Comments"


def test_only_approved_comments_are_shown(client, post):
    shown = approved(post, content="Approved words")
    for status in [Status.PENDING, Status.AWAITING_CHECK, Status.SPAM, Status.TRASH]:
        CommentFactory(post=post, status=status, content=f"Hidden {status}")

    soup = get(client, post)

    assert soup.select_one(f"#comment-{shown.pk}") is not None
    assert "Hidden" not in soup.select_one("#comments").get_text()


def test_each_comment_has_a_permalink_anchor(client, post):
    comment = approved(post)

    item = get(client, post).select_one(f"li#comment-{comment.pk}")

    assert item.select_one(".comment-date")["href"] == (
        f"{post.get_absolute_url()}#comment-{comment.pk}"
    )


def test_comment_text_is_escaped_with_paragraphs_and_line_breaks(client, post):
    comment = approved(
        post,
        author_name='<img src=x onerror="alert(1)">',
        content='<script>alert("x")</script> first line\nsecond line\n\nnew paragraph',
    )

    response = client.get(post.get_absolute_url())
    item = BeautifulSoup(response.content, "html.parser").select_one(f"#comment-{comment.pk}")

    assert item.select("script") == []
    assert item.select("img[onerror]") == []
    assert "&lt;script&gt;" in response.content.decode()
    paragraphs = item.select(".comment-content p")
    assert [p.get_text() for p in paragraphs] == [
        '<script>alert("x")</script> first line\nsecond line',
        "new paragraph",
    ]
    assert paragraphs[0].select("br")


def test_links_in_comments_are_nofollow_ugc(client, post):
    comment = approved(post, content="Read https://example.com/page and www.example.org too")

    links = get(client, post).select(f"#comment-{comment.pk} .comment-content a")

    assert [a["href"] for a in links] == ["https://example.com/page", "http://www.example.org"]
    assert all(a["rel"] == ["nofollow", "ugc"] for a in links)


def test_author_name_links_to_their_website_nofollow_ugc(client, post):
    comment = approved(post, author_name="Grace", author_url="https://grace.example/")
    plain = approved(post, author_name="Plain", author_url="")

    soup = get(client, post)

    link = soup.select_one(f"#comment-{comment.pk} .comment-author a")
    assert link["href"] == "https://grace.example/"
    assert link["rel"] == ["nofollow", "ugc"]
    assert link.get_text() == "Grace"
    assert soup.select_one(f"#comment-{plain.pk} .comment-author a") is None


def test_avatar_comes_from_the_email_hash_and_the_email_never_appears(client, post):
    comment = approved(post, author_email="  Grace.Reader@Example.COM ")

    response = client.get(post.get_absolute_url())
    avatar = BeautifulSoup(response.content, "html.parser").select_one(
        f"#comment-{comment.pk} img.avatar"
    )

    digest = hashlib.sha256(b"grace.reader@example.com").hexdigest()
    assert avatar["src"].startswith(f"https://www.gravatar.com/avatar/{digest}?")
    assert avatar["alt"] == ""
    assert "grace.reader" not in response.content.decode().lower()


def test_replies_are_threaded_under_their_parent(client, post):
    top = approved(post, content="Top")
    reply = approved(post, parent=top, content="Reply")
    second = approved(post, content="Second top")

    soup = get(client, post)

    top_level = soup.select("ol.comment-list > li")
    assert [li["id"] for li in top_level] == [f"comment-{top.pk}", f"comment-{second.pk}"]
    nested = soup.select_one(f"#comment-{top.pk} > ol.children > li")
    assert nested["id"] == f"comment-{reply.pk}"
    assert "depth-2" in nested["class"]


def test_reply_link_works_without_javascript(client, post):
    comment = approved(post, author_name="Grace")

    soup = get(client, post)
    link = soup.select_one(f"#comment-{comment.pk} .comment-reply-link")
    assert link["href"] == f"{post.get_absolute_url()}?replytocom={comment.pk}#respond"

    replying = get(client, post, f"?replytocom={comment.pk}")
    title = replying.select_one("#reply-title")
    assert title.get_text().startswith("Reply to Grace")
    assert title.select_one("#cancel-comment-reply-link")["href"] == (
        f"{post.get_absolute_url()}#respond"
    )
    assert replying.select_one("#comment_parent")["value"] == str(comment.pk)


def test_reply_to_an_unknown_comment_shows_the_normal_form(client, post):
    soup = get(client, post, "?replytocom=999999")

    assert soup.select_one("#reply-title").get_text() == "Leave Comment"
    assert soup.select_one("#comment_parent")["value"] == ""


def test_no_reply_link_at_the_maximum_depth(client, post, settings):
    settings.COMMENTS_THREAD_DEPTH = 2
    top = approved(post)
    reply = approved(post, parent=top)
    deeper = approved(post, parent=reply)  # made elsewhere, deeper than allowed

    soup = get(client, post)

    assert soup.select_one(f"#comment-{top.pk} .comment-reply-link") is not None
    assert soup.select_one(f"#comment-{reply.pk} .comment-reply-link") is None
    # Deeper replies are shown at the deepest level, after their parent.
    assert "depth-2" in soup.select_one(f"#comment-{deeper.pk}")["class"]


def test_comments_are_paginated_by_top_level_thread(client, post, settings):
    settings.COMMENTS_PER_PAGE = 2
    tops = [approved(post, content=f"Thread {n}") for n in range(5)]
    reply = approved(post, parent=tops[0], content="Reply to the first")

    first = get(client, post)
    last = get(client, post, "?cpage=3")

    assert [li["id"] for li in first.select("ol.comment-list > li")] == [
        f"comment-{tops[0].pk}",
        f"comment-{tops[1].pk}",
    ]
    assert first.select_one(f"#comment-{reply.pk}") is not None
    nav = [a["href"] for a in first.select(".comment-navigation a")]
    assert nav == [
        f"{post.get_absolute_url()}?cpage=2#comments",
        f"{post.get_absolute_url()}?cpage=3#comments",
    ]
    assert [li["id"] for li in last.select("ol.comment-list > li")] == [f"comment-{tops[4].pk}"]
    assert last.select_one(f"#comment-{tops[4].pk} .comment-date")["href"] == (
        f"{post.get_absolute_url()}?cpage=3#comment-{tops[4].pk}"
    )
    # Out-of-range pages show the nearest page rather than an error.
    assert get(client, post, "?cpage=99").select_one(f"#comment-{tops[4].pk}") is not None
    assert get(client, post, "?cpage=abc").select_one(f"#comment-{tops[0].pk}") is not None


def test_approving_a_comment_shows_it_within_a_second(client, post, a_second_passes):
    approved(post, content="Already here")
    waiting = CommentFactory(post=post, status=Status.PENDING, content="Just approved")
    assert "Just approved" not in client.get(post.get_absolute_url()).content.decode()

    workflow.apply_move([waiting.pk], moves.APPROVE)
    a_second_passes()

    page = client.get(post.get_absolute_url()).content.decode()
    assert "Just approved" in page
    assert "2 Comments" in page


def test_unapproving_a_comment_hides_it_within_a_second(client, post, a_second_passes):
    shown = approved(post, content="Soon hidden")
    assert "Soon hidden" in client.get(post.get_absolute_url()).content.decode()

    workflow.apply_move([shown.pk], moves.SPAM)
    a_second_passes()

    assert "Soon hidden" not in client.get(post.get_absolute_url()).content.decode()


def test_anonymous_post_page_takes_at_most_four_queries(
    client, post, django_assert_max_num_queries
):
    top = approved(post)
    for _ in range(30):
        approved(post, parent=top)
    DiscussionSettings.load()  # the settings row exists on any site that has been visited
    SiteSettings.get_solo()  # and the site settings row (blog.site)
    cache.clear()

    # The post, the discussion settings, the site settings and the comments.
    with django_assert_max_num_queries(4):
        client.get(post.get_absolute_url())


def test_comment_section_needs_no_query_when_the_cache_is_warm(
    post, django_assert_num_queries, settings
):
    # Warm means every cache it reads, the discussion settings' too: those are cached only
    # in a cache all processes share (production's Redis), else read once per request.
    settings.SOLO_CACHE = "default"
    for _ in range(5):
        approved(post)
    template = Template("{% load comments %}{% render_comments post %}")
    request = RequestFactory().get(post.get_absolute_url())
    request.user = AnonymousUser()
    cold = template.render(Context({"post": post, "request": request}))

    with django_assert_num_queries(0):
        warm = template.render(Context({"post": post, "request": request}))

    strip = lambda html: BeautifulSoup(html, "html.parser").select_one("ol.comment-list")  # noqa: E731
    assert strip(warm) == strip(cold)
