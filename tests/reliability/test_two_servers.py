"""Two gunicorn servers share one database and one cache, as two web containers would.

The duplicate and flood rules, editors' sessions and a reader's view of their own pending
comment all hold whichever server a request lands on.
"""

import re
import threading

import httpx
import pytest
from django.db import connection

from comments.models import Comment
from tests.factories import PostFactory, UserFactory
from tests.harness.stack import comment_form, database_url_for, gunicorn, stack_env

pytestmark = pytest.mark.django_db(transaction=True)

DUPLICATE = "Duplicate comment detected; it looks as though you’ve already said that!"  # noqa: RUF001
FLOOD = "You are posting comments too quickly. Slow down."
PENDING = "Your comment is awaiting moderation."


@pytest.fixture
def servers(tmp_path):
    env = stack_env(
        database_url_for(connection),
        CACHE_URL=f"filecache://{tmp_path / 'cache'}",
        TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",
    )
    with gunicorn(env, workers=2) as one, gunicorn(env, workers=2) as two:
        yield one.url, two.url


@pytest.fixture
def article(db):
    return PostFactory(title="Selling vs. Marketing")


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
