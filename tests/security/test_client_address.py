"""Who is the reader? Behind the TLS proxy, the proxy says; otherwise nobody can claim to."""

import pytest
from django.test import override_settings

from comments.models import Comment
from devstack.stack import comment_form
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

READER = {"author": "Ada Reader", "email": "ada@example.com", "url": ""}
PROXY = {"REMOTE_ADDR": "10.0.0.2"}


def _post(client, post, text, email="ada@example.com", **meta):
    _action, hidden = comment_form(client.get(post.get_absolute_url()).content.decode())
    data = {**hidden, **READER, "email": email, "comment": text}
    return client.post(f"/comments/post/{post.pk}/", data, **meta)


def test_a_forged_x_forwarded_for_is_ignored_without_a_trusted_proxy(client):
    post = PostFactory()

    response = _post(client, post, "Hello.", HTTP_X_FORWARDED_FOR="198.51.100.1")

    assert response.status_code == 302
    assert Comment.objects.get().ip_address == "127.0.0.1"


@override_settings(TRUSTED_PROXY_HOPS=1)
def test_behind_the_proxy_a_comment_records_the_address_the_proxy_saw(client):
    post = PostFactory()

    response = _post(
        client, post, "Hello.", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9", **PROXY
    )

    assert response.status_code == 302
    assert Comment.objects.get().ip_address == "203.0.113.9"


@override_settings(TRUSTED_PROXY_HOPS=1)
def test_two_readers_behind_the_proxy_are_not_one_flood(client):
    post = PostFactory()

    first = _post(client, post, "One.", HTTP_X_FORWARDED_FOR="203.0.113.1", **PROXY)
    second = _post(
        client, post, "Two.", email="bo@example.com", HTTP_X_FORWARDED_FOR="203.0.113.2", **PROXY
    )

    assert (first.status_code, second.status_code) == (302, 302)


@override_settings(TRUSTED_PROXY_HOPS=1)
def test_a_reader_cannot_dodge_the_flood_rule_by_forging_addresses_behind_the_proxy(client):
    post = PostFactory()

    first = _post(client, post, "One.", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7", **PROXY)
    second = _post(
        client,
        post,
        "Two.",
        email="other@example.com",
        HTTP_X_FORWARDED_FOR="2.2.2.2, 203.0.113.7",
        **PROXY,
    )

    assert first.status_code == 302
    assert second.status_code == 429


@override_settings(TRUSTED_PROXY_HOPS=1)
def test_a_garbage_forwarded_address_falls_back_to_the_connection(client):
    post = PostFactory()

    response = _post(client, post, "Hello.", HTTP_X_FORWARDED_FOR="not-an-ip", **PROXY)

    assert response.status_code == 302
    assert Comment.objects.get().ip_address == "10.0.0.2"
