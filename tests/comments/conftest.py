"""Fixtures for the comment specifications: posting through HTTP, and Akismet doubles."""

import akismet
import pytest
from django.urls import reverse

from comments import spam
from tests.akismet_double import AkismetDouble
from tests.comments.commenting import form_data, next_address
from tests.comments.moderation_helpers import make_editor


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """Post a comment through HTTP, running what the view queues after its commit."""

    def post_comment(post, *, ip=None, http_client=None, headers=None, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return (http_client or client).post(
                reverse("comments:post", args=[post.pk]),
                form_data(post, **fields),
                REMOTE_ADDR=ip or next_address(),
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


@pytest.fixture
def editor_client(client):
    """A member of the Editors group, logged in."""
    client.force_login(make_editor())
    return client
