"""Readers report a published comment; enough reports send it back to the editors' queue."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from comments.models import (
    Comment,
    CommentEvent,
    DiscussionSettings,
    ReaderReport,
    Status,
    tell_posts_comments_changed,
)
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"sec-fetch-site": "same-origin"}


@pytest.fixture
def published(post):
    comment = CommentFactory(post=post, status=Status.APPROVED, content="Buy cheap watches here.")
    tell_posts_comments_changed([post.pk])
    return comment


def report(client, comment, why="spam", address="203.0.113.7", headers=SAME_ORIGIN):
    return client.post(
        f"/comments/report/{comment.pk}/", {"why": why}, headers=headers, REMOTE_ADDR=address
    )


def test_each_published_comment_has_a_report_link_and_the_page_stays_shared(client, published):
    page = client.get(published.post.get_absolute_url())

    assert f'href="/comments/report/{published.pk}/"' in page.text
    assert page["Cache-Control"].startswith("public")
    assert "Set-Cookie" not in page.headers


def test_the_editors_preview_of_a_published_comment_has_no_report_link(editor_client, published):
    article = Client().get(published.post.get_absolute_url()).text
    report_link = f'href="/comments/report/{published.pk}/"'

    listed = editor_client.get(reverse("admin:comments_comment_changelist"), {"status": "all"})
    its_page = editor_client.get(reverse("admin:comments_comment_change", args=[published.pk]))

    assert report_link in article
    assert "Buy cheap watches here." in listed.text
    assert report_link not in listed.text
    assert "Buy cheap watches here." in its_page.text
    assert report_link not in its_page.text


def test_a_reader_reports_a_comment_without_an_account_or_a_cookie(client, published):
    form = client.get(f"/comments/report/{published.pk}/")
    thanks = report(client, published)

    assert form.status_code == 200
    assert "Buy cheap watches here." in form.text
    assert "Set-Cookie" not in form.headers
    assert thanks.status_code == 200
    assert "The editors will look at the comment." in thanks.text
    assert "Set-Cookie" not in thanks.headers
    assert ReaderReport.objects.get().why == "spam"
    assert Comment.objects.get().status == Status.APPROVED


def test_enough_readers_send_it_back_to_the_queue_and_the_editors_are_told(
    client, published, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report(client, published, "spam", "203.0.113.1")
        report(client, published, "abuse", "203.0.113.2")
    assert Comment.objects.get().status == Status.APPROVED
    with django_capture_on_commit_callbacks(execute=True):
        report(client, published, "spam", "2001:db8::3")

    held = Comment.objects.get()
    assert held.status == Status.PENDING
    assert held.hold_reason.startswith("Reported by readers (3):")
    event = CommentEvent.objects.filter(comment=held).latest("created_at")
    assert (event.actor_label, event.to_status) == ("readers", Status.PENDING)
    [email] = mail.outbox
    assert email.to == ["mod@example.com"]
    assert "Why it waits: Reported by readers (3)" in email.body
    assert "Buy cheap watches here." not in client.get(published.post.get_absolute_url()).text


def test_one_address_counts_once(client, published):
    for _ in range(3):
        assert report(client, published).status_code == 200

    assert ReaderReport.objects.count() == 1
    assert Comment.objects.get().status == Status.APPROVED


def test_another_sites_page_cannot_report(client, published):
    refused = report(client, published, headers={"sec-fetch-site": "cross-site"})

    assert refused.status_code == 403
    assert not ReaderReport.objects.exists()


def test_an_address_is_slowed_after_ten_reports_an_hour(client, post):
    comments = CommentFactory.create_batch(11, post=post, status=Status.APPROVED)

    answers = [report(client, comment).status_code for comment in comments]

    assert answers == [200] * 10 + [429]
    assert ReaderReport.objects.count() == 10


def test_a_report_must_say_why(client, published):
    answer = report(client, published, why="")

    assert answer.status_code == 400
    assert "Choose why" in answer.text


def test_with_reports_off_there_is_no_link_and_no_form(client, published):
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"report_threshold": 0})

    page = client.get(published.post.get_absolute_url())

    assert "/comments/report/" not in page.text
    assert client.get(f"/comments/report/{published.pk}/").status_code == 404


def test_a_comment_not_published_cannot_be_reported(client, post):
    pending = CommentFactory(post=post, status=Status.PENDING)

    assert client.get(f"/comments/report/{pending.pk}/").status_code == 404
    assert report(client, pending).status_code == 404


def test_once_an_editor_approves_it_again_the_earlier_reports_are_answered(
    client, published, editor_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for address in ["203.0.113.1", "203.0.113.2", "203.0.113.3"]:
            report(client, published, "spam", address)
    assert Comment.objects.get().status == Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(reverse("admin:comments_comment_approve", args=[published.pk]))
    assert Comment.objects.get().status == Status.APPROVED

    with django_capture_on_commit_callbacks(execute=True):
        report(Client(), published, "spam", "203.0.113.4")

    assert Comment.objects.get().status == Status.APPROVED
