"""Shared steps for the moderation tests: posting admin actions and reading what they say."""

import re

from django.urls import reverse
from django.utils.html import strip_tags


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
