"""A post whose address changes leaves an old link behind: its old address still finds it."""

import pytest
from django.utils import timezone

from blog.models import Post
from redirects.models import OldLink
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def change_form(post, **changes):
    local = timezone.localtime(post.published_at)
    data = {
        "title": post.title,
        "slug": post.slug,
        "body": post.body,
        "custom_excerpt": "",
        "copyright_notice": "",
        "status": post.status,
        "published_at_0": local.strftime("%Y-%m-%d"),
        "published_at_1": local.strftime("%H:%M:%S"),
        "author": post.author_id,
        "comments_open": "on",
        "kind": post.kind,
        "parent": post.parent_id or "",
        "tags": "",
        "body_format": post.body_format,
    }
    return {**data, **changes}


def edit(admin_client, post, **changes):
    response = admin_client.post(
        f"/admin/blog/post/{post.pk}/change/", change_form(post, **changes)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    post.refresh_from_db()
    return post


def test_renaming_a_slug_in_the_admin_sends_the_old_address_on(admin_client, client):
    post = PostFactory(slug="first-name")
    old = post.get_absolute_url()

    edit(admin_client, post, slug="better-name")

    response = client.get(old)
    assert (response.status_code, response["Location"]) == (301, post.get_absolute_url())
    assert post.get_absolute_url().endswith("/better-name/")
    assert client.get(response["Location"]).status_code == 200
    assert client.get(f"{old}feed/")["Location"] == f"{post.get_absolute_url()}feed/"


def test_moving_a_post_to_another_month_sends_the_old_address_on(admin_client, client):
    post = PostFactory(published_at=timezone.now() - timezone.timedelta(days=400))
    old = post.get_absolute_url()

    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    edit(admin_client, post, published_at_0=yesterday.strftime("%Y-%m-%d"))

    assert client.get(old)["Location"] == post.get_absolute_url() != old


def test_renaming_a_parent_page_keeps_the_old_addresses_of_the_pages_under_it(client):
    about = PostFactory(kind=Post.Kind.PAGE, slug="about")
    team = PostFactory(kind=Post.Kind.PAGE, slug="team", parent=about)

    about.slug = "company"
    about.save()

    assert client.get("/about/")["Location"] == "/company/"
    assert client.get("/about/team/")["Location"] == "/company/team/"
    assert team.get_absolute_url() == "/company/team/"


def test_renaming_back_leaves_no_link_from_the_address_to_itself(client):
    post = PostFactory(slug="one")
    first = post.get_absolute_url()
    post.slug = "two"
    post.save()
    post.slug = "one"
    post.save()

    assert list(OldLink.objects.values_list("old_path", "post")) == [
        (first.replace("/one/", "/two/"), post.pk)
    ]
    assert client.get(first).status_code == 200
    assert client.get(first.replace("/one/", "/two/"))["Location"] == first


def test_saving_without_a_change_of_address_or_renaming_a_draft_records_nothing():
    post = PostFactory(slug="kept")
    post.title = "A new title"
    post.save()
    draft = PostFactory(slug="draft-name", status=Post.Status.DRAFT)
    draft.slug = "other-draft-name"
    draft.save()

    assert not OldLink.objects.exists()
