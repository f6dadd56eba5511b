"""The owner names the site, sets its time zone and icon in the admin; pages follow at once."""

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from blog.site import SiteSettings
from comments.models import Status, tell_posts_comments_changed
from tests.factories import CommentFactory
from tests.media import samples

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("the_hour_does_not_turn")]

SETTINGS_PAGE = "/admin/blog/sitesettings/"


def save_site_settings(owner_client, capture, **fields):
    data = {"name": "", "tagline": "", "time_zone": "", **fields}
    with capture(execute=True):
        response = owner_client.post(SETTINGS_PAGE, data)
    return response


def header_of(page: str) -> str:
    return re.search(r'<a class="site-title"[^>]*>([^<]*)</a>', page).group(1)


def test_the_owner_renames_the_site_and_a_readers_copy_is_not_kept(
    superuser_client, post, a_second_passes, django_capture_on_commit_callbacks, settings
):
    reader = Client()
    before = reader.get(post.get_absolute_url())
    assert header_of(before.text) == settings.SITE_NAME

    saved = save_site_settings(
        superuser_client,
        django_capture_on_commit_callbacks,
        name="The Owners Notebook",
        tagline="Notes on selling",
    )
    a_second_passes()
    after = reader.get(post.get_absolute_url(), headers={"if-none-match": before["ETag"]})

    assert saved.status_code == 302, saved.text
    assert after.status_code == 200
    assert header_of(after.text) == "The Owners Notebook"
    assert '<p class="site-tagline">Notes on selling</p>' in after.text
    assert "<title>" + post.title + " \u2013 The Owners Notebook</title>" in after.text
    assert header_of(reader.get("/").text) == "The Owners Notebook"
    assert "The Owners Notebook" in superuser_client.get("/admin/").text


def test_an_archive_page_follows_the_new_name(
    superuser_client, post, django_capture_on_commit_callbacks
):
    reader = Client()
    archive = f"/{post.published_at:%Y}/"
    before = reader.get(archive)

    save_site_settings(superuser_client, django_capture_on_commit_callbacks, name="Renamed")
    after = reader.get(archive, headers={"if-none-match": before["ETag"]})

    assert after.status_code == 200
    assert header_of(after.text) == "Renamed"


def test_empty_settings_mean_the_environments_name_and_zone(client, post, settings):
    SiteSettings.objects.create(name="", time_zone="")
    settings.SITE_NAME = "From the environment"

    assert header_of(client.get(post.get_absolute_url()).text) == "From the environment"


def test_comment_dates_say_their_zone_and_follow_the_owners_choice(
    superuser_client, post, django_capture_on_commit_callbacks
):
    CommentFactory(
        post=post,
        status=Status.APPROVED,
        submitted_at=dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC),
    )
    tell_posts_comments_changed([post.pk])
    reader = Client()

    in_utc = reader.get(post.get_absolute_url()).text
    save_site_settings(
        superuser_client, django_capture_on_commit_callbacks, time_zone="Europe/Paris"
    )
    in_paris = Client().get(post.get_absolute_url()).text

    assert "January 15, 2026 at 12:00 p.m. UTC" in in_utc
    assert "January 15, 2026 at 1:00 p.m. CET" in in_paris


def test_an_unknown_time_zone_is_refused_with_why(
    superuser_client, django_capture_on_commit_callbacks
):
    page = save_site_settings(
        superuser_client, django_capture_on_commit_callbacks, time_zone="Mars/Olympus Mons"
    )

    assert page.status_code == 200
    assert "Select a valid choice" in page.text or "is not a time zone" in page.text
    assert SiteSettings.get_solo().time_zone == ""


def square_photo(side: int = 512) -> bytes:
    """Return the suite's real photograph cut square, as an owner would upload a logo."""
    with Image.open(io.BytesIO(samples.photo())) as picture:
        out = io.BytesIO()
        picture.crop((0, 0, side, side)).save(out, format="PNG")
    return out.getvalue()


def upload_icon(owner_client, capture, data: bytes, name="icon.png"):
    with capture(execute=True):
        return owner_client.post(
            SETTINGS_PAGE,
            {
                "name": "",
                "tagline": "",
                "time_zone": "",
                "icon": SimpleUploadedFile(name, data, content_type="image/png"),
            },
        )


def test_a_square_icon_becomes_the_favicon_and_the_phones_icon(
    superuser_client, post, django_capture_on_commit_callbacks
):
    saved = upload_icon(superuser_client, django_capture_on_commit_callbacks, square_photo())
    reader = Client()
    page = reader.get(post.get_absolute_url()).text
    favicon = reader.get("/favicon.ico")
    touch = reader.get("/apple-touch-icon.png")

    assert saved.status_code == 302, saved.text
    assert re.search(r'<link rel="icon" href="/favicon.ico\?v=[^"]+"', page)
    assert re.search(r'<link rel="apple-touch-icon" href="/apple-touch-icon.png\?v=[^"]+"', page)
    assert favicon.status_code == 200
    assert favicon["Content-Type"] == "image/x-icon"
    with Image.open(io.BytesIO(favicon.content)) as ico:
        assert ico.format == "ICO"
        assert {(16, 16), (32, 32), (48, 48)} <= ico.info["sizes"]
    assert touch["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(touch.content)) as png:
        assert png.size == (180, 180)
    assert reader.get("/favicon.ico", headers={"if-none-match": favicon["ETag"]}).status_code == 304


def test_a_new_icon_changes_its_address_and_its_bytes(
    superuser_client, django_capture_on_commit_callbacks
):
    upload_icon(superuser_client, django_capture_on_commit_callbacks, square_photo())
    first = Client().get("/favicon.ico")
    upload_icon(
        superuser_client,
        django_capture_on_commit_callbacks,
        samples.made("PNG", size=(64, 64), colour=(0, 90, 200)),
    )
    second = Client().get("/favicon.ico", headers={"if-none-match": first["ETag"]})

    assert second.status_code == 200
    assert second.content != first.content


def test_a_photo_that_is_not_square_is_refused_with_why(
    superuser_client, django_capture_on_commit_callbacks
):
    page = upload_icon(superuser_client, django_capture_on_commit_callbacks, samples.photo())

    assert page.status_code == 200
    assert "The icon must be square; this image is 512 by 600 pixels." in page.text
    assert not SiteSettings.get_solo().has_icon


def test_a_file_that_is_not_an_image_is_refused_without_a_500(
    superuser_client, django_capture_on_commit_callbacks
):
    page = upload_icon(superuser_client, django_capture_on_commit_callbacks, b"GIF89a not really")

    assert page.status_code == 200
    assert "errorlist" in page.text


def test_without_an_icon_no_page_view_costs_a_404(client, post):
    page = client.get(post.get_absolute_url()).text

    assert 'rel="icon"' not in page
    assert client.get("/favicon.ico").status_code == 204
    assert client.get("/apple-touch-icon.png").status_code == 204


def test_the_login_page_shows_the_sites_name_not_the_host(client, settings):
    page = client.get("/accounts/login/").text

    assert header_of(page) == settings.SITE_NAME
    assert f"\u2013 {settings.SITE_NAME}</title>" in page


def test_an_editor_cannot_change_the_site_settings(editor_client):
    assert editor_client.get(SETTINGS_PAGE).status_code == 403
