"""Helpers shared by the comment specifications: posting through HTTP, and Akismet doubles."""

import time

import akismet
import pytest
from django.urls import reverse

from comments import policy, spam
from tests.akismet_double import AkismetDouble

# Each test posts from its own address unless it says otherwise, so the flood rule
# (one comment per IP address per 15 s) only bites where a test means it to.
_addresses = iter(f"198.51.100.{n}" for n in range(1, 255))


def form_data(post, **fields) -> dict:
    """Return the form as a reader sends it a minute after the page was shown."""
    data = {
        "author": "Grace Reader",
        "email": "grace@example.com",
        "url": "",
        "comment": "Marketing is a conversation, not a broadcast.",
        "comment_parent": "",
        "form_ts": policy.form_timestamp(post, issued_at=time.time() - 60),
        "ak_hp_textarea": "",
    }
    data.update(fields)
    return data


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """Post a comment through HTTP, running what the view queues after its commit."""

    def post_comment(post, *, ip=None, http_client=None, headers=None, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return (http_client or client).post(
                reverse("comments:post", args=[post.pk]),
                form_data(post, **fields),
                REMOTE_ADDR=ip or next(_addresses),
                **(headers or {}),
            )

    return post_comment


@pytest.fixture
def akismet_answers(monkeypatch, settings):
    """Configure Akismet with the package's TestSyncClient; return a setter and the calls."""
    settings.AKISMET_API_KEY = "test-key"
    calls = []

    def answer(verdict=akismet.CheckResponse.HAM):
        class Recording(akismet.TestSyncClient):
            comment_check_response = verdict

            def comment_check(self, user_ip, **kwargs):
                calls.append({"user_ip": user_ip, **kwargs})
                return super().comment_check(user_ip, **kwargs)

        monkeypatch.setattr(spam, "client_class", Recording)
        return calls

    answer()
    answer.calls = calls
    return answer


@pytest.fixture
def double(settings):
    """Point the site at a local Akismet-compatible HTTP server."""
    with AkismetDouble() as server:
        settings.AKISMET_API_KEY = "test-key"
        settings.AKISMET_API_URL = server.url
        settings.AKISMET_TIMEOUT = 0.5
        yield server
