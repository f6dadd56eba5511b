"""Readers format their comments with the tags WordPress allows; nothing else ever runs."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone

from comments.models import Comment, Status, tell_posts_comments_changed
from comments.rules.markup import TAGS
from tests.factories import CommentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("superuser")]

PRICING = 'I <strong>really</strong> like the <a href="https://shop.example/pricing">pricing</a>'


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def approved(post, content: str) -> Comment:
    comment = CommentFactory(
        post=post,
        status=Status.APPROVED,
        content=content,
        submitted_at=timezone.now() - timedelta(hours=1),
    )
    tell_posts_comments_changed([post.pk])
    post.refresh_from_db()
    return comment


def shown(client, post, comment) -> BeautifulSoup:
    response = client.get(post.get_absolute_url())
    page = BeautifulSoup(response.content, "html.parser")
    return page.select_one(f"#comment-{comment.pk} .comment-content")


def test_wordpress_comment_tags_show_as_formatting(client, post):
    comment = approved(
        post,
        PRICING + '\n\n<blockquote cite="https://a.example/">Quoted <em>words</em>\n'
        "line two</blockquote>\n"
        '<b>b</b> <i>i</i> <code>x = 1</code> <del datetime="2012-01-01">old</del> <s>s</s> '
        '<strike>gone</strike> <abbr title="HyperText">HTML</abbr> <q>quote</q> '
        "<cite>A Book</cite>",
    )

    text = shown(client, post, comment)

    assert text.select_one("p > strong").get_text() == "really"
    link = text.select_one("p > a")
    assert link["href"] == "https://shop.example/pricing"
    assert link["rel"] == ["nofollow", "ugc"]
    assert link.get_text() == "pricing"
    assert "https://shop.example/pricing" not in text.get_text()
    quote = text.select_one("blockquote")
    assert quote["cite"] == "https://a.example/"
    assert quote.select_one("p > em").get_text() == "words"
    assert quote.select_one("p br")
    shown_tags = {tag.name for tag in text.find_all(True)}
    assert TAGS - {"strike"} <= shown_tags
    # `<strike>` is obsolete HTML: it shows as `<s>`.
    assert "strike" not in shown_tags
    assert [s.get_text() for s in text.select("s")] == ["s", "gone"]
    assert text.select_one("abbr")["title"] == "HyperText"


def test_other_markup_and_attributes_show_as_text_or_go(client, post):
    comment = approved(
        post,
        '<img src=x onerror="alert(1)"> <b onclick="alert(2)">bold</b> '
        '<a href="javascript:alert(3)">bad</a> <ul><li>item</li></ul> Tom &amp; Jerry <3',
    )

    text = shown(client, post, comment)

    assert not text.select("img, ul, li, [onclick], [onerror]")
    assert text.select_one("b").get_text() == "bold"
    assert not text.select("a")
    assert "bad" in text.get_text()
    assert '<img src=x onerror="alert(1)">' in text.get_text()
    assert "<ul><li>item</li></ul>" in text.get_text()
    assert "Tom & Jerry <3" in text.get_text()


def test_a_reader_posts_formatting_and_akismet_sees_what_they_typed(
    client, send, post, akismet_answers, settings
):
    settings.COMMENT_MODERATION = "first_time"
    send(post, comment=PRICING)

    comment = Comment.objects.get()
    assert comment.content == PRICING
    assert akismet_answers.calls[0]["comment_content"] == PRICING
    comment.status = Status.APPROVED
    comment.save()
    tell_posts_comments_changed([post.pk])

    text = shown(client, post, comment)
    assert text.select_one("strong").get_text() == "really"
    assert text.select_one("a")["href"] == "https://shop.example/pricing"


def test_the_comment_feed_carries_the_formatting(client, post):
    approved(post, PRICING)

    feed = client.get("/comments/feed/").content.decode()

    assert "&lt;strong&gt;really&lt;/strong&gt;" in feed
    assert "https://shop.example/pricing" in feed


def test_plain_text_mail_shows_the_words_and_the_link_not_the_tags(post):
    comment = approved(post, PRICING)

    assert comment.plain_text == "I really like the pricing (https://shop.example/pricing)"
    assert "<strong>" not in str(comment)
    sent = render_to_string(
        "subscriptions/email/follow_up.txt",
        {"comments": [(comment, "https://blog.example/x")], "title": post.title},
    )
    assert "I really like the pricing (https://shop.example/pricing)" in sent


def test_a_tag_written_as_entities_and_a_link_without_a_safe_address_stay_text(client, post):
    comment = approved(
        post,
        'Use <code>&lt;s&gt;</code> instead,\n\nsee <a href="hhttps://typo.example/">this</a>.',
    )

    text = shown(client, post, comment)

    assert text.select_one("code").get_text() == "<s>"
    assert not text.select("s, a")
    assert [p.get_text() for p in text.select("p")] == [
        "Use <s> instead,",
        'see <a href="hhttps://typo.example/">this</a>.',
    ]
