"""Shared steps for the moderation tests: an Editors-group login and posting admin actions."""

import importlib
import re

from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.html import strip_tags

from tests.factories import UserFactory


def editors_group() -> Group:
    """Return the "Editors" group the migration creates (re-created after a flush)."""
    migration = importlib.import_module("comments.migrations.0004_editors_group")
    if not Group.objects.filter(name=migration.EDITORS).exists():
        migration.create_editors(apps, None)
    return Group.objects.get(name=migration.EDITORS)


def make_editor(username="eddie", **kwargs):
    user = UserFactory(username=username, is_staff=True, **kwargs)
    user.groups.add(editors_group())
    return user


def queue_url(**params) -> str:
    from django.utils.http import urlencode

    url = reverse("admin:comments_comment_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def run_action(client, action, comments=(), *, select_across=False, **filters):
    """Submit the changelist's action form, as an editor ticking boxes does."""
    data = {"action": action, "index": 0, "_selected_action": [c.pk for c in comments]}
    if select_across:
        # The browser sends the ticked rows of the page along with "select all N".
        data["select_across"] = "1"
        data["_selected_action"] = data["_selected_action"] or [0]
    return client.post(queue_url(**filters), data, follow=True)


def messages_of(response) -> list[str]:
    """Return what each message says (an Undo form beside it is read by `undo_form`)."""
    return [
        strip_tags(re.sub(r"<form.*?</form>", "", str(m), flags=re.S)).strip()
        for m in response.context["messages"]
    ]
