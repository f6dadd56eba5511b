"""What readers and editors get through the real proxy: nginx with deploy/nginx/ in front of
gunicorn, as docker compose runs them."""

import functools
import re
import time

import httpx
import pytest

from comments.models import Comment, Status
from comments.workflow import moves
from comments.workflow import writer as workflow
from devstack.stack import comment_form
from tests.factories import CommentFactory, UserFactory
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

FRESHNESS_LIMIT = 1.0
POLL = 0.02
FORM_TS = re.compile(r'name="form_ts" value="[^"]*"')


@functools.cache
def readers() -> httpx.Client:
    """Return one HTTP client for every cookieless read: building one costs tens of ms."""
    return httpx.Client(timeout=10)


def cookieless_get(proxy, path: str) -> httpx.Response:
    """GET as a reader without cookies: nothing the last answer set is sent back."""
    client = readers()
    client.cookies.clear()
    return client.get(proxy.url + path)


def warm(proxy, path: str, *, within: float = 5) -> httpx.Response:
    """Read until nginx answers from its cache; return that answer."""
    deadline = time.monotonic() + within
    while True:
        answer = cookieless_get(proxy, path)
        if answer.headers.get("X-Cache-Status") == "HIT":
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(
                f"nginx never served {path} from its cache: last answer "
                f"{answer.status_code}, X-Cache-Status {answer.headers.get('X-Cache-Status')!r}, "
                f"Cache-Control {answer.headers.get('Cache-Control')!r}, "
                f"Set-Cookie {answer.headers.get('Set-Cookie')!r}"
            )
        time.sleep(0.05)


def without_form_timestamp(html: str) -> str:
    """Return the page without the comment form's signed timestamp, the one per-second part."""
    return FORM_TS.sub('name="form_ts" value=""', html)


def cached_until_mid_second(proxy, path: str) -> httpx.Response:
    """Have nginx cache `path` afresh early in a second, and return before 0.75 of it.

    A retry skips a whole second, so a copy kept from the try before has expired even if
    nginx kept it a second too long: the copy answered is always this second's.
    """
    start_at = 1.5
    for _ in range(5):
        time.sleep(start_at - time.time() % 1)
        second = int(time.time())
        answer = warm(proxy, path)
        now = time.time()
        if int(now) == second and now % 1 < 0.75:
            return answer
        start_at = 2.5
    raise AssertionError(f"nginx took over a quarter of a second to cache {path}, 5 times")


def post_comment(proxy, post, text: str, headers: dict | None = None) -> httpx.Response:
    """Post a comment through nginx as a reader's browser does, from the article's form."""
    with httpx.Client(base_url=proxy.url, timeout=10) as browser:
        page = browser.get(post.get_absolute_url())
        action, hidden = comment_form(page.text)
        return browser.post(
            action,
            data={
                **hidden,
                "author": "Reader Through Proxy",
                "email": "proxy-reader@example.com",
                "url": "",
                "comment": text,
            },
            headers={"Sec-Fetch-Site": "same-origin", "Origin": proxy.url, **(headers or {})},
        )


def log_in(proxy, username: str, password: str) -> httpx.Client:
    """Sign in at /admin/ through nginx; return the signed-in browser."""
    browser = httpx.Client(base_url=proxy.url, timeout=10)
    form = browser.get("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]
    answer = browser.post(
        "/admin/login/?next=/admin/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password},
    )
    assert answer.status_code == 302, answer.text[:500]
    return browser


def test_a_reader_without_cookies_gets_the_article_from_the_proxy_cache(proxy, seed_post):
    first = cookieless_get(proxy, seed_post.get_absolute_url())
    assert first.status_code == 200
    assert "set-cookie" not in first.headers

    cached = warm(proxy, seed_post.get_absolute_url())

    # The copy nginx keeps may be a later second's page: only its form timestamp differs.
    assert without_form_timestamp(cached.text) == without_form_timestamp(first.text)
    assert FORM_TS.search(cached.text)
    assert "public" in cached.headers["Cache-Control"]


def test_an_approval_reaches_readers_without_cookies_within_a_second(proxy, seed_post):
    comment = CommentFactory(
        post=seed_post, status=Status.PENDING, content="Approved while the page was cached."
    )
    path = seed_post.get_absolute_url()
    # Approve while the cached copies (nginx's, gunicorn's) of this second are current. Once
    # that second ends, nginx may hand out its old copy only as STALE or UPDATING while it
    # fetches the new page; a copy kept a second too long would still be a HIT. Judged by
    # the second and the cache status, not a stopwatch: a loaded machine's slow answer is no
    # failure.
    assert comment.content not in cached_until_mid_second(proxy, path).text
    cached_second = int(time.time())

    workflow.apply_move([comment.pk], moves.APPROVE)
    wait_for(
        lambda: time.time() >= cached_second + FRESHNESS_LIMIT,
        every=POLL,
        what="the cached copies' second to end",
    )
    old_copies = []

    def approval_shown():
        answer = cookieless_get(proxy, path)
        if comment.content in answer.text:
            return True
        old_copies.append(answer.headers.get("X-Cache-Status"))
        return False

    wait_for(approval_shown, timeout=30, every=POLL, what="the approval to reach readers")

    assert set(old_copies) <= {"STALE", "UPDATING"}, f"old copies after their second: {old_copies}"


def test_a_pending_comment_shows_to_its_author_at_once(proxy, seed_post):
    path = seed_post.get_absolute_url()
    warm(proxy, path)

    with httpx.Client(base_url=proxy.url, timeout=10) as author:
        action, hidden = comment_form(author.get(path).text)
        sent = author.post(
            action,
            data={
                **hidden,
                "author": "Patient Reader",
                "email": "patient@example.com",
                "url": "",
                "comment": "Waiting for an editor, and I can see it already.",
            },
            headers={"Sec-Fetch-Site": "same-origin", "Origin": proxy.url},
        )
        assert sent.status_code == 302, sent.text[:500]
        own = author.get(path)

    assert own.headers.get("X-Cache-Status") == "BYPASS"
    assert "Waiting for an editor, and I can see it already." in own.text
    assert "Your comment is awaiting moderation." in own.text
    others = cookieless_get(proxy, path)
    assert "Waiting for an editor" not in others.text


def test_a_signed_in_editor_never_gets_a_cached_page(proxy, seed_post):
    UserFactory(username="proxy-editor", is_staff=True, is_superuser=True)
    path = seed_post.get_absolute_url()
    warm(proxy, path)

    editor = log_in(proxy, "proxy-editor", "correct horse battery")
    try:
        answers = [editor.get(path) for _ in range(3)]
    finally:
        editor.close()

    assert [a.headers.get("X-Cache-Status") for a in answers] == ["BYPASS"] * 3
    assert all("public" not in a.headers.get("Cache-Control", "") for a in answers)


def test_a_readers_own_x_forwarded_for_never_reaches_django_as_their_address(proxy, seed_post):
    answer = post_comment(
        proxy,
        seed_post,
        "Where am I really?",
        headers={"X-Forwarded-For": "203.0.113.66, 198.51.100.7"},
    )

    assert answer.status_code == 302, answer.text[:500]
    stored = Comment.objects.get(content="Where am I really?")
    assert stored.ip_address == "127.0.0.1"


def test_the_admin_is_never_cached(proxy, seed_post):
    answers = [cookieless_get(proxy, "/admin/login/") for _ in range(3)]

    assert all(a.status_code == 200 for a in answers)
    assert all("X-Cache-Status" not in a.headers for a in answers)
    # Each answer came from Django: each carries a CSRF cookie of its own.
    tokens = {a.cookies.get("csrftoken") for a in answers}
    assert len(tokens) == 3
    assert None not in tokens


def test_the_admins_pages_come_compressed(proxy, seed_post):
    UserFactory(username="proxy-editor", is_staff=True, is_superuser=True)
    CommentFactory.create_batch(30, post=seed_post, status=Status.APPROVED)
    reader = cookieless_get(proxy, seed_post.get_absolute_url())

    editor = log_in(proxy, "proxy-editor", "correct horse battery")
    try:
        answer = editor.get("/admin/comments/comment/?status=approved")
    finally:
        editor.close()

    assert answer.status_code == 200
    assert "Approved" in answer.text
    assert answer.headers.get("Content-Encoding") == "gzip"
    assert reader.headers.get("Content-Encoding") == "gzip"


def test_a_comment_post_is_never_cached(proxy, seed_post):
    answer = post_comment(proxy, seed_post, "Posted once, answered once.")

    assert answer.status_code == 302, answer.text[:500]
    assert answer.headers.get("X-Cache-Status") in (None, "BYPASS")
    assert Comment.objects.filter(content="Posted once, answered once.").count() == 1


def test_static_files_with_a_content_hash_are_kept_for_a_year(proxy):
    hashed = httpx.get(proxy.url + "/static/blog/site.0123456789ab.css")
    plain = httpx.get(proxy.url + "/static/robots.txt")

    assert hashed.status_code == 200
    assert hashed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert plain.status_code == 200
    assert plain.headers["Cache-Control"] == "public, max-age=3600"
