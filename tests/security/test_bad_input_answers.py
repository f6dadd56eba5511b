"""Rows of docs/security-and-privacy.md's "Bad input" table not covered elsewhere."""

import pytest
from django.test import override_settings

from comments.models import Comment
from devstack.stack import comment_form
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

READER = {"author": "Ada Reader", "email": "ada@example.com", "url": "", "comment": "Hello."}
PROXY = {"REMOTE_ADDR": "10.0.0.2"}


@override_settings(ALLOWED_HOSTS=["blog.example.com"])
@pytest.mark.parametrize("host", ["evil.example", "user@blog.example.com", "blog example\x00"])
def test_a_host_the_site_does_not_serve_gets_400(client, host):
    post = PostFactory()

    response = client.get(post.get_absolute_url(), HTTP_HOST=host)

    assert response.status_code == 400
    assert "Your request could not be read" in response.text


@override_settings(TRUSTED_PROXY_HOPS=1)
@pytest.mark.parametrize(
    "forwarded",
    ["203.0.113.9:8080", "203.0.113.9\x00", "<script>alert(1)</script>", ",,"],
)
def test_a_forwarded_hop_that_is_not_a_plain_address_is_ignored(client, forwarded):
    post = PostFactory()
    _action, hidden = comment_form(client.get(post.get_absolute_url()).text)

    response = client.post(
        f"/comments/post/{post.pk}/", {**hidden, **READER}, HTTP_X_FORWARDED_FOR=forwarded, **PROXY
    )

    assert response.status_code == 302
    assert Comment.objects.get().ip_address == "10.0.0.2"
