"""Two gunicorn servers share one database and one Redis cache, as two web containers do.

The duplicate and flood rules, editors' sessions, a reader's view of their own pending
comment, the discussion settings and a page's Last-Modified all hold whichever server a
request lands on.
"""

import re
import threading
import time

import httpx
import pytest
from django.db import connection

from comments.models import Comment, tell_posts_comments_changed
from devstack.stack import comment_form, database_url_for, gunicorn, stack_env
from tests.comments.discussion_helpers import SETTINGS_URL, settings_form
from tests.factories import CommentFactory, UserFactory
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

DUPLICATE = "Duplicate comment detected; it looks as though you’ve already said that!"  # noqa: RUF001
FLOOD = "You are posting comments too quickly. Slow down."
PENDING = "Your comment is awaiting moderation."


@pytest.fixture(scope="module")
def both_servers(django_db_setup, django_db_blocker, redis_cache):
    """Start the two servers once for the module: no test changes how they run."""
    with django_db_blocker.unblock():
        db_url = database_url_for(connection)
    env = stack_env(
        db_url,
        CACHE_URL=redis_cache.url,
        TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",
    )
    with gunicorn(env, workers=2) as one, gunicorn(env, workers=2) as two:
        yield one.url, two.url


@pytest.fixture
def servers(both_servers, shared_cache):
    # Each test's database is new and the cache is emptied (`shared_cache`): nothing the
    # servers kept for the test before (pages, sessions, settings) answers this one.
    return both_servers


def _form(client: httpx.Client, url: str) -> tuple[str, dict]:
    page = client.get(url)
    assert page.status_code == 200
    return comment_form(page.text)


def _reader(n: int) -> dict:
    return {"author": f"Reader {n}", "email": f"reader{n}@example.com", "url": ""}


def test_a_duplicate_sent_to_the_other_server_is_refused_with_409(servers, article):
    one, two = servers
    with httpx.Client(timeout=20) as reader:
        action, hidden = _form(reader, one + article.get_absolute_url())
        comment = {**hidden, **_reader(1), "comment": "Marketing is a conversation."}

        first = reader.post(one + action, data=comment)
        again = reader.post(two + action, data=comment)

    assert first.status_code == 302
    assert again.status_code == 409
    assert DUPLICATE in again.text
    assert Comment.objects.count() == 1


def test_a_flood_split_across_servers_is_refused_with_429(servers, article):
    one, two = servers
    with httpx.Client(timeout=20) as reader:
        action, hidden = _form(reader, one + article.get_absolute_url())
        first = reader.post(one + action, data={**hidden, **_reader(1), "comment": "First."})
        second = reader.post(two + action, data={**hidden, **_reader(1), "comment": "Second."})

    assert first.status_code == 302
    assert second.status_code == 429
    assert FLOOD in second.text
    assert Comment.objects.count() == 1


def test_the_same_comment_sent_at_once_to_both_servers_is_stored_once(servers, article):
    one, two = servers
    answers = []
    with httpx.Client(timeout=20) as reader:
        action, hidden = _form(reader, one + article.get_absolute_url())
    comment = {**hidden, **_reader(2), "comment": "Said twice, at the same moment."}
    start = threading.Barrier(8)

    def send(n):
        with httpx.Client(timeout=30, cookies=reader.cookies) as client:
            start.wait()
            answers.append(client.post((one, two)[n % 2] + action, data=comment).status_code)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers) == [302] + [409] * 7
    assert Comment.objects.count() == 1


def test_an_editor_signed_in_on_one_server_is_signed_in_on_the_other(servers):
    one, two = servers
    UserFactory(username="editor", is_staff=True, is_superuser=True)
    with httpx.Client(timeout=20) as editor:
        login = editor.get(one + "/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        signed_in = editor.post(
            one + "/admin/login/?next=/admin/",
            data={
                "csrfmiddlewaretoken": token,
                "username": "editor",
                "password": "correct horse battery",
            },
        )
        index = editor.get(two + "/admin/")

    assert signed_in.status_code == 302
    assert index.status_code == 200
    assert "Log out" in index.text or "logout" in index.text


def test_a_reader_sees_their_pending_comment_on_the_other_server(servers, article):
    one, two = servers
    with httpx.Client(timeout=20) as reader, httpx.Client(timeout=20) as stranger:
        action, hidden = _form(reader, one + article.get_absolute_url())
        posted = reader.post(
            one + action,
            data={**hidden, **_reader(3), "comment": "Only I can see this for now."},
        )
        own_view = reader.get(two + article.get_absolute_url())
        other_view = stranger.get(two + article.get_absolute_url())

    assert posted.status_code == 302
    assert PENDING in own_view.text
    assert "Only I can see this for now." in own_view.text
    assert "Only I can see this for now." not in other_view.text
    assert PENDING not in other_view.text


def _sign_in(editor: httpx.Client, base_url: str) -> None:
    login = editor.get(base_url + "/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    signed_in = editor.post(
        base_url + "/admin/login/?next=/admin/",
        data={
            "csrfmiddlewaretoken": token,
            "username": "editor",
            "password": "correct horse battery",
        },
    )
    assert signed_in.status_code == 302


def test_discussion_settings_an_editor_saves_on_one_server_hold_on_the_other(servers, article):
    one, two = servers
    UserFactory(username="editor", is_staff=True, is_superuser=True)
    with httpx.Client(timeout=20) as reader, httpx.Client(timeout=20) as editor:
        # The other server has read the settings (into the cache) before they change.
        assert reader.get(two + article.get_absolute_url()).status_code == 200
        _sign_in(editor, one)
        page = editor.get(one + SETTINGS_URL)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        saved = editor.post(
            one + SETTINGS_URL,
            data={**settings_form(require_login=True), "csrfmiddlewaretoken": token},
        )
        assert saved.status_code == 302, saved.text[:1000]

        def closed_page():
            """the other server's page to ask readers to log in"""
            # Readers without cookies share one page a second (blog.public_cache): within the
            # second of the save they may still get the page rendered before it.
            page = reader.get(two + article.get_absolute_url()).text
            return page if 'class="must-log-in"' in page else None

        closed = wait_for(closed_page, timeout=5, every=0.2)

    assert 'id="commentform"' not in closed


def test_a_page_has_one_last_modified_whichever_server_answers(servers, article, shared_cache):
    one, two = servers
    first = httpx.get(one + "/")
    with shared_cache.client() as redis:
        assert redis.keys("*http:seen:*"), "the first-seen date is not in the shared Redis"
    # A later second: a server that had not seen the page would date it now.
    time.sleep(1.1 - time.time() % 1)
    answers = [httpx.get(two + "/"), httpx.get(one + "/"), httpx.get(two + "/")]

    assert first.status_code == 200
    assert {a.headers["Last-Modified"] for a in answers} == {first.headers["Last-Modified"]}
    again = httpx.get(two + "/", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert again.status_code == 304


def test_a_thread_cached_by_one_server_shows_a_new_comment_on_both(servers, article):
    one, two = servers
    url = article.get_absolute_url()
    CommentFactory(post=article, content="First in the thread.")
    tell_posts_comments_changed([article.pk])
    assert "First in the thread." in httpx.get(one + url).text  # now in the shared cache

    CommentFactory(post=article, content="Second in the thread.")
    tell_posts_comments_changed([article.pk])
    # A shared page is kept for its second: the next one shows the change.
    time.sleep(1.1 - time.time() % 1)
    pages = [httpx.get(base + url).text for base in (two, one)]

    assert all("First in the thread." in page for page in pages)
    assert all("Second in the thread." in page for page in pages)
