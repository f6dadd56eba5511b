"""The discussion settings decide where a comment Akismet cleared goes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Comment, CommentEvent, DiscussionSettings, Status, Verdict
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def discussion(db):
    """Discussion settings with manual approval off, so each rule shows on its own."""
    settings = DiscussionSettings.load()
    settings.manual_approval = False
    settings.require_prior_approval = False
    settings.save()
    return settings


def test_manual_approval_is_on_by_default_and_holds_every_comment(send, post, akismet_answers):
    send(post)

    comment = Comment.objects.get()
    assert comment.status == Status.PENDING
    assert comment.spam_verdict == Verdict.HAM
    assert comment.events.last().reason == (
        "Akismet cleared this comment. held: comments must be manually approved"
    )


def test_without_manual_approval_a_cleared_comment_is_approved(
    send, client, post, akismet_answers, discussion
):
    send(post, comment="Visible at once.")

    comment = Comment.objects.get()
    assert comment.status == Status.APPROVED
    assert comment.events.last().reason == "Akismet cleared this comment."
    post.refresh_from_db()
    assert post.comment_count == 1
    assert "Visible at once." in client.get(post.get_absolute_url()).content.decode()


def test_prior_approval_rule_holds_a_first_time_author(send, post, akismet_answers, discussion):
    discussion.require_prior_approval = True
    discussion.save()

    send(post, email="new@example.com", comment="My first words here.")
    CommentFactory(
        post=post,
        author_email="known@example.com",
        status=Status.APPROVED,
        submitted_at=timezone.now() - timedelta(days=1),
    )
    send(post, email="known@example.com", comment="Back again.")

    assert Comment.objects.get(author_email="new@example.com").status == Status.PENDING
    assert Comment.objects.get(content="Back again.").status == Status.APPROVED


def test_comment_with_two_links_is_held(send, post, akismet_answers, discussion):
    send(post, comment="See https://a.example/ and www.b.example for more.")

    comment = Comment.objects.get()
    assert comment.status == Status.PENDING
    assert comment.hold_reason == "2 links"
    assert comment.events.first().reason == "held: 2 links"
    assert comment.events.first().action == CommentEvent.Action.HELD


def test_comment_with_one_link_is_not_held(send, post, akismet_answers, discussion):
    send(post, comment="See https://a.example/ for more.")

    assert Comment.objects.get().status == Status.APPROVED


def test_a_website_and_one_link_in_the_text_are_not_held_as_two_links(
    send, post, akismet_answers, discussion
):
    # As WordPress's check_comment(): only the links in the text count toward
    # comment_max_links; the author's website is not one of them.
    send(post, comment="See https://a.example/ for more.", url="https://cheap.example/")

    comment = Comment.objects.get()
    assert comment.status == Status.APPROVED
    assert comment.hold_reason == ""


def test_link_rule_can_be_turned_off(send, post, akismet_answers, discussion):
    discussion.hold_link_count = 0
    discussion.save()

    send(post, comment="https://a.example/ https://b.example/ https://c.example/")

    assert Comment.objects.get().status == Status.APPROVED


@pytest.mark.parametrize(
    "fields",
    [
        {"comment": "Try the Casino tonight"},
        {"author": "casino king"},
        {"email": "bob@casino.example"},
        {"url": "https://casino.example/"},
        {"headers": {"HTTP_USER_AGENT": "Casino/1.0 (compatible)"}},
    ],
)
def test_moderation_word_anywhere_holds_the_comment(
    send, post, akismet_answers, discussion, fields
):
    discussion.moderation_words = "casino\n"
    discussion.save()

    send(post, **fields)

    comment = Comment.objects.get()
    assert comment.status == Status.PENDING
    assert comment.hold_reason == "moderation word 'casino'"
    assert comment.events.first().reason == "held: moderation word 'casino'"


def test_moderation_word_matches_the_ip_address(send, post, akismet_answers, discussion):
    discussion.moderation_words = "203.0.113.66"
    discussion.save()

    send(post, ip="203.0.113.66")

    assert Comment.objects.get().hold_reason == "moderation word '203.0.113.66'"


def test_moderation_words_match_whole_words_only(send, post, akismet_answers, discussion):
    discussion.moderation_words = "press"
    discussion.save()

    send(post, comment="I love WordPress and pressing matters.")

    assert Comment.objects.get().status == Status.APPROVED


def test_moderation_word_in_stars_matches_inside_words(send, post, akismet_answers, discussion):
    discussion.moderation_words = "*press*"
    discussion.save()

    send(post, comment="I love WordPress.")

    assert Comment.objects.get().hold_reason == "moderation word 'press'"


def test_disallowed_word_sends_the_comment_to_trash_without_akismet(
    send, post, akismet_answers, discussion
):
    discussion.disallowed_words = "viagra"
    discussion.save()

    response = send(post, comment="Cheap VIAGRA here")

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert comment.status == Status.TRASH
    assert comment.hold_reason == "disallowed word 'viagra'"
    assert comment.events.get().action == CommentEvent.Action.TRASHED
    assert akismet_answers.calls == []


def test_disallowed_comment_is_not_shown_to_its_author(send, client, post, discussion):
    discussion.disallowed_words = "viagra"
    discussion.save()

    send(post, comment="Cheap viagra here")

    assert "Cheap viagra" not in client.get(post.get_absolute_url()).content.decode()


def test_editors_comments_are_approved_once_akismet_clears_them(
    send, superuser_client, superuser, post, akismet_answers
):
    send(post, comment="From the editor.")

    comment = Comment.objects.get()
    assert comment.user == superuser
    assert comment.status == Status.APPROVED
    assert akismet_answers.calls[0]["user_role"] == "administrator"
