"""A password-protected post, as WordPress has them: its title and a form until a reader
enters the password, then the post, for that reader alone; never in feeds or search."""

import pytest
from django.test import Client

from comments.models import Comment
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

SECRET = "The launch date is the ninth."


@pytest.fixture
def protected():
    return PostFactory(title="Members news", body=SECRET, password="hunter2")


def test_a_reader_sees_the_title_and_a_password_form_never_cached(client, protected):
    response = client.get(protected.get_absolute_url())

    assert response.status_code == 200
    assert "Members news" in response.text
    assert SECRET not in response.text
    assert 'name="post_password"' in response.text
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_password_unlocks_the_post_for_that_reader_alone(client, protected):
    url = protected.get_absolute_url()

    wrong = client.post(url, {"post_password": "guess"})
    assert wrong.status_code == 200
    assert SECRET not in wrong.text
    assert "That is not this post" in wrong.text

    entered = client.post(url, {"post_password": "hunter2"})
    assert (entered.status_code, entered["Location"]) == (302, url)
    unlocked = client.get(url)
    assert SECRET in unlocked.text
    assert "no-store" in unlocked["Cache-Control"]
    assert SECRET not in Client().get(url).text


def test_a_new_password_locks_the_post_again(client, protected):
    url = protected.get_absolute_url()
    client.post(url, {"post_password": "hunter2"})

    protected.password = "correct horse"
    protected.save()

    assert SECRET not in client.get(url).text


def test_lists_show_the_title_but_not_the_text(client, protected):
    home = client.get("/")

    assert "Members news" in home.text
    assert SECRET not in home.text
    assert "There is no excerpt because this is a protected post." in home.text


def test_feeds_and_search_leave_a_protected_post_out(client, protected):
    CommentFactory(post=protected, content="Only members read this reply.")

    assert "Members news" not in client.get("/feed/").text
    assert "Members news" not in client.get("/feed/atom/").text
    assert "Members news" not in client.get("/search/?q=launch").text
    assert client.get(f"{protected.get_absolute_url()}feed/").status_code == 404
    assert Comment.objects.filter(post=protected).exists()
    assert "Only members read" not in client.get("/comments/feed/").text
    assert protected.get_absolute_url() not in client.get("/sitemap.xml").text


def test_staff_read_a_protected_post_without_its_password(admin_client, protected):
    assert SECRET in admin_client.get(protected.get_absolute_url()).text


def test_a_reader_who_has_not_entered_the_password_cannot_comment(client, protected):
    response = client.post(
        f"/comments/post/{protected.pk}/",
        {"author": "Ann", "email": "ann@example.com", "comment": "Let me in."},
    )

    assert response.status_code == 403
    assert "password before commenting" in response.text
    assert not Comment.objects.filter(post=protected).exists()
