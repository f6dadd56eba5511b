"""An editor brings an export's images from the admin: an uploads zip, or fetching (issue 27).

The export is WordPress's theme unit test; its pictures are stand-ins drawn at the sizes
their names say (`stand_in_uploads`), zipped as an editor would zip wp-content/uploads, or
served by a real HTTP server on 127.0.0.1 standing in for the old site.
"""

import functools
import http.server
import io
import random
import threading
import zipfile

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile

from blog.models import Image, Post
from wordpress.models import ImportRun

from . import stand_in_uploads
from .stand_in_uploads import THEME_UNIT_TEST

pytestmark = pytest.mark.django_db(databases=["default", "progress"])

IMPORT_URL = "/admin/wordpress/importrun/import/"
# The theme unit test's attachments that are pictures (a .mov and one without an address
# are not).
PICTURES = sum(path.endswith((".jpg", ".gif")) for path in stand_in_uploads.uploads_paths())
ATTACHMENTS = THEME_UNIT_TEST.read_text(encoding="utf-8").count("<wp:attachment_url>")
ALIGNMENT_SIZES = {
    "Image Alignment 580x300": (580, 300),
    "Image Alignment 150x150": (150, 150),
    "Image Alignment 300x200": (300, 200),
    "Image Alignment 1200x400": (1200, 4002),
}


@pytest.fixture
def send(editor_client, django_capture_on_commit_callbacks):
    """Post the import form as an editor, running the import it queues."""

    def post(export: bytes, uploads: bytes | None = None, **fields):
        data = {"file": SimpleUploadedFile("theme-unit-test-data.xml", export), **fields}
        if uploads is not None:
            data["uploads"] = SimpleUploadedFile("uploads.zip", uploads)
        with django_capture_on_commit_callbacks(execute=True):
            return editor_client.post(IMPORT_URL, data)

    return post


def alignment_images(client) -> dict:
    """Return the image-alignment post's images as readers get them: alt → stored size."""
    post = Post.objects.get(slug="markup-image-alignment")
    page = BeautifulSoup(client.get(post.get_absolute_url()).content, "html.parser")
    by_url = {image.url: image for image in Image.objects.all()}
    return {
        img["alt"]: (by_url[img["src"]].width, by_url[img["src"]].height)
        for img in page.select(".post-body img[alt^='Image Align']")
    }


def form_errors(response) -> list[str]:
    page = BeautifulSoup(response.content, "html.parser")
    return [li.get_text() for li in page.select(".errorlist li")]


def test_the_import_form_offers_the_uploads_zip_and_fetching(editor_client):
    page = BeautifulSoup(editor_client.get(IMPORT_URL).content, "html.parser")

    assert page.find("input", type="file", attrs={"name": "uploads"}) is not None
    assert page.find("input", type="checkbox", attrs={"name": "fetch_images"}) is not None
    assert page.find("textarea", attrs={"name": "fetch_hosts"}) is not None


def test_the_uploads_zip_brings_every_picture_and_each_keeps_its_own_file(send, client, media_root):
    response = send(THEME_UNIT_TEST.read_bytes(), stand_in_uploads.zipped())

    run = ImportRun.objects.get()
    assert response.status_code == 302, form_errors(response)
    assert run.state == ImportRun.State.DONE, run.result
    assert f"{PICTURES} images" in run.result
    assert Image.objects.count() == PICTURES
    assert (run.images_done, run.images_total) == (ATTACHMENTS, ATTACHMENTS)
    assert bytes(run.uploads_zip) == b""
    assert alignment_images(client) == ALIGNMENT_SIZES


@pytest.fixture
def old_site(tmp_path, settings):
    """The theme unit test's old site: a real HTTP server on 127.0.0.1, allowed for tests."""
    settings.WORDPRESS_FETCH_ALLOW_ADDRESSES = ["127.0.0.1"]
    root = stand_in_uploads.write_folder(tmp_path / "www")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_images_are_fetched_from_the_old_site_when_the_editor_asks(
    send, client, old_site, media_root
):
    response = send(stand_in_uploads.export_served_from(old_site), fetch_images="on")

    run = ImportRun.objects.get()
    assert response.status_code == 302, form_errors(response)
    assert f"{PICTURES} images" in run.result, run.result
    assert (run.images_done, run.images_total) == (ATTACHMENTS, ATTACHMENTS)
    assert alignment_images(client) == ALIGNMENT_SIZES


def test_without_asking_nothing_is_fetched(send, old_site, media_root):
    send(stand_in_uploads.export_served_from(old_site))

    assert not Image.objects.exists()
    assert "use --uploads DIR or --fetch-uploads" in ImportRun.objects.get().result


def zip_of(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("uploads", "limits", "error"),
    [
        (b"PK not a zip", {}, "This file is not a zip archive."),
        (
            zip_of({"2013/03/../../../../etc/cron.d/x.jpg": b"x"}),
            {},
            "The zip names a file outside its folder: 2013/03/../../../../etc/cron.d/x.jpg",
        ),
        (zip_of({"/etc/x.jpg": b"x"}), {}, "The zip names a file outside its folder: /etc/x.jpg"),
        (
            zip_of({f"2013/03/{n}.jpg": b"x" for n in range(3)}),
            {"WORDPRESS_UPLOADS_MAX_FILES": 2},
            "The zip holds more than 2 files (WORDPRESS_UPLOADS_MAX_FILES).",
        ),
        (
            # A zip bomb: 2 KB of zip that unpacks to 1 MB.
            zip_of({"2013/03/bomb.jpg": bytes(1_000_000)}),
            {"WORDPRESS_UPLOADS_MAX_BYTES": 100_000},
            "Unpacked, the zip would be larger than 390.6\xa0KB.",
        ),
        (
            zip_of({"2013/03/big.jpg": random.Random(27).randbytes(150_000)}),
            {"WORDPRESS_UPLOADS_MAX_BYTES": 100_000},
            "This zip is larger than 97.7\xa0KB (WORDPRESS_UPLOADS_MAX_BYTES): leave it out and "
            "fetch the images from the old site, or import with manage.py import_wordpress "
            "--uploads DIR.",
        ),
    ],
    ids=["not-a-zip", "climbs-out", "absolute", "too-many-files", "zip-bomb", "too-large"],
)
def test_a_bad_uploads_zip_is_refused_with_the_reason_and_nothing_is_imported(
    send, settings, uploads, limits, error
):
    for name, value in limits.items():
        setattr(settings, name, value)

    response = send(THEME_UNIT_TEST.read_bytes(), uploads)

    assert response.status_code == 200
    assert form_errors(response) == [error]
    assert not ImportRun.objects.exists()
    assert not Post.objects.exists()


def test_a_host_to_fetch_from_must_be_a_host_name(send):
    response = send(THEME_UNIT_TEST.read_bytes(), fetch_images="on", fetch_hosts="i0.wp.com\n<x>")

    assert form_errors(response) == ["“<x>” is not a host name."]
