"""Data-subject requests in the admin: look up, export as JSON, erase after a confirmation."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from comments.models import Comment, CommentEvent
from tests.comments.moderation_helpers import messages_of
from tests.factories import CommentFactory
from tests.support.people import make_editor

pytestmark = pytest.mark.django_db
LOOKUP = "admin:comments_data_request"


@pytest.fixture
def privacy_client(client):
    officer = make_editor(username="dpo")
    officer.user_permissions.add(Permission.objects.get(codename="handle_data_requests"))
    client.force_login(officer)
    return client


@pytest.fixture
def grace(db):
    mine = CommentFactory.create_batch(2, author_email="grace@example.com", content="Mine.")
    reply = CommentFactory(post=mine[0].post, parent=mine[0], author_email="other@example.com")
    return mine, reply


def test_lookup_says_how_many_comments_and_subscriptions_are_stored(privacy_client, grace):
    page = privacy_client.get(reverse(LOOKUP), {"email": "Grace@Example.com"})

    assert page.status_code == 200
    assert "Stored about Grace@Example.com: 2 comments, 0 subscriptions." in page.text


def test_a_bad_address_is_a_clear_error(privacy_client):
    page = privacy_client.get(reverse(LOOKUP), {"email": "not an address"})

    assert page.status_code == 400
    assert "Enter a valid email address." in page.text


def test_export_downloads_what_export_comments_prints_and_records_no_name(privacy_client, grace):
    response = privacy_client.post(
        reverse("admin:comments_data_export"), {"email": "grace@example.com"}
    )

    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert [item["content"] for item in data["comments"]] == ["Mine.", "Mine."]
    assert data["subscriptions"] == []
    event = CommentEvent.objects.get(action=CommentEvent.Action.DATA_REQUEST)
    assert "grace" not in f"{event.reason} {event.actor_label}".lower()
    assert event.reason == "Export: 2 comments, 0 subscriptions."


def test_erase_asks_first_then_erases_and_keeps_others_replies(privacy_client, grace):
    _mine, reply = grace
    url = reverse("admin:comments_data_erase")

    question = privacy_client.post(url, {"email": "grace@example.com"})
    assert "This will delete 2 comments, 0 subscriptions." in question.text
    assert Comment.objects.filter(author_email="grace@example.com").count() == 2

    done = privacy_client.post(url, {"email": "grace@example.com", "confirm": "yes"}, follow=True)

    assert "Erased 2 comments, 0 subscriptions." in messages_of(done)
    assert not Comment.objects.filter(author_email="grace@example.com").exists()
    reply.refresh_from_db()
    assert reply.parent_id is None
    for event in CommentEvent.objects.filter(comment=None):
        assert "grace" not in f"{event.reason} {event.actor_label}".lower()


def test_data_requests_need_their_own_permission(editor_client, grace):

    assert editor_client.get(reverse(LOOKUP), {"email": "grace@example.com"}).status_code == 403
    response = editor_client.post(
        reverse("admin:comments_data_erase"), {"email": "grace@example.com", "confirm": "yes"}
    )
    assert response.status_code == 403
    assert Comment.objects.filter(author_email="grace@example.com").count() == 2
    export = editor_client.post(
        reverse("admin:comments_data_export"), {"email": "grace@example.com"}
    )
    assert export.status_code == 403
    assert "Content-Disposition" not in export
