"""What a reader who ticked a box under their comment receives, and what they never do."""

import re
from datetime import timedelta

import akismet
import pytest
from bs4 import BeautifulSoup
from django import forms
from django.core import mail
from django.test import Client
from django.test.signals import template_rendered
from django.utils import timezone

from comments.intake import forms as comment_forms
from comments.models import Comment, DiscussionSettings, Status
from comments.signals import comment_submitted
from comments.spam import akismet as spam
from comments.workflow import moves, purge
from core import outbox
from subscriptions import deliveries
from subscriptions.models import Delivery, Subscription
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

READER = "grace@example.com"
LINK = re.compile(r"https://blog\.example(/comments/subscriptions/(confirm|unsubscribe)/[^/\s]+/)")


def mails_to(address=READER):
    return [m for m in mail.outbox if address in m.to]


def emails_the_sweep_sends() -> int:
    """Run the outbox's sweep (every five minutes on a site); return the subscriber emails sent."""
    return outbox.send_due()["subscriptions.Delivery"]


def path_in(message, kind) -> str:
    return next(m.group(1) for m in LINK.finditer(message.body) if m.group(2) == kind)


def ask(send, post, **fields):
    """Post a comment as the reader, with the boxes they ticked (True) and other fields."""
    response = send(post, email=READER, **{k: "yes" if v is True else v for k, v in fields.items()})
    assert response.status_code == 302
    return Comment.objects.filter(author_email=READER).latest("pk")


def confirm(client, message) -> None:
    path = path_in(message, "confirm")
    page = client.get(path)
    assert "Yes, email me" in page.text
    client.post(path)


def confirmed_before(email=READER) -> None:
    """The reader confirmed a subscription on another post, days ago."""
    earlier = CommentFactory(
        author_email=email, status=Status.APPROVED, submitted_at=timezone.now() - timedelta(days=3)
    )
    Subscription.objects.create(
        kind=Subscription.Kind.FOLLOW_UPS,
        email=email,
        post=earlier.post,
        comment=earlier,
        confirmed_at=timezone.now() - timedelta(days=3),
    )


def follows_the_link(*comments) -> None:
    """The reader follows the link in the confirmation email these comments' boxes brought."""
    Subscription.objects.filter(comment__in=comments).update(confirmed_at=timezone.now())
    mail.outbox[:] = [m for m in mail.outbox if "Please confirm" not in m.subject]


APPROVED_SUBJECT = "[John Bradley Jackson] Your comment on “{}” is approved"


def other_comment(post, **fields):
    return CommentFactory(post=post, status=Status.PENDING, **fields)


def test_the_form_has_two_unticked_boxes_under_the_cookie_box(client, seed_post):
    page = BeautifulSoup(client.get(seed_post.get_absolute_url()).text, "html.parser")

    boxes = page.select("#commentform input[type=checkbox]")
    assert [box["name"] for box in boxes] == [
        "wp-comment-cookies-consent",
        "subscribe_comments",
        "notify_approval",
    ]
    assert not any(box.has_attr("checked") for box in boxes)
    assert page.select_one("label[for=subscribe_comments]").text == (
        "Notify me of follow-up comments by email."
    )
    assert page.select_one("label[for=notify_approval]").text == (
        "Notify me when my comment is approved."
    )
    assert "Your email address will not be published." in page.select_one(".comment-notes").text


def test_the_boxes_are_the_subscriptions_apps_own_part_of_the_form(client, seed_post):
    rendered = []

    def record(sender, template, context, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(record)
    try:
        page = client.get(seed_post.get_absolute_url())
    finally:
        template_rendered.disconnect(record)

    assert "subscriptions/form_boxes.html" in rendered
    form = BeautifulSoup(page.text, "html.parser").select_one("#commentform")
    # Still in the form, between the remember-me box and the honeypot, as on the seed page.
    fields = [tag["name"] for tag in form.select("input[type=checkbox], textarea")]
    assert fields == [
        "comment",
        "wp-comment-cookies-consent",
        "subscribe_comments",
        "notify_approval",
        "ak_hp_textarea",
    ]


def test_a_field_another_app_adds_to_the_form_reaches_the_stored_comments_receivers(
    send, post, monkeypatch
):
    monkeypatch.setitem(
        comment_forms._EXTENSIONS,
        "newsletter",
        comment_forms.FormExtension(
            fields={"newsletter": forms.BooleanField(required=False)},
            template="subscriptions/form_boxes.html",
        ),
    )
    heard = []

    def receiver(sender, comment, data, **kwargs):
        heard.append((data["newsletter"], data["subscribe_comments"]))

    comment_submitted.connect(receiver)
    try:
        ask(send, post, newsletter=True)
    finally:
        comment_submitted.disconnect(receiver)

    assert heard == [(True, False)]


def test_follow_ups_send_one_confirmation_and_nothing_more_until_it_is_clicked(send, post, approve):
    ask(send, post, subscribe_comments=True)

    [confirmation] = mails_to()
    assert "Please confirm" in confirmation.subject
    assert post.title in confirmation.body
    assert path_in(confirmation, "confirm")

    approve(other_comment(post))
    assert len(mails_to()) == 1


def test_confirming_by_the_link_brings_the_next_approved_comment(client, send, post, approve):
    ask(send, post, subscribe_comments=True)
    [confirmation] = mails_to()
    path = path_in(confirmation, "confirm")

    client.get(path)  # a mail scanner opening the link confirms nothing
    assert Subscription.objects.confirmed().count() == 0
    client.post(path)
    assert Subscription.objects.confirmed().count() == 1

    approve(other_comment(post, author_name="Ada", content="Selling follows marketing."))
    [_, follow_up] = mails_to()
    assert follow_up.subject == f"[John Bradley Jackson] New comment on “{post.title}”"
    assert "Ada wrote:" in follow_up.body
    assert "Selling follows marketing." in follow_up.body


def test_an_unconfirmed_request_expires_after_seven_days(client, send, post, approve):
    ask(send, post, subscribe_comments=True)
    [confirmation] = mails_to()
    Subscription.objects.update(requested_at=timezone.now() - timedelta(days=7, minutes=1))

    page = client.post(path_in(confirmation, "confirm"))
    assert "There was nothing left to confirm" in page.text
    approve(other_comment(post))
    assert len(mails_to()) == 1
    assert deliveries.prune_subscriptions.call()["expired_requests"] == 1
    assert not Subscription.objects.exists()


def test_a_confirmation_link_older_than_seven_days_is_refused(client, send, post, monkeypatch):
    ask(send, post, subscribe_comments=True)
    [confirmation] = mails_to()
    later = timezone.now().timestamp() + timedelta(days=7, minutes=1).total_seconds()
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)

    page = client.post(path_in(confirmation, "confirm"))
    assert page.status_code == 400
    assert "This link does not work" in page.text
    assert Subscription.objects.confirmed().count() == 0


def test_the_confirmation_is_sent_at_most_once_a_day_per_address(
    client, send, post, approve, settings
):
    settings.COMMENTS_FLOOD_SECONDS = 0
    second_post = PostFactory()
    ask(send, post, subscribe_comments=True)
    ask(send, second_post, subscribe_comments=True)
    ask(send, post, subscribe_comments=True, comment="And one more thought.")

    [confirmation] = mails_to()
    # Its link confirms every request the address has open.
    confirm(client, confirmation)
    assert set(Subscription.objects.confirmed().values_list("post", flat=True)) == {
        post.pk,
        second_post.pk,
    }

    Delivery.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    ask(send, PostFactory(), subscribe_comments=True)
    assert len(mails_to()) == 2


def test_the_approval_notice_goes_once_when_the_comment_is_first_approved(
    client, send, post, approve
):
    comment = ask(send, post, notify_approval=True)
    [request] = mails_to()
    assert (
        request.subject
        == "[John Bradley Jackson] Please confirm: email me when my comment is approved"
    )
    assert post.title in request.body
    assert "is approved" in client.get(path_in(request, "confirm")).text
    confirm(client, request)

    approve(comment)
    [_, notice] = mails_to()
    assert notice.subject == APPROVED_SUBJECT.format(post.title)
    assert f"https://blog.example{post.get_absolute_url()}#comment-{comment.pk}" in notice.body

    approve(comment, move=moves.UNAPPROVE)
    approve(comment)
    assert len(mails_to()) == 2


def test_an_address_nobody_confirmed_gets_a_confirmation_request_and_no_approval_notice(
    send, post, approve
):
    # Anyone can type anyone's address into the form.
    comment = ask(send, post, notify_approval=True)
    approve(comment)

    [request] = mails_to()
    assert "Please confirm" in request.subject
    assert not [m for m in mails_to() if "Your comment on" in m.subject]
    assert Subscription.objects.get(kind=Subscription.Kind.APPROVAL).notified_at is None


def test_an_address_confirmed_before_is_asked_again_and_told_once_it_confirms(
    client, send, post, approve, django_capture_on_commit_callbacks
):
    confirmed_before()
    comment = ask(send, post, notify_approval=True)
    [request] = mails_to()
    assert "Please confirm" in request.subject

    approve(comment)
    assert len(mails_to()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, request)

    [_, notice] = mails_to()
    assert notice.subject == APPROVED_SUBJECT.format(post.title)


def test_the_approval_notice_follows_an_approval_by_the_spam_check_once_confirmed(
    client, send, post, akismet_answers, settings, django_capture_on_commit_callbacks
):
    DiscussionSettings.objects.update_or_create(
        pk=1, defaults={"manual_approval": False, "require_prior_approval": False}
    )

    confirmed_before()
    comment = ask(send, post, notify_approval=True)

    assert Comment.objects.get(pk=comment.pk).status == Status.APPROVED
    [request] = mails_to()
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, request)
    [_, notice] = mails_to()
    assert notice.subject == APPROVED_SUBJECT.format(post.title)


def a_strangers_page(send, post, **boxes):
    """Post as a stranger who types the reader's address; return their page and comment."""
    stranger = Client()
    send(post, email=READER, author="Not Grace", http_client=stranger, **boxes)
    comment = Comment.objects.filter(author_name="Not Grace").latest("pk")
    page = BeautifulSoup(stranger.get(post.get_absolute_url()).text, "html.parser")
    return page, comment


def test_a_stranger_using_a_confirmed_address_is_told_to_check_email_and_confirms_nothing(
    send, post, approve
):
    confirmed_before()

    page, comment = a_strangers_page(send, post, notify_approval="yes")

    note = page.select_one(f"#comment-{comment.pk} .comment-confirm-subscription")
    assert note is not None
    assert CHECK_YOUR_EMAIL in note.text
    [request] = mails_to()
    assert "Please confirm" in request.subject
    approve(comment)
    assert not [m for m in mails_to() if "Your comment on" in m.subject]


def test_a_stranger_asking_for_follow_ups_the_address_has_is_told_the_same_and_changes_nothing(
    send, post, approve, settings
):
    settings.COMMENTS_FLOOD_SECONDS = 0
    Subscription.objects.create(
        kind=Subscription.Kind.FOLLOW_UPS,
        email=READER,
        post=post,
        comment=CommentFactory(post=post, author_email=READER, status=Status.APPROVED),
        confirmed_at=timezone.now() - timedelta(days=3),
    )

    page, comment = a_strangers_page(send, post, subscribe_comments="yes")

    note = page.select_one(f"#comment-{comment.pk} .comment-confirm-subscription")
    assert note is not None
    assert CHECK_YOUR_EMAIL in note.text
    [request] = mails_to()
    assert "Please confirm" in request.subject
    # The owner's own follow-ups go on as they asked.
    approve(other_comment(post, author_name="Ada", content="Selling follows marketing."))
    assert [m.subject for m in mails_to()][1:] == [
        f"[John Bradley Jackson] New comment on “{post.title}”"
    ]


def test_no_approval_notice_for_spam_trash_or_a_deleted_comment(
    send, post, approve, akismet_answers, editor, settings
):
    settings.COMMENTS_FLOOD_SECONDS = 0
    akismet_answers(akismet.CheckResponse.SPAM)
    spam = ask(send, post, notify_approval=True, comment="Cheap pills.")
    akismet_answers(akismet.CheckResponse.HAM)
    trashed = ask(send, post, notify_approval=True, comment="Second thoughts.")
    follows_the_link(spam, trashed)
    approve(trashed, move=moves.TRASH)
    approve(spam, trashed)
    assert Comment.objects.get(pk=spam.pk).status == Status.SPAM
    assert Comment.objects.get(pk=trashed.pk).status == Status.TRASH

    # Approved, then trashed (or deleted) before the worker sends: nothing goes.
    late = ask(send, post, notify_approval=True, comment="Third thoughts.")
    follows_the_link(late)
    Comment.objects.filter(pk=late.pk).update(status=Status.APPROVED)
    [delivery] = deliveries.comments_approved([late.pk])
    approve(late, move=moves.TRASH)
    assert outbox.deliver("subscriptions.Delivery", delivery.pk) == "cancelled"
    purge.delete_permanently([late.pk], editor)
    assert deliveries.comments_approved([late.pk]) == []
    assert mails_to() == []


def test_follow_ups_leave_out_the_subscribers_own_comments(client, send, post, approve, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    first = ask(send, post, subscribe_comments=True)
    confirm(client, mails_to()[0])
    second = ask(send, post, comment="Replying to myself.")

    approve(first, second)
    assert len(mails_to()) == 1


def test_follow_ups_come_at_most_every_fifteen_minutes_then_as_a_digest(
    client, send, post, approve
):
    ask(send, post, subscribe_comments=True)
    confirm(client, mails_to()[0])

    approve(other_comment(post, author_name="Ada"))
    first = Delivery.objects.get(kind=Delivery.Kind.FOLLOW_UP)
    approve(other_comment(post, author_name="Bob"))
    approve(other_comment(post, author_name="Cy"))
    assert len(mails_to()) == 2
    held = Delivery.objects.get(kind=Delivery.Kind.FOLLOW_UP, state=Delivery.State.QUEUED)
    assert held.send_after == first.send_after + timedelta(minutes=15)

    assert emails_the_sweep_sends() == 0  # not yet
    Delivery.objects.filter(pk=held.pk).update(send_after=timezone.now())
    assert emails_the_sweep_sends() == 1
    digest = mails_to()[-1]
    assert digest.subject == f"[John Bradley Jackson] 2 new comments on “{post.title}”"
    assert "Bob wrote:" in digest.body
    assert "Cy wrote:" in digest.body
    assert "Ada wrote:" not in digest.body


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        pytest.param({"author": ""}, 400, id="400-invalid"),
        pytest.param({"comment_parent": "999999"}, 403, id="403-bad-parent"),
    ],
)
def test_a_refused_comment_subscribes_nobody(send, post, fields, status):
    response = send(post, email=READER, subscribe_comments="yes", notify_approval="yes", **fields)

    assert response.status_code == status
    assert not Subscription.objects.exists()
    assert mails_to() == []


def test_a_duplicate_a_flood_a_honeypot_or_a_disallowed_word_subscribes_nobody(send, post, approve):
    boxes = {"subscribe_comments": "yes", "notify_approval": "yes"}
    first = send(post, email="first@example.com", comment="Original words.")
    assert first.status_code == 302
    assert send(post, email=READER, comment="Original words.", **boxes).status_code == 409
    send(post, email="second@example.com", ip="192.0.2.9", comment="A first remark.")
    assert send(post, email=READER, ip="192.0.2.9", **boxes).status_code == 429

    honeypot = send(post, email=READER, ak_hp_textarea="I am a bot", **boxes)
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"disallowed_words": "casino"})
    disallowed = send(
        post, email="other@example.com", comment="Visit my casino.", ip="192.0.2.10", **boxes
    )

    assert honeypot.status_code == disallowed.status_code == 302
    assert not Subscription.objects.exists()
    assert mails_to() == []
    assert mails_to("other@example.com") == []


def test_every_email_carries_a_one_click_unsubscribe_link_and_rfc_8058_headers(
    client, send, post, approve
):
    comment = ask(send, post, subscribe_comments=True, notify_approval=True)
    confirm(client, mails_to()[0])
    approve(comment)
    approve(other_comment(post))

    kinds = [m.subject for m in mails_to()]
    assert len(kinds) == 3, kinds
    for message in mails_to():
        path = path_in(message, "unsubscribe")
        assert message.extra_headers["List-Unsubscribe"] == f"<https://blog.example{path}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_one_click_unsubscribe_works_by_post_without_login_or_csrf_token(
    send, post, approve, client
):
    ask(send, post, subscribe_comments=True)
    confirm(client, mails_to()[0])
    approve(other_comment(post))
    path = path_in(mails_to()[-1], "unsubscribe")

    asking = client.get(path)
    assert asking.status_code == 200
    assert "Stop emailing grace@example.com about comments on" in asking.text
    assert Subscription.objects.count() == 1

    mail_client = Client(enforce_csrf_checks=True)
    done = mail_client.post(path, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "You are unsubscribed" in done.text
    assert not Subscription.objects.exists()
    approve(other_comment(post))
    assert len(mails_to()) == 2


@pytest.mark.parametrize(
    "token",
    ["nonsense", "eyJlIjoxfQ:1tXyZ:forged", "%00", "a" * 3000, "..%5C..%5Cetc", "%E2%80%AEevil"],
)
@pytest.mark.parametrize("kind", ["confirm", "unsubscribe"])
def test_a_broken_or_forged_link_gets_a_clear_400(client, kind, token):
    for method in (client.get, client.post):
        response = method(f"/comments/subscriptions/{kind}/{token}/")
        assert response.status_code == 400
        assert "This link does not work" in response.text


def test_a_failed_email_is_retried_and_shown_in_the_admin(
    send, post, approve, settings, admin_client
):
    settings.EMAIL_BACKEND = "tests.subscriptions.test_notification_rules.RefusingBackend"
    comment = ask(send, post, notify_approval=True)
    follows_the_link(comment)
    Delivery.objects.all().delete()
    approve(comment)

    delivery = Delivery.objects.get()
    assert delivery.kind == Delivery.Kind.APPROVAL
    assert delivery.state == Delivery.State.FAILED
    assert delivery.attempts == 1
    assert "SMTPServerDisconnected" in delivery.last_error
    page = admin_client.get("/admin/subscriptions/delivery/?state=failed")
    assert "Failed, will retry" in page.text
    assert "SMTPServerDisconnected" in page.text

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert emails_the_sweep_sends() == 0  # its backoff has not passed
    Delivery.objects.update(send_after=timezone.now())
    assert emails_the_sweep_sends() == 1
    assert Delivery.objects.get().state == Delivery.State.SENT
    assert len(mails_to()) == 1


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_held_digest_leaves_out_a_comment_deleted_meanwhile_and_keeps_the_rest(
    client, send, post, approve, editor
):
    ask(send, post, subscribe_comments=True)
    confirm(client, mails_to()[0])
    approve(other_comment(post, author_name="Ada"))
    kept, spam = other_comment(post, author_name="Bob"), other_comment(post, author_name="Cy")
    approve(kept, spam)

    approve(spam, move=moves.SPAM)
    assert purge.delete_permanently([spam.pk], editor) == 1
    Delivery.objects.filter(state=Delivery.State.QUEUED).update(send_after=timezone.now())
    assert emails_the_sweep_sends() == 1
    digest = mails_to()[-1]
    assert digest.subject == f"[John Bradley Jackson] New comment on “{post.title}”"
    assert "Bob wrote:" in digest.body
    assert "Cy wrote:" not in digest.body


def test_an_approval_told_twice_or_approved_again_is_news_once(client, send, post, approve):
    comment = ask(send, post, subscribe_comments=True, notify_approval=True)
    confirm(client, mails_to()[0])
    approve(comment)
    answer = other_comment(post)
    approve(answer)
    assert len(mails_to()) == 3

    deliveries.comments_approved([comment.pk, answer.pk])
    approve(answer, move=moves.UNAPPROVE)
    approve(answer)
    Delivery.objects.filter(state=Delivery.State.QUEUED).update(send_after=timezone.now())
    emails_the_sweep_sends()
    assert len(mails_to()) == 3


def akismet_unreachable(payload):
    raise spam.AkismetUnavailable("Akismet timed out.")


def test_a_confirmation_waits_for_the_spam_check_and_is_never_sent_for_spam(
    send, post, akismet_answers, monkeypatch
):
    monkeypatch.setattr(spam, "comment_check", akismet_unreachable)
    comment = ask(send, post, subscribe_comments=True)
    assert Comment.objects.get(pk=comment.pk).status == Status.AWAITING_CHECK
    waiting = Delivery.objects.get()
    assert waiting.state == Delivery.State.QUEUED
    assert waiting.send_after > timezone.now()
    assert mails_to() == []

    Comment.objects.filter(pk=comment.pk).update(status=Status.SPAM)
    Delivery.objects.update(send_after=timezone.now())
    assert emails_the_sweep_sends() == 0
    assert Delivery.objects.get().state == Delivery.State.CANCELLED
    assert mails_to() == []


def test_a_confirmation_goes_once_the_spam_check_clears_the_comment(
    send, post, akismet_answers, monkeypatch
):
    monkeypatch.setattr(spam, "comment_check", akismet_unreachable)
    comment = ask(send, post, subscribe_comments=True)
    assert mails_to() == []

    Comment.objects.filter(pk=comment.pk).update(status=Status.PENDING)
    Delivery.objects.update(send_after=timezone.now())
    assert emails_the_sweep_sends() == 1
    assert "Please confirm" in mails_to()[0].subject


def test_a_comments_approved_signal_brings_the_approval_notice(
    send, post, django_capture_on_commit_callbacks
):
    # The comments workflow announces first approvals with this signal after commit; the
    # subscriptions app listens to it from its AppConfig.ready().
    from comments.signals import comments_approved

    comment = ask(send, post, notify_approval=True)
    follows_the_link(comment)
    Comment.objects.filter(pk=comment.pk).update(status=Status.APPROVED)

    with django_capture_on_commit_callbacks(execute=True):
        comments_approved.send(sender=Comment, ids=[comment.pk])

    [notice] = mails_to()
    assert notice.subject == APPROVED_SUBJECT.format(post.title)


def test_held_digests_go_out_when_due_and_expired_requests_are_pruned_daily():
    from core import recurring, workers

    assert workers.WOKEN[outbox.CHANNEL].next_due == outbox.next_due
    assert recurring.RECURRING[deliveries.prune_subscriptions] == timedelta(days=1)


CHECK_YOUR_EMAIL = "Check your email to confirm your subscription"


@pytest.mark.parametrize("box", ["subscribe_comments", "notify_approval"])
def test_after_ticking_a_box_the_reader_is_told_to_confirm_by_email(client, send, post, box):
    comment = ask(send, post, **{box: True})

    page = BeautifulSoup(client.get(post.get_absolute_url()).text, "html.parser")

    note = page.select_one(f"#comment-{comment.pk} .comment-confirm-subscription")
    assert note is not None
    assert CHECK_YOUR_EMAIL in note.text
    assert CHECK_YOUR_EMAIL not in Client().get(post.get_absolute_url()).text


def test_no_reminder_without_a_box_ticked_or_once_confirmed(client, send, post, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    ask(send, post)
    assert CHECK_YOUR_EMAIL not in client.get(post.get_absolute_url()).text

    ask(send, post, subscribe_comments=True, comment="And another thing.")
    confirm(client, mails_to()[0])

    assert CHECK_YOUR_EMAIL not in client.get(post.get_absolute_url()).text
