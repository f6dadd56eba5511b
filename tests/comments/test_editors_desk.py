"""The editor's desk in the queue: row actions, Reply, Approve and reply, Quick edit."""

import re

import pytest
from django.urls import reverse

from comments.models import CommentEvent, Status, Verdict
from tests.comments.moderation_helpers import messages_of, queue_url
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db
Action = CommentEvent.Action


def row_of(page, comment) -> str:
    """Return the queue row that shows `comment`."""
    for row in re.findall(r"<tr>.*?</tr>", page.text, re.S):
        if f"/comment/{comment.pk}/change/" in row:
            return row
    raise AssertionError(f"comment {comment.pk} is not in the queue")


def test_each_row_in_the_queue_offers_its_one_click_moves(editor_client):
    comment = CommentFactory(status=Status.PENDING)

    row = row_of(editor_client.get(queue_url()), comment)

    for label in ("Approve", "Spam", "Trash", "Approve and reply", "Reply", "Quick edit"):
        assert f">{label}</" in row
    assert "Delete permanently" not in row
    assert f'formaction="/admin/comments/comment/{comment.pk}/approve/?next=' in row


def test_rows_in_spam_and_trash_offer_their_own_moves(editor_client):
    spam = CommentFactory(status=Status.SPAM)
    trash = CommentFactory(status=Status.TRASH)

    spam_row = row_of(editor_client.get(queue_url(status="spam")), spam)
    trash_row = row_of(editor_client.get(queue_url(status="trash")), trash)

    assert ">Not spam<" in spam_row
    assert ">Delete permanently<" in spam_row
    assert ">Restore<" in trash_row
    assert ">Delete permanently<" in trash_row
    for row in (spam_row, trash_row):
        assert ">Reply<" not in row
        assert ">Approve<" not in row


def test_the_approve_button_approves_records_and_returns_to_the_same_folder(editor_client):
    comment = CommentFactory(status=Status.PENDING)
    back = queue_url(status="pending")

    response = editor_client.post(
        reverse("admin:comments_comment_approve", args=[comment.pk]) + f"?next={back}",
        # The changelist's own form comes along with the button.
        {"action": "", "index": 0},
    )

    assert response.status_code == 302
    assert response.url == back
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    event = comment.events.get()
    assert (event.action, event.actor) == (Action.APPROVED, editor_client.editor)
    page = editor_client.get(response.url)
    assert "1 comment approved." in messages_of(page)


def test_the_spam_button_owes_akismet_a_report_like_the_bulk_action(editor_client):
    comment = CommentFactory(status=Status.PENDING, spam_verdict=Verdict.HAM)

    editor_client.post(reverse("admin:comments_comment_spam", args=[comment.pk]))

    comment.refresh_from_db()
    assert comment.status == Status.SPAM
    assert comment.reports.get().kind == "spam"


def test_next_never_leads_off_the_site(editor_client):
    comment = CommentFactory(status=Status.PENDING)

    response = editor_client.post(
        reverse("admin:comments_comment_trash", args=[comment.pk]) + "?next=https://evil.example/"
    )

    assert response.url == reverse("admin:comments_comment_changelist")


def test_delete_permanently_deletes_one_spam_comment_and_keeps_others(editor_client):
    doomed = CommentFactory(status=Status.SPAM)
    other = CommentFactory(status=Status.SPAM)

    response = editor_client.post(
        reverse("admin:comments_comment_delete_permanently", args=[doomed.pk]), follow=True
    )

    assert "1 comment deleted permanently." in messages_of(response)
    assert not type(doomed).objects.filter(pk=doomed.pk).exists()
    assert type(other).objects.filter(pk=other.pk).exists()


def test_delete_permanently_refuses_an_approved_comment(editor_client):
    comment = CommentFactory(status=Status.APPROVED)

    url = reverse("admin:comments_comment_delete_permanently", args=[comment.pk])

    assert editor_client.post(url).status_code == 403
    assert editor_client.get(url).status_code == 405
    assert type(comment).objects.filter(pk=comment.pk).exists()


def test_reply_page_shows_the_articles_form_prefilled_with_the_editor(editor_client, settings):
    settings.AKISMET_API_KEY = "test-key"
    comment = CommentFactory(status=Status.APPROVED, author_name="Rita Reader")

    page = editor_client.get(reverse("admin:comments_comment_reply", args=[comment.pk]))

    assert page.status_code == 200
    assert "Reply to Rita Reader" in page.text
    assert 'value="Eddie Editor"' in page.text
    assert 'value="eddie@example.com"' in page.text
    assert "Required fields are marked" in page.text
    assert "Learn how your comment data is processed." in page.text
    assert 'href="https://akismet.com/privacy/"' in page.text
    assert 'name="csrfmiddlewaretoken"' in page.text


def test_the_reply_form_leaves_out_the_readers_own_boxes(editor_client):
    comment = CommentFactory(status=Status.APPROVED)

    page = editor_client.get(reverse("admin:comments_comment_reply", args=[comment.pk]))
    article = editor_client.get(comment.post.get_absolute_url())

    for box in ("wp-comment-cookies-consent", "subscribe_comments", "notify_approval"):
        assert f'name="{box}"' not in page.text
        assert f'name="{box}"' in article.text
    assert 'type="reset" value="clear form"' in page.text


def test_approve_and_reply_approves_the_parent_and_publishes_the_reply_threaded(
    editor_client, django_capture_on_commit_callbacks
):
    parent = CommentFactory(status=Status.PENDING, author_name="Rita Reader")
    url = reverse("admin:comments_comment_approve_reply", args=[parent.pk])
    form = editor_client.get(url)
    ts = re.search(r'name="form_ts" value="([^"]+)"', form.text).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            url,
            {
                "author": "Eddie Editor",
                "email": "eddie@example.com",
                "url": "",
                "comment": "Thank you, Rita: a fair point.",
                "comment_parent": parent.pk,
                "form_ts": ts,
            },
            follow=True,
        )

    assert "1 comment approved." in messages_of(response)
    assert "Your reply to Rita Reader is published." in messages_of(response)
    parent.refresh_from_db()
    assert parent.status == Status.APPROVED
    reply = parent.replies.get()
    assert (reply.status, reply.user, reply.content) == (
        Status.APPROVED,
        editor_client.editor,
        "Thank you, Rita: a fair point.",
    )
    assert list(parent.events.values_list("action", flat=True)) == [Action.APPROVED, Action.REPLIED]
    assert Action.APPROVED in reply.events.values_list("action", flat=True)
    # Sent the moment the form was shown: an editor's quick answer is not held as a bot's.
    assert reply.hold_reason == ""
    article = editor_client.get(parent.post.get_absolute_url())
    thread = article.text
    assert thread.index(f'id="comment-{parent.pk}"') < thread.index(f'id="comment-{reply.pk}"')
    assert '<ol class="children">' in thread


def test_a_refused_reply_leaves_the_parent_pending_and_keeps_what_was_typed(editor_client):
    parent = CommentFactory(status=Status.PENDING)

    response = editor_client.post(
        reverse("admin:comments_comment_approve_reply", args=[parent.pk]),
        {"author": "Eddie", "email": "not-an-email", "comment": "Kept, every word."},
    )

    assert response.status_code == 400
    assert "Please enter a valid email address." in response.text
    assert "Kept, every word." in response.text
    parent.refresh_from_db()
    assert parent.status == Status.PENDING
    assert not parent.replies.exists()


def test_the_editors_reply_goes_to_akismet_as_an_administrator(
    editor_client, akismet_answers, django_capture_on_commit_callbacks
):
    parent = CommentFactory(status=Status.APPROVED)

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("admin:comments_comment_reply", args=[parent.pk]),
            {"author": "Eddie", "email": "eddie@example.com", "comment": "Noted, thanks."},
        )

    (call,) = akismet_answers.calls
    assert call["user_role"] == "administrator"
    assert call["comment_type"] == "reply"
    reply = parent.replies.get()
    assert (reply.status, reply.spam_verdict) == (Status.APPROVED, Verdict.HAM)


def test_no_reply_to_spam(editor_client):
    parent = CommentFactory(status=Status.SPAM)

    response = editor_client.post(
        reverse("admin:comments_comment_reply", args=[parent.pk]),
        {"author": "Eddie", "email": "eddie@example.com", "comment": "Hello"},
        follow=True,
    )

    assert "restore it first" in " ".join(messages_of(response))
    assert not parent.replies.exists()


def test_quick_edit_saves_records_and_rechecks_changed_text(
    editor_client, akismet_answers, django_capture_on_commit_callbacks
):
    comment = CommentFactory(status=Status.PENDING, spam_verdict=Verdict.HAM)
    url = reverse("admin:comments_comment_quick_edit", args=[comment.pk])
    assert 'name="content"' in editor_client.get(url).text

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            url,
            {
                "author_name": comment.author_name,
                "author_email": comment.author_email,
                "author_url": "https://example.org/",
                "content": "Edited: now without the link.",
            },
            follow=True,
        )

    assert f"Comment by {comment.author_name} saved." in messages_of(response)
    comment.refresh_from_db()
    assert comment.content == "Edited: now without the link."
    event = comment.events.get(action=Action.EDITED)
    assert "website" in event.reason
    assert "comment" in event.reason
    assert akismet_answers.calls[-1]["recheck_reason"] == "edit"


def test_quick_edit_with_a_bad_email_says_so(editor_client):
    comment = CommentFactory(status=Status.PENDING)

    response = editor_client.post(
        reverse("admin:comments_comment_quick_edit", args=[comment.pk]),
        {"author_name": "X", "author_email": "nope", "content": "Text"},
    )

    assert response.status_code == 400
    assert "Enter a valid email address." in response.text


def test_desk_pages_need_the_moderate_permission(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="intern", is_staff=True))
    comment = CommentFactory(status=Status.PENDING)

    for name in ("reply", "approve_reply", "quick_edit"):
        assert (
            client.get(reverse(f"admin:comments_comment_{name}", args=[comment.pk])).status_code
            == 403
        )


def test_the_queue_shows_each_comment_as_readers_will_see_it(editor_client):
    comment = CommentFactory(
        status=Status.PENDING,
        author_name="Lina Link",
        author_url="https://lina.example/",
        content="See https://example.org/page for <b>more</b>.",
    )

    row = row_of(editor_client.get(queue_url()), comment)

    lina = '<a href="https://lina.example/" class="url" rel="nofollow ugc"><bdi>Lina Link</bdi></a>'
    assert lina in row
    assert (
        '<a href="https://example.org/page" rel="nofollow ugc">https://example.org/page</a>' in row
    )
    # <b> is one of the tags WordPress allows in comments (comments.rules.markup).
    assert "<b>more</b>" in row
    assert '<time datetime="' in row
    assert '<article class="comment-body">' in row


def test_the_comment_page_shows_it_as_readers_will_see_it_with_reply(editor_client):
    comment = CommentFactory(status=Status.PENDING, author_name="Paula Page")

    page = editor_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))

    assert "As readers see it" in page.text
    assert '<article class="comment-body">' in page.text
    assert f"/admin/comments/comment/{comment.pk}/approve-and-reply/" in page.text
    assert f"/admin/comments/comment/{comment.pk}/reply/" in page.text


def test_a_comments_admin_history_page_opens(admin_client):
    comment = CommentFactory()

    response = admin_client.get(f"/admin/comments/comment/{comment.pk}/history/")

    assert response.status_code == 200
