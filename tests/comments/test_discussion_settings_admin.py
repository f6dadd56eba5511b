"""Who may change Settings → Discussion (django-solo's admin), and what reading them costs."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import DiscussionSettings, Status, tell_posts_comments_changed
from tests.comments.discussion_helpers import (
    SETTINGS_URL,
    editor_browser,
    save_settings,
    settings_form,
)
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def settings_queries(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "comments_discussionsettings" in q["sql"]]


def test_an_editor_changes_the_discussion_settings(django_capture_on_commit_callbacks):
    browser = editor_browser()
    form = browser.get(SETTINGS_URL)
    assert form.status_code == 200
    assert "Threaded (nested) comments, levels deep" in form.text

    save_settings(
        django_capture_on_commit_callbacks,
        browser,
        thread_depth=3,
        comments_per_page=20,
        order="newest",
        show_avatars=False,
        avatar_default="retro",
        avatar_rating="r",
        require_login=True,
        akismet_notice=False,
    )

    stored = DiscussionSettings.load()
    assert (stored.max_depth, stored.per_page, stored.order) == (3, 20, "newest")
    assert (stored.show_avatars, stored.avatar_default, stored.avatar_rating) == (
        False,
        "retro",
        "r",
    )
    assert stored.require_login
    assert not stored.akismet_notice


def test_a_staff_member_who_may_only_view_cannot_change_them(client):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_discussionsettings"))
    client.force_login(viewer)

    assert client.get(SETTINGS_URL).status_code == 200
    refused = client.post(SETTINGS_URL, settings_form(require_login=True))

    assert refused.status_code == 403
    assert DiscussionSettings.load().require_login is False


def test_staff_without_the_permission_cannot_see_them(client):
    client.force_login(UserFactory(username="writer", is_staff=True))

    assert client.get(SETTINGS_URL).status_code == 403
    assert client.post(SETTINGS_URL, settings_form(thread_depth=2)).status_code == 403
    assert DiscussionSettings.load().thread_depth is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("thread_depth", "0"),
        ("thread_depth", "11"),
        ("comments_per_page", "0"),
        ("comments_per_page", "many"),
        ("avatar_rating", "nc17"),
        ("order", "random"),
    ],
)
def test_an_impossible_value_is_refused_beside_its_field(field, value):
    browser = editor_browser()

    response = browser.post(SETTINGS_URL, {**settings_form(), field: value})

    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one(f".field-{field} .errorlist") is not None
    assert (
        getattr(DiscussionSettings.load(), field)
        == DiscussionSettings._meta.get_field(field).get_default()
    )


def test_an_empty_depth_or_page_size_keeps_the_environments_and_says_which(settings):
    settings.COMMENTS_THREAD_DEPTH = 7
    settings.COMMENTS_PER_PAGE = 30

    soup = BeautifulSoup(editor_browser().get(SETTINGS_URL).content, "html.parser")

    assert soup.select_one("#id_thread_depth")["placeholder"] == "7"
    assert soup.select_one("#id_comments_per_page")["placeholder"] == "30"
    stored = DiscussionSettings.load()
    assert (stored.max_depth, stored.per_page) == (7, 30)


def test_the_settings_cannot_be_added_twice_or_deleted():
    browser = editor_browser()
    assert browser.get(SETTINGS_URL).status_code == 200

    assert browser.get("/admin/comments/discussionsettings/add/").status_code == 403
    assert browser.get("/admin/comments/discussionsettings/1/delete/").status_code == 403
    assert DiscussionSettings.objects.count() == 1


@pytest.fixture
def discussed(post):
    DiscussionSettings.load()  # on a live site the row exists after the first request
    CommentFactory.create_batch(5, post=post, status=Status.APPROVED)
    tell_posts_comments_changed([post.pk])
    return post


def test_a_request_reads_the_settings_at_most_once(client, discussed, settings):
    settings.COMMENTS_PER_PAGE = 1  # every feed item works out its comment page

    for address in (discussed.get_absolute_url(), "/comments/feed/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        assert len(settings_queries(queries)) <= 1, address


def test_with_a_shared_cache_pages_read_the_settings_without_a_query(
    client, discussed, settings, a_second_passes, django_capture_on_commit_callbacks
):
    settings.SOLO_CACHE = "default"
    client.get(discussed.get_absolute_url())
    a_second_passes()

    with CaptureQueriesContext(connection) as queries:
        assert client.get(discussed.get_absolute_url()).status_code == 200
    assert settings_queries(queries) == []

    save_settings(django_capture_on_commit_callbacks, show_avatars=False)
    a_second_passes()

    assert b'class="avatar"' not in client.get(discussed.get_absolute_url()).content
