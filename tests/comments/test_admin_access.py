"""Who may do what in the admin: the Editors group, the discussion settings, login lockout."""

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command

from comments.models import DiscussionSettings, Status
from tests.factories import CommentFactory, UserFactory
from tests.support.people import editors_group, make_editor

pytestmark = pytest.mark.django_db


def test_editors_group_has_exactly_the_writing_and_moderating_permissions():
    granted = {
        f"{p.content_type.app_label}.{p.codename}" for p in editors_group().permissions.all()
    }

    assert granted == {
        "blog.add_post",
        "blog.change_post",
        "blog.delete_post",
        "blog.view_post",
        "blog.view_authorprofile",
        "blog.change_authorprofile",
        "comments.view_comment",
        "comments.change_comment",
        "comments.delete_comment",
        "comments.can_moderate",
        "comments.view_discussionsettings",
        "comments.change_discussionsettings",
        "comments.view_commentevent",
        "comments.view_akismetreport",
        "subscriptions.view_subscription",
        "subscriptions.view_delivery",
        # Categories, tags and old WordPress links (issue 15).
        "blog.add_category",
        "blog.change_category",
        "blog.delete_category",
        "blog.view_category",
        "taggit.add_tag",
        "taggit.change_tag",
        "taggit.delete_tag",
        "taggit.view_tag",
        "redirects.add_oldlink",
        "redirects.change_oldlink",
        "redirects.delete_oldlink",
        "redirects.view_oldlink",
        "wordpress.view_importeditem",
        # Importing a WordPress export from the admin (issue 15).
        "wordpress.add_importrun",
        "wordpress.view_importrun",
        # Deleting a finished or failed import (issue 19).
        "wordpress.delete_importrun",
        # The image library (issue 20).
        "blog.add_image",
        "blog.change_image",
        "blog.delete_image",
        "blog.view_image",
        # Whether their email about a waiting comment went out (issue 21).
        "comments.view_moderatornotice",
        # And whether their chat's message about it went out (issue 29).
        "comments.view_webhooknotice",
    }


def test_an_editor_cannot_manage_users_or_groups(editor_client):

    assert editor_client.get("/admin/auth/user/").status_code == 403
    assert editor_client.get("/admin/auth/group/").status_code == 403
    index = editor_client.get("/admin/").text
    assert "/admin/auth/user/" not in index
    assert "/admin/comments/comment/" in index
    assert "/admin/blog/post/" in index


def test_the_make_run_editor_account_is_in_the_editors_group():
    editors_group()
    call_command("ensure_editor", username="make-run-editor", stdout=None)

    user = UserFactory._meta.model.objects.get(username="make-run-editor")
    assert user.has_perm("comments.can_moderate")
    assert not user.has_perm("auth.change_user")


def test_staff_with_view_only_sees_the_queue_but_no_moderation_actions(client):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(viewer)
    comment = CommentFactory(status=Status.PENDING)

    page = client.get("/admin/comments/comment/")

    assert page.status_code == 200
    assert "approve_comments" not in page.text
    assert client.post(f"/admin/comments/comment/{comment.pk}/approve/").status_code == 403
    assert client.post("/admin/comments/comment/check-all/").status_code == 403


def test_discussion_settings_are_one_record_that_cannot_be_added_twice_or_deleted(editor_client):

    # The listing is the one record's form (django-solo's admin).
    form = editor_client.get("/admin/comments/discussionsettings/")
    settings_record = DiscussionSettings.objects.get()
    assert form.status_code == 200
    assert "Comment must be manually approved" in form.text
    assert editor_client.get("/admin/comments/discussionsettings/add/").status_code == 403
    delete_url = f"/admin/comments/discussionsettings/{settings_record.pk}/delete/"
    assert editor_client.get(delete_url).status_code == 403


def login(client, username, password):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR="198.51.100.50",
    )


def test_admin_login_locks_out_after_repeated_failures(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    make_editor(username="target")

    for _ in range(3):
        assert login(client, "target", "wrong guess").status_code in (200, 429)

    refused = login(client, "target", "correct horse battery")
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_right_password_logs_in_before_the_limit(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    make_editor(username="forgetful")

    login(client, "forgetful", "wrong guess")
    response = login(client, "forgetful", "correct horse battery")

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_lockout_is_per_user_and_ip(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    make_editor(username="victim")
    make_editor(username="bystander")
    for _ in range(2):
        login(client, "victim", "wrong guess")

    assert login(client, "bystander", "correct horse battery").status_code == 302
    other_ip = client.post(
        "/admin/login/?next=/admin/",
        {"username": "victim", "password": "correct horse battery"},
        REMOTE_ADDR="203.0.113.99",
    )
    assert other_ip.status_code == 302
