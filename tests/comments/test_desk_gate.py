"""The moderation desk's pages: every one is listed once and opens only to moderators."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from comments.models import Comment, CommentEvent, Status
from comments.workflow import moves
from tests.factories import CommentFactory, UserFactory

from .moderation_helpers import messages_of, queue_url, run_action

pytestmark = pytest.mark.django_db

# The pages Django's admin gives every model; its own view and change permissions gate them.
DJANGOS_OWN = {"changelist", "add", "change", "delete", "history"}


def _patterns(resolver: URLResolver, namespace: str = "", route: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, inner, route + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", route + str(entry.pattern)


def desk_urls(comment) -> dict[str, str]:
    """Return each desk page the URL resolver knows, by name, for `comment` where it names one."""
    prefix = "admin:comments_comment_"
    return {
        name: reverse(name, args=[comment.pk]) if "<path:object_id>" in route else reverse(name)
        for name, route in _patterns(get_resolver())
        if name.startswith(prefix) and name.removeprefix(prefix) not in DJANGOS_OWN
    }


@pytest.fixture
def staff_who_may_not_moderate(client):
    """Staff who may see, change and delete comments, but not hold the moderate permission."""
    user = UserFactory(username="intern", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments",
            codename__in=["view_comment", "change_comment", "delete_comment"],
        )
    )
    client.force_login(user)
    return client


def test_the_desk_offers_a_one_click_page_for_every_move_and_the_editors_buttons():
    comment = CommentFactory.build(pk=1)
    listed = [
        name
        for name, _route in _patterns(get_resolver())
        if name.startswith("admin:comments_comment_")
    ]

    names = set(desk_urls(comment))

    assert len(listed) == len(set(listed)), "each page is listed once, under its own name"

    assert {f"admin:comments_comment_{name}" for name in moves.MOVES} <= names
    assert {
        "admin:comments_comment_reply",
        "admin:comments_comment_approve_reply",
        "admin:comments_comment_quick_edit",
        "admin:comments_comment_delete_permanently",
        "admin:comments_comment_undo",
        "admin:comments_comment_empty",
        "admin:comments_comment_check_all",
        "admin:comments_comment_verify_key",
    } <= names


def test_every_desk_page_refuses_staff_who_may_not_moderate_with_403(
    staff_who_may_not_moderate,
):
    comment = CommentFactory(status=Status.SPAM)

    answers = {
        name: (
            staff_who_may_not_moderate.get(url).status_code,
            staff_who_may_not_moderate.post(url, {"next": "/admin/"}).status_code,
        )
        for name, url in desk_urls(comment).items()
    }

    assert answers == dict.fromkeys(answers, (403, 403))
    comment.refresh_from_db()
    assert comment.status == Status.SPAM
    assert not CommentEvent.objects.exists()


def test_every_desk_page_answers_an_editor(editor_client):
    comment = CommentFactory(status=Status.TRASH)

    answers = {name: editor_client.get(url).status_code for name, url in desk_urls(comment).items()}

    # A page asks or shows (200), a reply to a trashed comment says why on the queue (302),
    # and a button's page takes only a POST (405): none is refused.
    assert set(answers.values()) <= {200, 302, 405}, answers
    assert answers["admin:comments_comment_approve"] == 200
    assert answers["admin:comments_comment_empty"] == 405


# Deleting: the bulk action, a row's button, the comment's own page and "Empty spam" -------


def _delete_by_bulk_action(client, comment):
    return messages_of(run_action(client, "delete_permanently", [comment], status="spam"))


def _delete_by_row_button(client, comment):
    url = reverse("admin:comments_comment_delete_permanently", args=[comment.pk])
    return messages_of(client.post(url, follow=True))


def _delete_from_its_page(client, comment):
    url = reverse("admin:comments_comment_delete", args=[comment.pk])
    return messages_of(client.post(url, {"post": "yes"}, follow=True))


def _empty_spam(client, comment):
    page = client.get(queue_url(status="spam")).text
    mark = page.split('name="mark" value="', 1)[1].split('"', 1)[0]
    return messages_of(
        client.post(reverse("admin:comments_comment_empty"), {"mark": mark}, follow=True)
    )


@pytest.mark.parametrize(
    ("delete", "said"),
    [
        (_delete_by_bulk_action, "1 comment deleted permanently."),
        (_delete_by_row_button, "1 comment deleted permanently."),
        (_delete_from_its_page, "was deleted successfully."),
        (_empty_spam, "1 comment deleted permanently from spam."),
    ],
)
def test_each_way_to_delete_spam_keeps_its_reply_and_records_the_editor(
    editor_client, delete, said
):
    spam = CommentFactory(status=Status.SPAM)
    reply = CommentFactory(status=Status.APPROVED, post=spam.post, parent=spam)

    told = delete(editor_client, spam)

    assert any(said in message for message in told), told
    assert list(Comment.objects.values_list("pk", flat=True)) == [reply.pk]
    reply.refresh_from_db()
    assert reply.parent_id is None
    event = CommentEvent.objects.get(action=CommentEvent.Action.PURGED)
    assert event.actor == editor_client.editor
