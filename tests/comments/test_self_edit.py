"""A reader can fix a typo in their own comment, from the same browser, for a few minutes."""

from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.intake import cookies
from comments.models import Comment, CommentEvent, DiscussionSettings, Status
from tests.factories import CommentFactory, UserFactory
from tests.support.people import make_editor

pytestmark = pytest.mark.django_db

FIXED = {
    "author": "Grace Reader",
    "email": "grace@example.com",
    "url": "",
    "comment": "Marketing is a conversation, not a broadcast. (Fixed.)",
}


@pytest.fixture
def approved_directly(akismet_answers):
    """Akismet says ham and manual approval is off: a reader's comment goes live at once."""
    discussion = DiscussionSettings.load()
    discussion.manual_approval = False
    discussion.require_prior_approval = False
    discussion.save()
    return akismet_answers


@pytest.fixture
def mine(send, post, client, approved_directly):
    """The reader's own comment, just posted and approved, with its cookie in `client`."""
    send(post, comment="Marketing is a convresation, not a broadcast.")
    comment = Comment.objects.get()
    assert comment.status == Status.APPROVED
    return comment


def edit_url(comment) -> str:
    return reverse("comments:edit", args=[comment.pk])


def save_edit(http_client, mine, django_capture_on_commit_callbacks, **changes):
    with django_capture_on_commit_callbacks(execute=True):
        return http_client.post(edit_url(mine), {**FIXED, **changes})


def posted_ago(comment, delta) -> None:
    Comment.objects.filter(pk=comment.pk).update(submitted_at=timezone.now() - delta)


def test_the_author_sees_an_edit_link_and_a_prefilled_form(client, post, mine):
    page = client.get(post.get_absolute_url()).content.decode()
    assert f'href="{edit_url(mine)}"' in page

    form = client.get(edit_url(mine))

    assert form.status_code == 200
    assert "Marketing is a convresation, not a broadcast." in form.content.decode()
    assert 'value="Grace Reader"' in form.content.decode()
    assert "no-store" in form["Cache-Control"]


def test_other_readers_never_see_the_edit_link(client, post, mine):
    assert f'href="{edit_url(mine)}"' in client.get(post.get_absolute_url()).content.decode()

    page = Client().get(post.get_absolute_url()).content.decode()

    assert "Marketing is a convresation, not a broadcast." in page
    assert "/comments/edit/" not in page


def test_an_edit_within_the_window_shows_the_new_text(
    client, post, mine, django_capture_on_commit_callbacks
):
    posted_ago(mine, timedelta(minutes=10) - timedelta(seconds=5))

    response = save_edit(client, mine, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{mine.pk}")
    for reader in (client, Client()):
        page = reader.get(post.get_absolute_url()).content.decode()
        assert "not a broadcast. (Fixed.)" in page
        assert "convresation" not in page


def test_one_second_after_the_window_the_edit_is_refused(
    client, post, mine, django_capture_on_commit_callbacks
):
    posted_ago(mine, timedelta(minutes=10, seconds=1))

    form = client.get(edit_url(mine))
    response = save_edit(client, mine, django_capture_on_commit_callbacks)

    assert form.status_code == 403
    assert "The time to edit this comment is over" in form.content.decode()
    assert response.status_code == 403
    assert Comment.objects.get().content == "Marketing is a convresation, not a broadcast."
    assert "/comments/edit/" not in client.get(post.get_absolute_url()).content.decode()


def test_the_window_follows_the_setting(client, mine, settings):
    posted_ago(mine, timedelta(minutes=3))
    assert client.get(edit_url(mine)).status_code == 200

    settings.COMMENTS_EDIT_MINUTES = 2

    assert client.get(edit_url(mine)).status_code == 403


def test_from_another_browser_the_edit_is_refused(mine, django_capture_on_commit_callbacks):
    other = Client()

    form = other.get(edit_url(mine))
    response = save_edit(other, mine, django_capture_on_commit_callbacks)

    assert form.status_code == 403
    assert "only edit a comment you posted from this browser" in form.content.decode()
    assert response.status_code == 403
    assert Comment.objects.get().content == "Marketing is a convresation, not a broadcast."


def test_a_cookie_changed_to_name_someone_elses_comment_is_refused(
    client, post, mine, django_capture_on_commit_callbacks
):
    theirs = CommentFactory(post=post, status=Status.APPROVED, content="Someone else's words.")
    value = client.cookies[cookies.PENDING_COOKIE].value
    assert value.startswith(f"{mine.pk}:")
    client.cookies[cookies.PENDING_COOKIE] = f"{theirs.pk}" + value[len(str(mine.pk)) :]

    response = save_edit(client, theirs, django_capture_on_commit_callbacks)

    assert response.status_code == 403
    assert Comment.objects.get(pk=theirs.pk).content == "Someone else's words."


def test_a_cookie_signed_with_another_key_is_refused(mine):
    forged = Client()
    salt = cookies.PENDING_COOKIE + cookies.PENDING_SALT
    signer = signing.TimestampSigner(key="not-the-sites-secret-key", salt=salt)
    forged.cookies[cookies.PENDING_COOKIE] = signer.sign(str(mine.pk))

    response = forged.get(edit_url(mine))

    assert response.status_code == 403
    assert "only edit a comment you posted from this browser" in response.content.decode()


def test_an_edit_with_a_disallowed_word_waits_and_the_approved_text_stays(
    client, post, mine, django_capture_on_commit_callbacks
):
    discussion = DiscussionSettings.load()
    discussion.disallowed_words = "viagra"
    discussion.save()

    response = save_edit(
        client, mine, django_capture_on_commit_callbacks, comment="Cheap viagra here."
    )

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert comment.status == Status.APPROVED
    assert comment.proposed_edit.hold_reason == "disallowed word 'viagra'"
    page = Client().get(post.get_absolute_url()).text
    assert "Cheap viagra" not in page
    assert "convresation" in page


def test_a_pending_comment_edited_with_a_disallowed_word_goes_to_the_trash(
    send, client, post, akismet_answers, django_capture_on_commit_callbacks
):
    send(post, comment="Marketing is a convresation, not a broadcast.")
    pending = Comment.objects.get()
    discussion = DiscussionSettings.load()
    discussion.disallowed_words = "viagra"
    discussion.save()

    save_edit(client, pending, django_capture_on_commit_callbacks, comment="Cheap viagra here.")

    comment = Comment.objects.get()
    assert comment.status == Status.TRASH
    assert comment.hold_reason == "disallowed word 'viagra'"


LINKS = "See https://a.example/ and https://b.example/ please."


def test_an_approved_comment_edited_to_two_links_keeps_its_approved_text_while_the_edit_waits(
    client, post, mine, django_capture_on_commit_callbacks, a_second_passes
):
    assert "convresation" in Client().get(post.get_absolute_url()).content.decode()

    save_edit(client, mine, django_capture_on_commit_callbacks, comment=LINKS)
    a_second_passes()

    comment = Comment.objects.get()
    post.refresh_from_db()
    assert comment.status == Status.APPROVED
    assert comment.proposed_edit.hold_reason == "2 links"
    assert post.comment_count == 1
    page = Client().get(post.get_absolute_url()).content.decode()
    assert "a.example" not in page
    assert "convresation" in page
    # Its author sees the approved text too, and that the edit waits.
    assert "Your edit is awaiting moderation" in client.get(post.get_absolute_url()).text


def edits_page(editor):
    return editor.get(reverse("admin:comments_proposededit_changelist")).text


@pytest.mark.parametrize(
    ("action", "shown", "gone"),
    [("accept", "a.example", "convresation"), ("refuse", "convresation", "a.example")],
)
def test_the_queue_shows_the_waiting_edit_as_a_change_to_accept_or_refuse(
    client, post, mine, django_capture_on_commit_callbacks, a_second_passes, action, shown, gone
):
    save_edit(client, mine, django_capture_on_commit_callbacks, comment=LINKS)
    editor = Client()
    editor.force_login(make_editor())
    queue = editor.get(reverse("admin:comments_comment_changelist")).text
    assert "1 edit of an approved comment to review" in queue
    before_and_after = edits_page(editor)
    assert "Marketing is a convresation, not a broadcast." in before_and_after
    assert LINKS in before_and_after

    with django_capture_on_commit_callbacks(execute=True):
        editor.post(
            reverse("admin:comments_proposededit_changelist"),
            {"action": action, "_selected_action": [mine.proposed_edit.pk]},
        )
    a_second_passes()

    page = Client().get(post.get_absolute_url()).text
    assert shown in page
    assert gone not in page
    comment = Comment.objects.get()
    assert comment.status == Status.APPROVED
    assert not hasattr(comment, "proposed_edit")


def test_an_edit_of_a_checked_comment_is_checked_again_with_reason_edit(
    client, mine, approved_directly, django_capture_on_commit_callbacks
):
    save_edit(client, mine, django_capture_on_commit_callbacks)

    first, again = approved_directly.calls
    assert "recheck_reason" not in first
    assert again["recheck_reason"] == "edit"
    assert again["comment_content"] == FIXED["comment"]


def test_an_invalid_edit_is_refused_with_the_reason_and_changes_nothing(
    client, mine, django_capture_on_commit_callbacks
):
    response = save_edit(client, mine, django_capture_on_commit_callbacks, comment="")

    assert response.status_code == 400
    assert "Please type your comment text." in response.content.decode()
    assert Comment.objects.get().content == "Marketing is a convresation, not a broadcast."


def test_the_history_and_the_queue_say_the_author_edited_it(
    client, mine, django_capture_on_commit_callbacks
):
    save_edit(client, mine, django_capture_on_commit_callbacks, comment=LINKS)
    editor = Client()
    editor.force_login(make_editor())

    history = editor.get(reverse("admin:comments_comment_change", args=[mine.pk]))

    event = mine.events.get(action=CommentEvent.Action.EDITED)
    reason = "Edit waits for an editor: 2 links"
    assert (event.actor, event.actor_label, event.reason) == (None, "reader", reason)
    assert reason in history.content.decode()


def test_an_editors_own_edit_does_not_read_as_the_authors(client, mine):
    editor = Client()
    editor.force_login(make_editor())
    data = {
        "author_name": mine.author_name,
        "author_email": mine.author_email,
        "author_url": "",
        "content": "Tidied by an editor.",
    }
    editor.post(reverse("admin:comments_comment_change", args=[mine.pk]), data)

    queue = editor.get(reverse("admin:comments_comment_changelist") + "?status=all")

    assert mine.events.filter(action=CommentEvent.Action.EDITED).exists()
    assert "edited by its author" not in queue.content.decode()


def test_another_site_cannot_send_the_authors_browser_to_save_an_edit(client, mine):
    response = client.post(
        edit_url(mine),
        FIXED,
        headers={"sec_fetch_site": "cross-site", "origin": "https://evil.example"},
    )

    assert response.status_code == 403
    assert Comment.objects.get().content == "Marketing is a convresation, not a broadcast."


def test_a_signed_in_author_saves_an_edit_with_the_forms_token(
    post, send, approved_directly, django_capture_on_commit_callbacks
):
    reader = Client(enforce_csrf_checks=True)
    reader.force_login(UserFactory(username="grace"))
    form = reader.get(post.get_absolute_url())
    send(post, http_client=reader, csrfmiddlewaretoken=form.context["csrf_token"])
    comment = Comment.objects.get()

    page = reader.get(edit_url(comment))
    token = page.context["csrf_token"]
    response = save_edit(
        reader, comment, django_capture_on_commit_callbacks, csrfmiddlewaretoken=token
    )

    assert response.status_code == 302
    event = comment.events.get(action=CommentEvent.Action.EDITED)
    assert event.actor_label == "grace"


def refusal_text(response) -> str:
    """Return the refusal page's message section, without the per-response nonce."""
    page = response.content.decode()
    return page[page.index('<section class="error-page">') : page.index("</section>")]


@pytest.mark.parametrize("when", ["draft", "scheduled"])
def test_the_edit_address_of_a_comment_on_an_unpublished_post_names_nothing(when, draft):
    if when == "scheduled":
        draft.status = draft.Status.PUBLISHED
        draft.published_at = timezone.now() + timedelta(days=3)
        draft.save()
    comment = CommentFactory(post=draft, status=Status.APPROVED)
    missing = Client().get(reverse("comments:edit", args=[comment.pk + 1000]))

    response = Client().get(edit_url(comment))

    assert response.status_code == missing.status_code == 403
    assert refusal_text(response) == refusal_text(missing)
    page = response.content.decode()
    assert draft.title not in page
    assert draft.slug not in page


def test_the_edit_address_of_someone_elses_comment_names_nothing(post, mine):
    missing = Client().get(reverse("comments:edit", args=[mine.pk + 1000]))

    response = Client().get(edit_url(mine))

    assert response.status_code == missing.status_code == 403
    assert refusal_text(response) == refusal_text(missing)
    assert post.title not in response.content.decode()


def test_the_author_is_not_shown_their_post_once_it_is_unpublished(client, post, mine):
    post.status = post.Status.DRAFT
    post.save()

    response = client.get(edit_url(mine))

    assert response.status_code == 403
    assert post.title not in response.content.decode()
    assert post.slug not in response.content.decode()


def discussion_requires(**rules) -> None:
    discussion = DiscussionSettings.load()
    for name, value in rules.items():
        setattr(discussion, name, value)
    discussion.save()


SPAM_EDIT = {"comment": "Best prices on watches, click now.", "url": "https://cheap.example/"}


@pytest.mark.parametrize(
    ("rule", "why"),
    [
        ({"manual_approval": True}, "comments must be manually approved"),
        ({"require_prior_approval": True}, "first comment by this author"),
    ],
)
def test_under_manual_or_prior_approval_an_approved_comments_edit_waits_for_an_editor(
    client, post, mine, django_capture_on_commit_callbacks, a_second_passes, rule, why
):
    # The editor approved it; now the author changes it.
    discussion_requires(**rule)
    assert "convresation" in Client().get(post.get_absolute_url()).content.decode()

    save_edit(client, mine, django_capture_on_commit_callbacks, **SPAM_EDIT)
    a_second_passes()

    comment = Comment.objects.get()
    post.refresh_from_db()
    assert comment.status == Status.APPROVED
    assert comment.proposed_edit.hold_reason == why
    assert post.comment_count == 1
    page = Client().get(post.get_absolute_url()).content.decode()
    assert "Best prices" not in page
    assert "cheap.example" not in page
    assert "convresation" in page
    assert "Your edit is awaiting moderation" in client.get(post.get_absolute_url()).text


def test_under_prior_approval_an_author_approved_before_keeps_the_edit_live(
    client, post, mine, django_capture_on_commit_callbacks
):
    CommentFactory(post=post, status=Status.APPROVED, author_email=mine.author_email)
    discussion_requires(require_prior_approval=True)

    save_edit(client, mine, django_capture_on_commit_callbacks)

    assert Comment.objects.get(pk=mine.pk).status == Status.APPROVED


def test_without_approval_rules_an_edit_stays_live(
    client, post, mine, django_capture_on_commit_callbacks
):
    save_edit(client, mine, django_capture_on_commit_callbacks)

    assert Comment.objects.get(pk=mine.pk).status == Status.APPROVED
    assert "(Fixed.)" in Client().get(post.get_absolute_url()).content.decode()


def test_the_website_does_not_count_as_a_link_when_an_edit_is_checked(
    client, post, mine, django_capture_on_commit_callbacks
):
    save_edit(
        client,
        mine,
        django_capture_on_commit_callbacks,
        comment="Details at https://a.example/ for you.",
        url="https://cheap.example/",
    )

    comment = Comment.objects.get()
    # One link in the text is under the limit: the edit is live, nothing waits.
    assert comment.status == Status.APPROVED
    assert "links" not in comment.hold_reason
    assert "Details at" in comment.content


def test_an_edited_pending_comment_shows_its_new_text_to_a_browser_holding_the_old_page(
    send, client, post, akismet_answers, django_capture_on_commit_callbacks
):
    # Manual approval (the default): the reader's comment waits, shown to them alone.
    send(post, comment="Marketing is a convresation, not a broadcast.")
    pending = Comment.objects.get()
    assert pending.status == Status.PENDING
    before = client.get(post.get_absolute_url())
    assert "convresation" in before.text

    save_edit(client, pending, django_capture_on_commit_callbacks)
    again = client.get(post.get_absolute_url(), HTTP_IF_NONE_MATCH=before["ETag"])

    assert again.status_code == 200
    assert "(Fixed.)" in again.text
    assert again["ETag"] != before["ETag"]


def delete_url(comment) -> str:
    return reverse("comments:delete", args=[comment.pk])


def test_the_author_deletes_their_comment_within_the_window_and_a_reply_keeps_its_place(
    client, post, mine, django_capture_on_commit_callbacks
):
    reply = CommentFactory(post=post, parent=mine, author_name="Ada", content="Well said.")
    page = client.get(post.get_absolute_url()).text
    assert f'href="{delete_url(mine)}"' in page
    assert "Delete your comment?" in client.get(delete_url(mine)).text

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(delete_url(mine))

    assert done.status_code == 302
    assert not Comment.objects.filter(pk=mine.pk).exists()
    reply.refresh_from_db()
    assert reply.parent_id is None
    after = Client().get(post.get_absolute_url()).text
    assert "convresation" not in after
    assert "Well said." in after
    event = CommentEvent.objects.get(action=CommentEvent.Action.PURGED)
    assert event.reason == f"Deleted by its author (comment {mine.pk})."


def test_after_the_window_or_from_another_browser_a_comment_cannot_be_deleted(client, mine):
    assert Client().post(delete_url(mine)).status_code == 403
    posted_ago(mine, timedelta(minutes=10, seconds=1))

    refused = client.post(delete_url(mine))

    assert refused.status_code == 403
    assert Comment.objects.filter(pk=mine.pk).exists()
