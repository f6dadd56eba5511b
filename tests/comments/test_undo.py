"""Undo after Approve, Spam and Trash (a row's button or a bulk action), without JavaScript."""

import html
import re

import pytest
from django.core import signing
from django.urls import reverse

from comments.admin import undo
from comments.models import Comment, CommentEvent, Status, Verdict
from tests.comments.moderation_helpers import messages_of, queue_url, run_action
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("editor_client")]
Action = CommentEvent.Action


def undo_form(page) -> dict:
    """Return the fields of the Undo form the page's message offers."""
    form = re.search(r'<form[^>]*class="undo-form".*?</form>', page.content.decode(), re.S)
    assert form, "the message offers no Undo"
    action = re.search(r'action="([^"]+)"', form.group(0)).group(1)
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(0)))
    return {"url": html.unescape(action), **{k: html.unescape(v) for k, v in fields.items()}}


def row_move(client, comment, move, back):
    url = reverse(f"admin:comments_comment_{move}", args=[comment.pk])
    return client.post(f"{url}?next={back}", {"action": "", "index": 0}, follow=True)


@pytest.mark.parametrize(
    ("move", "start", "moved_to", "said"),
    [
        ("spam", Status.PENDING, Status.SPAM, "1 comment marked as spam."),
        ("trash", Status.APPROVED, Status.TRASH, "1 comment moved to the trash."),
        ("approve", Status.PENDING, Status.APPROVED, "1 comment approved."),
    ],
)
def test_a_row_move_offers_undo_that_puts_the_comment_back(
    client, editor, move, start, moved_to, said
):
    post = PostFactory()
    comment = CommentFactory(post=post, status=start, spam_verdict=Verdict.HAM)
    back = queue_url(status="all")

    page = row_move(client, comment, move, back)

    assert said in " ".join(messages_of(page))
    form = undo_form(page)
    assert form["next"] == back
    comment.refresh_from_db()
    assert comment.status == moved_to

    response = client.post(form["url"], {"undo": form["undo"], "next": form["next"]})

    assert response.status_code == 302
    assert response.url == back
    comment.refresh_from_db()
    assert comment.status == start
    last = comment.events.latest("created_at", "pk")
    assert (last.from_status, last.to_status, last.actor) == (moved_to, start, editor)
    assert last.reason == "Undo."
    assert "Undone: 1 comment is back where it was." in messages_of(client.get(back))
    post.refresh_from_db()
    assert post.comment_count == (1 if start == Status.APPROVED else 0)


def test_undo_of_spam_takes_back_what_akismet_was_told(client, editor):
    comment = CommentFactory(status=Status.PENDING, spam_verdict=Verdict.HAM)

    form = undo_form(row_move(client, comment, "spam", queue_url()))
    client.post(form["url"], {"undo": form["undo"]})

    assert list(comment.reports.order_by("created_at", "pk").values_list("kind", flat=True)) == [
        "spam",
        "ham",
    ]
    assert list(comment.events.values_list("action", flat=True)) == [
        Action.MARKED_SPAM,
        Action.MARKED_HAM,
    ]


def test_a_bulk_action_offers_undo_for_all_it_moved(client, editor):
    comments = CommentFactory.create_batch(3, status=Status.PENDING)

    page = run_action(client, "trash_comments", comments)

    assert "3 comments moved to the trash." in " ".join(messages_of(page))
    form = undo_form(page)
    client.post(form["url"], {"undo": form["undo"]})

    assert {c.status for c in Comment.objects.filter(pk__in=[c.pk for c in comments])} == {
        Status.PENDING
    }


def test_undo_leaves_a_comment_that_moved_since_where_it_is(client, editor):
    kept, moved_on = CommentFactory.create_batch(2, status=Status.PENDING)
    form = undo_form(run_action(client, "spam_comments", [kept, moved_on]))
    # Someone else decides about one of them before the Undo.
    run_action(client, "ham_comments", [moved_on], status="spam")
    run_action(client, "trash_comments", [moved_on], status="all")

    client.post(form["url"], {"undo": form["undo"]})

    said = messages_of(client.get(queue_url()))
    assert "Undone: 1 comment is back where it was." in said
    assert "1 comment was changed since, and is left as it is." in said
    kept.refresh_from_db()
    moved_on.refresh_from_db()
    assert (kept.status, moved_on.status) == (Status.PENDING, Status.TRASH)


def test_undo_twice_changes_nothing_the_second_time(client, editor):
    comment = CommentFactory(status=Status.PENDING)
    form = undo_form(row_move(client, comment, "trash", queue_url()))
    client.post(form["url"], {"undo": form["undo"]})
    events = comment.events.count()

    client.post(form["url"], {"undo": form["undo"]})

    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert comment.events.count() == events


@pytest.mark.parametrize("token", ["", "forged", "eyJtb3ZlIjoic3BhbSJ9:1abc:xyz"])
def test_a_bad_undo_token_is_a_clear_error_and_changes_nothing(client, editor, token):
    comment = CommentFactory(status=Status.SPAM)

    response = client.post(reverse("admin:comments_comment_undo"), {"undo": token}, follow=True)

    assert response.status_code == 200
    assert "That Undo could not be read." in messages_of(response)
    comment.refresh_from_db()
    assert comment.status == Status.SPAM


def test_undo_needs_the_moderate_permission(client, editor):
    comment = CommentFactory(status=Status.PENDING)
    form = undo_form(row_move(client, comment, "spam", queue_url()))
    client.force_login(UserFactory(username="intern", is_staff=True))

    response = client.post(form["url"], {"undo": form["undo"]})

    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == Status.SPAM
    assert client.get(form["url"]).status_code in (403, 405)


def test_the_queues_script_gets_json_and_no_message_is_left_for_the_next_page(client, editor):
    comment = CommentFactory(status=Status.PENDING)
    url = reverse("admin:comments_comment_spam", args=[comment.pk])

    answer = client.post(url, headers={"accept": "application/json"})

    assert answer.status_code == 200
    data = answer.json()
    assert data["messages"] == ["1 comment marked as spam."]
    assert data["move"] == "spam"
    assert messages_of(client.get(queue_url())) == []
    again = client.post(url, headers={"accept": "application/json"})
    assert again.status_code == 409
    assert again.json()["messages"] == ["Nothing changed: the comment is Spam."]

    undone = client.post(
        data["undo_url"], {"undo": data["undo"]}, headers={"accept": "application/json"}
    )

    assert undone.json() == {
        "messages": ["Undone: 1 comment is back where it was."],
        "changed": 1,
        "left": 0,
    }
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    bad = client.post(data["undo_url"], {"undo": "x"}, headers={"accept": "application/json"})
    assert bad.status_code == 400
    assert bad.json()["messages"] == ["That Undo could not be read."]


@pytest.mark.parametrize(
    "content",
    [
        {"move": "nope", "ids": [1], "actor": 1, "since": "2026-01-01T00:00:00+00:00"},
        {"move": "spam", "ids": ["x"], "actor": 1, "since": "2026-01-01T00:00:00+00:00"},
        {"move": "spam", "ids": [1], "actor": 1, "since": "yesterday"},
        ["not", "a", "dict"],
    ],
)
def test_a_signed_token_that_names_no_move_is_refused_the_same_way(client, editor, content):
    token = signing.dumps(content, salt=undo.SALT)

    response = client.post(reverse("admin:comments_comment_undo"), {"undo": token}, follow=True)

    assert response.status_code == 200
    assert "That Undo could not be read." in messages_of(response)
