"""The editors' chat: one message per comment held for review, to a Slack-compatible webhook.

Optional (the discussion settings' `moderation_webhook_url`). Each message is a
`WebhookNotice` on the site's one outbox (`core.outbox`): queued with the editors' email
(`comments.workflow.notifications`, which tells editors of each comment once), sent here by
the worker with a timeout, retried on the outbox's schedule, and sent again from the admin
("Send again now"). A comment decided before the message goes out needs none.
"""

import httpx
from django.conf import settings
from django.template.loader import render_to_string

from comments.models import WebhookNotice
from comments.rules import conf
from comments.rules.statuses import QUEUE
from core.outbox import CANCELLED, SENT, Outbox

_client = None


def client() -> httpx.Client:
    """Return this process's HTTP client (building one costs tens of milliseconds)."""
    global _client
    if _client is None:
        _client = httpx.Client(timeout=conf.WEBHOOK_TIMEOUT_SECONDS, follow_redirects=False)
    return _client


def send(notice) -> object:
    """Post the message about the notice's comment, if it still waits and a webhook is set."""
    url = conf.discussion().moderation_webhook_url
    comment = notice.comment
    if not url or comment.status not in QUEUE:
        return CANCELLED
    text = render_to_string(
        "comments/webhook_message.txt", {"comment": comment, "site_url": settings.SITE_URL}
    ).strip()
    # Any status but 2xx raises, and the outbox retries and shows the error.
    client().post(url, json={"text": text}, timeout=conf.WEBHOOK_TIMEOUT_SECONDS).raise_for_status()
    return SENT


WEBHOOK_NOTICES = Outbox(
    WebhookNotice,
    send=send,
    retry=conf.WEBHOOK_RETRY,
    select_related=("comment__post",),
)
