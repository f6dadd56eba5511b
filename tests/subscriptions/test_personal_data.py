"""Subscriptions are personal data: exported, erased and forgotten with the reader's comments."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from comments.models import Comment
from subscriptions import deliveries, subscriber_data
from subscriptions.models import Delivery, Subscription
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

READER = "Grace@Example.com"


@pytest.fixture
def subscribed(send, post, approve):
    response = send(post, email=READER, subscribe_comments="yes", notify_approval="yes")
    assert response.status_code == 302
    return Subscription.objects.get(kind=Subscription.Kind.APPROVAL).comment


def test_export_comments_includes_the_subscriptions_and_the_emails_sent(subscribed, post):
    out = StringIO()
    call_command("export_comments", email="grace@example.com", stdout=out)

    exported = json.loads(out.getvalue())
    [comment] = exported["comments"]
    kinds = {s["kind"]: s for s in exported["subscriptions"]}
    assert {s["comment"] for s in kinds.values()} == {comment["id"]}
    assert set(kinds) == {"approval", "follow_ups"}
    follow_ups = kinds["follow_ups"]
    assert follow_ups["email"] == "grace@example.com"
    assert follow_ups["post"] == post.title
    assert follow_ups["confirmed_at"] is None
    assert [e["kind"] for e in follow_ups["emails"]] == ["confirmation"]
    assert follow_ups["emails"][0]["state"] == "sent"


def test_erase_comments_deletes_the_subscriptions_and_their_email_records(subscribed):
    assert subscriber_data.for_email("GRACE@example.com").count() == 2

    call_command("erase_comments", email="grace@example.com", yes=True, stdout=StringIO())

    assert not Subscription.objects.exists()
    assert not Delivery.objects.exists()


def test_retention_forgets_expired_requests_and_old_email_records(subscribed, approve):
    approve(subscribed)
    # The confirmation request only: an unconfirmed address gets no approval notice either.
    assert len([m for m in mail.outbox if m.to == ["grace@example.com"]]) == 1
    month_ago = timezone.now() - timedelta(days=31)
    Subscription.objects.update(requested_at=month_ago)
    Delivery.objects.update(created_at=month_ago)

    assert deliveries.prune_subscriptions.call() == {
        "expired_requests": 2,
        "answered_approval_requests": 0,
        "old_emails": 0,  # they went with their subscriptions
    }
    assert not Subscription.objects.exists()
    assert not Delivery.objects.exists()


def test_erase_comments_erases_the_subscriptions_of_an_address_that_wrote_no_comment(post):
    # The reader changed their comment's address after asking for email: the subscription
    # still holds the old one, which no comment carries any more.
    comment = CommentFactory(post=post, author_email="new@example.com")
    Subscription.objects.create(
        kind=Subscription.Kind.FOLLOW_UPS, email="old@example.com", post=post, comment=comment
    )
    out = StringIO()

    call_command("erase_comments", email="old@example.com", yes=True, stdout=out)

    assert out.getvalue().strip() == "Deleted 0 comments, 1 subscription."
    assert not Subscription.objects.exists()
    assert Comment.objects.filter(pk=comment.pk).exists()
