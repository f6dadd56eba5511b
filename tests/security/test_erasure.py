"""After "erase" in Data requests, nothing in the database names the reader, not even its log."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse

from comments.models import Comment, Status
from subscriptions.models import Subscription
from tests.factories import CommentFactory, PostFactory
from tests.security.sweep import forms_on
from tests.support.people import make_editor

pytestmark = pytest.mark.django_db

ERIN = {
    "author": "Erin Erasable",
    "email": "erin.erasable@example.com",
    "comment": "Erin's private musings on marmalade and midnight.",
    "subscribe_comments": "on",
    "notify_approval": "on",
}
# What must be gone: her name, her address, and her words.
TRACES = ["Erin Erasable", "erin.erasable@example.com", "marmalade"]


def tables_naming(text: str) -> dict[str, int]:
    """Return each table of the database with rows whose text (any column) holds `text`."""
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            query = f"SELECT count(*) FROM {quoted} AS row WHERE row::text ILIKE %s"  # noqa: S608
            cursor.execute(query, [f"%{text}%"])
            (count,) = cursor.fetchone()
            if count:
                found[table] = count
    return found


def edit_in_the_admin(client, comment, **changes):
    """Save the comment's change form as an editor does; Django writes an admin log entry."""
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    forms = forms_on(client.get(url).text, url)
    ((action, fields),) = [f for f in forms if "content" in {name for name, _value in f[1]}]
    data = dict(fields) | changes
    response = client.post(action, data)
    assert response.status_code == 302, response.text[:2000]


def test_erasure_leaves_no_trace_of_the_reader_anywhere_in_the_database(
    client, send, akismet_answers, django_capture_on_commit_callbacks
):
    post = PostFactory()
    send(post, **ERIN)
    erin = Comment.objects.get(author_email=ERIN["email"])
    CommentFactory(post=post, parent=erin, author_name="Frank Other", content="A reply.")
    assert Subscription.objects.filter(email=ERIN["email"]).exists()
    officer = make_editor(username="dpo")
    officer.user_permissions.add(Permission.objects.get(codename="handle_data_requests"))
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        edit_in_the_admin(client, erin, content=ERIN["comment"] + " Edited.", status="approved")
    # What the log kept before comments named no one in it (issue 29).
    LogEntry.objects.create(
        user=officer,
        content_type=ContentType.objects.get_for_model(Comment),
        object_id=str(erin.pk),
        object_repr="Comment by Erin Erasable: “Erin's private musings on marmalade…”",
        action_flag=CHANGE,
    )
    assert all(tables_naming(trace) for trace in TRACES[:2])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:comments_data_erase"), {"email": ERIN["email"], "confirm": "yes"}
        )

    assert not Comment.objects.filter(author_email=ERIN["email"]).exists()
    assert Comment.objects.filter(author_name="Frank Other", status=Status.APPROVED).exists()
    assert {trace: tables_naming(trace) for trace in TRACES} == {trace: {} for trace in TRACES}


def test_the_admin_log_and_a_comments_title_name_no_one(client, editor_client):
    comment = CommentFactory(author_name="Erin Erasable", content="Erin's marmalade.")
    edit_in_the_admin(editor_client, comment, content="Erin's marmalade, edited.")

    entry = LogEntry.objects.get()

    assert "Erin" not in str(comment)
    assert "Erin" not in entry.object_repr
    assert "marmalade" not in entry.object_repr
