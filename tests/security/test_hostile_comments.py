"""A corpus of hostile comment submissions, posted through HTTP like a browser or a bot would.

Each one either gets a clear 4xx answer, or is stored and then shows up only as escaped,
inert text: on the post page for its author while pending and for everyone once approved,
in the admin's queue and change page, and in the email that tells editors about it.
"""

import re
from urllib.parse import quote_from_bytes

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core import mail
from django.test import Client

from comments.models import Comment, Status
from comments.workflow import moves
from comments.workflow import writer as workflow
from devstack.stack import comment_form
from tests.factories import CommentFactory, PostFactory
from tests.security.inert import MARKER, assert_inert, visible_text

pytestmark = pytest.mark.django_db

COLUMN = {
    "author": "author_name",
    "email": "author_email",
    "url": "author_url",
    "comment": "content",
}
READER = {"author": "Ada Reader", "email": "ada@example.com", "url": "", "comment": "Hello."}

# Stored as written, and shown only as text. Every payload carries MARKER.
STORED = [
    ("comment", "<script>alert(1)</script>"),
    ("comment", "<img src=x onerror=alert(1)>"),
    ("comment", '<svg/onload=alert(1)><a href="javascript:alert(1)">click</a>'),
    ("comment", "&lt;script&gt;alert(1)&lt;/script&gt; &#x3C;script&#x3E;alert(1)&#60;/script>"),
    ("comment", '<a href="jav&#x09;ascript:alert(1)">tab trick</a> <a href=" data:x">x</a>'),
    ("comment", '"><script>alert(1)</script><div onmouseover="alert(1)">'),
    ("comment", "javascript:alert(1) data:text/html,<b>alert(1)</b> www.example.com"),
    ("comment", "{{ request.META }} {% debug %} {% load static %} {{ 7|add:42 }} alert(1)"),
    ("comment", "'; DROP TABLE comments_comment; -- alert(1) ' OR '1'='1"),
    ("comment", "Control \x07\x08\x1b[31m chars alert(1)\x7f"),
    ("comment", "\u202egnp.exe alert(1) \u202d\u2066isolate\u2069"),
    ("comment", "Z" + "\u0301" * 10_000 + " alert(1)"),
    ("comment", "Line one alert(1)\r\nBcc: victim@example.com\r\n\r\nLine three"),
    ("author", "<script>alert(1)</script>"),
    ("author", '"><img src=x onerror=alert(1)>'),
    ("author", "{{ settings.SECRET_KEY }} alert(1)"),
    ("author", "\u202eredaeR adA alert(1)"),
    ("email", '"<script>alert(1)</script>"@example.com'),
    ("email", '"o\'brien+{{alert(1)}}"@example.com'),
    ("url", 'https://example.com/?q="><script>alert(1)</script>'),
    ("url", "https://example.com/a'onmouseover='alert(1)"),
]

# Refused with 400, the page re-rendered with the error beside the field.
REFUSED = [
    ("url", "javascript:alert(1)"),
    ("url", "JaVaScRiPt:alert(1)"),
    ("url", "data:text/html,<script>alert(1)</script>"),
    ("url", "vbscript:msgbox(alert(1))"),
    ("url", "ftp://example.com/alert(1)"),
    ("url", "https://example.com/" + "a" * 200),
    ("author", "Ada alert(1)\r\nBcc: victim@example.com"),
    ("author", "Ada\nalert(1)"),
    ("email", "ada@example.com\r\nBcc: victim@example.com"),
    ("email", "ada@example.com\nalert(1)"),
    ("author", "NUL\x00alert(1)"),
    ("comment", "NUL byte \x00 alert(1)"),
    ("author", "A" * 246),
    ("email", "a" * 95 + "@example.com"),
    ("comment", "alert(1) " + "x" * 65_525),
]


@pytest.fixture
def article(db):
    return PostFactory(title="Selling vs. Marketing")


def _post(client, post, **fields):
    page = client.get(post.get_absolute_url())
    _action, hidden = comment_form(page.content.decode())
    return client.post(f"/comments/post/{post.pk}/", {**hidden, **READER, **fields})


def _stored_id(response) -> int:
    assert response.status_code == 302, response.content.decode()[:500]
    return int(re.search(r"#comment-(\d+)$", response["Location"]).group(1))


def _shows(soup, field, value):
    """Whether the reader's value is visible as text (or as the name's link target)."""
    if field == "url":
        return any(a.get("href") == value for a in soup.find_all("a"))
    return value.strip() in re.sub(r"\s+", " ", visible_text(soup)) or MARKER in visible_text(soup)


@pytest.mark.parametrize(("field", "value"), STORED)
def test_hostile_input_is_stored_and_shown_escaped_everywhere(
    client, admin_client, article, field, value, django_capture_on_commit_callbacks, a_second_passes
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, article, **{field: value})
    comment = Comment.objects.get(pk=_stored_id(response))
    assert getattr(comment, COLUMN[field]) == value.strip()

    # The author sees their own pending comment, escaped.
    own_view = assert_inert(client.get(article.get_absolute_url()).content.decode())
    assert own_view.find(id=f"comment-{comment.pk}"), "the author does not see their comment"
    if field != "email":
        assert _shows(own_view.find(id=f"comment-{comment.pk}"), field, value)
    assert settings.SECRET_KEY not in str(own_view)

    # Editors see it in the queue and on its change page, escaped.
    queue = assert_inert(
        admin_client.get("/admin/comments/comment/?status=pending").content.decode()
    )
    assert MARKER in str(queue) or field == "url"
    assert_inert(admin_client.get(f"/admin/comments/comment/{comment.pk}/change/").content.decode())

    # The editors' email names it without letting it act.
    assert mail.outbox, "editors were not told about the held comment"
    for message in mail.outbox:
        assert "\n" not in message.subject
        assert "\r" not in message.subject
        # Plain text, so no mail client runs it; the editor reads exactly what was written.
        assert message.content_subtype == "plain"
        assert not getattr(message, "alternatives", [])
        assert MARKER in message.body
        # Nothing the reader wrote added a recipient.
        assert message.recipients() == ["admin@example.com"]

    # Once approved, every reader sees it, escaped.
    workflow.apply_move([comment.pk], moves.APPROVE)
    a_second_passes()
    public = assert_inert(Client().get(article.get_absolute_url()).content.decode())
    shown = public.find(id=f"comment-{comment.pk}")
    assert shown, "the approved comment is not on the page"
    if field != "email":
        assert _shows(shown, field, value)
    assert comment.author_email not in str(public)


@pytest.mark.parametrize(("field", "value"), REFUSED)
def test_hostile_input_that_cannot_be_stored_is_refused_with_400_and_kept(
    client, article, field, value
):
    response = _post(client, article, **{field: value})

    assert response.status_code == 400
    page = assert_inert(response.content.decode())
    assert page.select(".error, .errorlist, [role=alert]"), "no error is shown"
    assert Comment.objects.count() == 0


def test_a_body_larger_than_the_upload_limit_gets_a_clear_400_page(client, article):
    body = "author=Ada&email=ada%40example.com&comment=" + "x" * (
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10
    )
    response = client.generic(
        "POST",
        f"/comments/post/{article.pk}/",
        body,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "too large" in page
    assert "shorten it" in page
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    "raw",
    [
        b"author=Ada&email=ada%40example.com&comment=\xff\xfe broken \xc3( alert(1)",
        b"author=%ED%A0%80Ada&email=ada%40example.com&comment=lone %ED%B0%80 surrogate alert(1)",
        b"author=Ada&email=ada%40example.com&comment=%C0%BCscript%C0%BE overlong alert(1)",
        b"\x00\x01\x02=\xff&author&&==&comment",
    ],
)
def test_invalid_utf8_bodies_get_a_clear_answer_never_a_500(client, article, raw):
    response = client.generic(
        "POST",
        f"/comments/post/{article.pk}/",
        raw,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code in (302, 400)
    if response.status_code == 302:
        comment = Comment.objects.get()
        page = assert_inert(client.get(article.get_absolute_url()).content.decode())
        assert page.find(id=f"comment-{comment.pk}")
    else:
        assert_inert(response.content.decode())


def test_a_comment_on_an_unknown_post_is_404(client):
    response = client.post("/comments/post/987654/", READER)

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_comment_on_a_draft_is_404(client, draft):
    response = client.post(f"/comments/post/{draft.pk}/", READER)

    assert response.status_code == 404
    assert Comment.objects.count() == 0


def test_a_reply_to_a_comment_on_another_post_is_refused_with_403(client, article):
    elsewhere = CommentFactory(post=PostFactory())

    response = _post(client, article, comment_parent=str(elsewhere.pk))

    assert response.status_code == 403
    assert "reply" in response.content.decode().lower()
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("parent", ["-1", "0", "abc", "1e9", "99999999999999999999"])
def test_a_nonsense_parent_gets_a_4xx_never_a_500(client, article, parent):
    response = _post(client, article, comment_parent=parent)

    assert response.status_code in (400, 403)
    assert Comment.objects.count() == 0


def test_a_form_sent_from_another_site_is_refused_with_a_page_saying_what_to_do(article):
    response = _post(Client(HTTP_SEC_FETCH_SITE="cross-site"), article)

    assert response.status_code == 403
    page = response.content.decode()
    assert "another site" in page
    assert_inert(page)
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("form_ts", ["", "forged", "1:abc:def", "x" * 5000])
def test_a_missing_or_forged_form_timestamp_is_held_for_moderation(client, article, form_ts):
    response = _post(client, article, form_ts=form_ts)

    comment = Comment.objects.get(pk=_stored_id(response))
    assert comment.hold_reason == "form timestamp missing or invalid"
    assert comment.status != Status.APPROVED


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete", "head", "options"])
def test_wrong_http_methods_get_405_with_a_clear_page(client, article, method):
    response = getattr(client, method)(f"/comments/post/{article.pk}/")

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    if method != "head":
        assert "only accepts POST" in response.content.decode()
    assert Comment.objects.count() == 0


def test_a_percent_encoded_body_round_trips_every_hostile_byte(client, article):
    hostile = "<script>alert(1)</script> \u202e \u0301"
    body = b"&".join(
        [
            b"author=Ada",
            b"email=ada%40example.com",
            b"comment=" + quote_from_bytes(hostile.encode()).encode(),
        ]
    )

    response = client.generic(
        "POST", f"/comments/post/{article.pk}/", body, "application/x-www-form-urlencoded"
    )

    comment = Comment.objects.get(pk=_stored_id(response))
    assert comment.content == hostile
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    assert not soup.find_all("script", string=re.compile("alert"))
