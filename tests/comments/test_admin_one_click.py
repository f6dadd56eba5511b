"""The one-click links in the notification email: GET asks, POST acts."""

import pytest
from django.urls import reverse

from comments.models import CommentEvent, Status
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_approve_link_asks_before_it_approves(admin_client):
    comment = CommentFactory(status=Status.PENDING, content="Please <b>approve</b> me")
    url = reverse("admin:comments_comment_approve", args=[comment.pk])

    page = admin_client.get(url)

    assert page.status_code == 200
    assert "Approve this comment?" in page.text
    assert "Please &lt;b&gt;approve&lt;/b&gt; me" in page.text
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_posting_the_approve_link_approves_and_records_who(admin_client, admin_user):
    comment = CommentFactory(status=Status.PENDING)

    response = admin_client.post(reverse("admin:comments_comment_approve", args=[comment.pk]))

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    event = comment.events.get()
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        CommentEvent.Action.APPROVED,
        admin_user,
        Status.PENDING,
        Status.APPROVED,
    )


def test_posting_the_spam_link_moves_the_comment_to_spam(admin_client):
    comment = CommentFactory(status=Status.PENDING)

    admin_client.post(reverse("admin:comments_comment_spam", args=[comment.pk]))

    comment.refresh_from_db()
    assert comment.status == Status.SPAM
    assert comment.events.get().action == CommentEvent.Action.MARKED_SPAM


def test_one_click_links_need_the_moderate_permission(client):
    client.force_login(UserFactory(username="intern", is_staff=True))
    comment = CommentFactory(status=Status.PENDING)

    for name in ("approve", "spam"):
        url = reverse(f"admin:comments_comment_{name}", args=[comment.pk])
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403

    comment.refresh_from_db()
    assert comment.status == Status.PENDING


@pytest.mark.parametrize("object_id", ["abc", "1%2F2", "99999999999999999999"])
@pytest.mark.parametrize("page", ["approve", "spam", "ham", "trash", "change", "history", "delete"])
def test_a_link_with_an_invalid_id_is_not_found(admin_client, object_id, page):
    response = admin_client.get(f"/admin/comments/comment/{object_id}/{page}/")

    assert response.status_code == 404
