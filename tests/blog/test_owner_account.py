"""The owner account `make run` creates adds co-editors and gives an imported author a password."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from tests.support.people import editors_group

pytestmark = pytest.mark.django_db

MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"


def make_run_owner() -> str:
    """Run what `make run` runs for the owner; return the password it printed."""
    editors_group()
    out = StringIO()
    call_command("ensure_owner", stdout=out)
    return re.search(r"as 'owner' with password (\S+)", out.getvalue()).group(1)


def signed_in(username: str, password: str) -> Client:
    client = Client()
    page = client.post("/admin/login/?next=/admin/", {"username": username, "password": password})
    assert page.status_code == 302, page.text
    return client


def test_make_run_creates_the_owner_and_prints_its_password_once():
    password = make_run_owner()
    again = StringIO()
    call_command("ensure_owner", stdout=again)

    assert "ensure_owner" in MAKEFILE.read_text()
    assert password not in again.getvalue()
    assert "Sign in at /admin/ as 'owner'" in again.getvalue()
    assert get_user_model().objects.get(username="owner").is_superuser


def test_the_owner_adds_a_co_editor_who_can_then_moderate():
    owner = signed_in("owner", make_run_owner())

    added = owner.post(
        "/admin/auth/user/add/",
        {
            "username": "coeditor",
            "usable_password": "true",
            "password1": "a long co-editor passphrase",
            "password2": "a long co-editor passphrase",
        },
    )
    coeditor = get_user_model().objects.get(username="coeditor")
    changed = owner.post(
        f"/admin/auth/user/{coeditor.pk}/change/",
        {
            "username": "coeditor",
            "first_name": "Co",
            "last_name": "Editor",
            "email": "co@blog.example",
            "is_active": "on",
            "is_staff": "on",
            "groups": [editors_group().pk],
            "date_joined_0": "2026-12-06",
            "date_joined_1": "12:00:00",
        },
    )

    assert added.status_code == 302, added.text
    assert changed.status_code == 302, changed.text
    coeditor_client = signed_in("coeditor", "a long co-editor passphrase")
    assert coeditor_client.get("/admin/comments/comment/").status_code == 200
    assert coeditor_client.get("/admin/auth/user/").status_code == 403


def test_the_owner_gives_an_imported_author_a_password():
    author = get_user_model().objects.create_user("imported-author", email="a@blog.example")
    author.set_unusable_password()
    author.save()
    owner = signed_in("owner", make_run_owner())

    answer = owner.post(
        f"/admin/auth/user/{author.pk}/password/",
        {
            "usable_password": "true",
            "password1": "the author's new passphrase",
            "password2": "the author's new passphrase",
        },
    )

    assert answer.status_code == 302, answer.text
    author.refresh_from_db()
    assert author.check_password("the author's new passphrase")


def test_the_owner_opens_the_site_settings():
    owner = signed_in("owner", make_run_owner())

    assert owner.get("/admin/blog/sitesettings/").status_code == 200
