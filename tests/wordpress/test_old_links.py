"""Old links send readers on to a path on this site, never to another site (issue 19)."""

import pytest
from django.urls import reverse

from redirects.models import OldLink
from tests.factories import AuthorProfileFactory, PostFactory, UserFactory

from .helpers import run_import

pytestmark = pytest.mark.django_db

OFF_SITE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "http:evil.example",
    "about/",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_an_editor_cannot_point_an_old_link_off_site(admin_client, target):
    response = admin_client.post(
        reverse("admin:redirects_oldlink_add"),
        {"old_path": "/old/", "post": "", "new_path": target},
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["new_path"] == [
        "Enter a path on this site that starts with one slash, such as /about/."
    ]
    assert not OldLink.objects.exists()


def test_an_editor_may_point_an_old_link_at_a_path_on_this_site(admin_client, client):
    response = admin_client.post(
        reverse("admin:redirects_oldlink_add"),
        {"old_path": "/old/", "post": "", "new_path": "/about/?tab=team"},
    )

    assert response.status_code == 302
    followed = client.get("/old/")
    assert (followed.status_code, followed["Location"]) == (301, "/about/?tab=team")


def test_an_old_link_needs_a_post_or_an_address(admin_client):
    response = admin_client.post(
        reverse("admin:redirects_oldlink_add"), {"old_path": "/old/", "post": "", "new_path": ""}
    )

    assert response.status_code == 200
    assert "Choose the post or page it now is" in str(
        response.context["adminform"].form.errors["new_path"]
    )
    assert not OldLink.objects.exists()


@pytest.mark.parametrize("target", [*OFF_SITE, " /about/", ""])
def test_a_stored_off_site_link_is_a_404_and_not_a_redirect(client, target):
    # Stored before the validation, or by a bulk write that skips it.
    OldLink.objects.create(old_path="/old/", new_path=target)

    response = client.get("/old/")

    assert response.status_code == 404
    assert "Location" not in response


def test_an_old_link_to_a_post_still_redirects(client):
    post = PostFactory()
    OldLink.objects.create(old_path="/?p=7", post=post)

    response = client.get("/?p=7")

    assert (response.status_code, response["Location"]) == (301, post.get_absolute_url())


def test_an_old_author_link_to_the_home_page_does_not_shadow_the_author_archive(client):
    # Earlier imports sent /author/<login>/ to the home page.
    author = AuthorProfileFactory(user=UserFactory(username="writer")).user
    PostFactory(author=author, title="By the writer")
    OldLink.objects.create(old_path="/author/writer/", new_path="/")

    response = client.get("/author/writer/")

    assert response.status_code == 200
    assert "By the writer" in response.text


def test_an_imported_authors_old_address_is_their_archive(client):
    run_import("site.xml")

    response = client.get("/author/jbj/")

    assert response.status_code == 200
    assert response.context["heading"].startswith("Posts by ")
