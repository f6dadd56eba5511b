"""The owner `make run` creates adds a co-editor and renames the site, in a real browser."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from comments.models import Status, tell_posts_comments_changed
from tests.factories import CommentFactory
from tests.support.people import editors_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = "/2007/05/selling-vs-marketing/"


def sign_in(page, base_url, username, password):
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    # Generous: this machine is shared, and sign-in hashes a password.
    expect(page.locator("#logout-form")).to_be_attached(timeout=30_000)


def test_the_owner_adds_a_co_editor_and_renames_the_site_and_readers_see_it(
    live_server, seed_post, new_page
):
    editors_group()
    out = StringIO()
    call_command("ensure_owner", stdout=out)
    password = re.search(r"with password (\S+)", out.getvalue()).group(1)
    CommentFactory(post=seed_post, status=Status.APPROVED, author_name="Ada Asker")
    tell_posts_comments_changed([seed_post.pk])
    owner = new_page()
    sign_in(owner, live_server.url, "owner", password)

    owner.goto(f"{live_server.url}/admin/auth/user/add/")
    owner.get_by_label("Username").fill("coeditor")
    owner.locator("#id_password1").fill("a long co-editor passphrase")
    owner.locator("#id_password2").fill("a long co-editor passphrase")
    owner.get_by_role("button", name="Save", exact=True).click()
    owner.get_by_label("Staff status").check()
    owner.select_option("#id_groups_from", label="Editors")
    owner.locator("#id_groups_add").click()
    owner.get_by_role("button", name="Save", exact=True).click()
    expect(owner.locator(".messagelist")).to_contain_text("was changed successfully")

    owner.goto(f"{live_server.url}/admin/blog/sitesettings/")
    owner.get_by_label("Site name").fill("Notes From Paris")
    owner.get_by_label("Time zone").select_option("Europe/Paris")
    owner.get_by_role("button", name="Save", exact=True).click()
    expect(owner.locator(".messagelist")).to_be_visible()

    reader = new_page()
    reader.goto(live_server.url + ARTICLE)
    expect(reader.locator(".site-title")).to_have_text("Notes From Paris")
    expect(reader.locator(".comment-date").first).to_contain_text(re.compile(r"CES?T"))

    coeditor = new_page()
    sign_in(coeditor, live_server.url, "coeditor", "a long co-editor passphrase")
    coeditor.goto(f"{live_server.url}/admin/comments/comment/")
    expect(coeditor.get_by_role("heading", name="Comments that need review")).to_be_visible()
