"""An editor imports the theme unit test from the admin, and readers see its images (issue 27).

As in production: gunicorn serves the site, a separate `manage.py db_worker` imports, and
chromium reads the posts under the site's CSP. The images come once from an uploads zip
sent in the form, and once fetched by the worker from a real HTTP server on 127.0.0.1
standing in for the old site (the one address WORDPRESS_FETCH_ALLOW_ADDRESSES allows).
The export is WordPress's own; the pictures are stand-ins drawn at the sizes their file
names say (`tests/wordpress/stand_in_uploads.py`).
"""

import functools
import http.server
import threading

import pytest
from django.db import connection
from playwright.sync_api import expect

from blog.models import Post
from devstack.stack import database_url_for, db_worker, gunicorn, stack_env
from tests.e2e.test_csp_in_browser import LISTEN_FOR_VIOLATIONS, violations
from tests.factories import PostFactory
from tests.support.people import make_editor
from tests.wordpress import stand_in_uploads

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, databases=["default", "progress"]),
]

# Each image is scrolled to (they load lazily) and awaited before it is measured.
SHOWN = """
async () => {
  const images = Array.from(document.querySelectorAll('.post-body img, .featured-image img'));
  for (const img of images) {
    img.scrollIntoView();
    await img.decode().catch(() => {});
  }
  return images.map(img => ({
    alt: img.alt, src: img.currentSrc, width: img.naturalWidth, height: img.naturalHeight,
    float: getComputedStyle(img).float,
  }));
}
"""
# The image-alignment post's pictures, at the sizes their names say.
ALIGNMENT = {
    "Image Alignment 580x300": (580, 300),
    "Image Alignment 150x150": (150, 150),
    "Image Alignment 300x200": (300, 200),
    "Image Alignment 1200x400": (1200, 4002),
}


@pytest.fixture
def env(tmp_path):
    return stack_env(
        database_url_for(connection),
        CACHE_URL=f"filecache://{tmp_path / 'cache'}",
        LIVE_STACK_LOGS=tmp_path / "logs",
        MEDIA_ROOT=tmp_path / "media",
        WORDPRESS_FETCH_ALLOW_ADDRESSES="127.0.0.1",
    )


@pytest.fixture
def old_site(tmp_path):
    """The old site's web server on 127.0.0.1, serving the stand-in uploads."""
    root = stand_in_uploads.write_folder(tmp_path / "www")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def import_in_the_admin(page, web, export, *, uploads=None, fetch=False):
    editor = make_editor(username="mover")
    editor.set_password("correct horse battery")
    editor.save()
    page.goto(f"{web.url}/admin/login/?next=/admin/wordpress/importrun/import/")
    page.get_by_label("Username").fill("mover")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("WordPress export (.xml)").set_input_files(export)
    if uploads is not None:
        page.get_by_label("Uploads folder, zipped (optional)").set_input_files(uploads)
    if fetch:
        page.get_by_label("Fetch the images from the old site").check()
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator(".import-summary")).to_contain_text("images", timeout=120_000)
    return page.locator(".import-summary").inner_text()


def shown(page, web, slug: str) -> list[dict]:
    page.goto(f"{web.url}{Post.objects.get(slug=slug).get_absolute_url()}")
    page.wait_for_load_state("networkidle")
    return page.evaluate(SHOWN)


def assert_the_posts_show_their_images(page, web, screenshot, name):
    alignment = shown(page, web, "markup-image-alignment")
    screenshot(page, f"imported-image-alignment-{name}")
    # Each shows its own picture: its own proportions, at its size or a smaller rendition.
    for alt, (width, height) in ALIGNMENT.items():
        img = next(img for img in alignment if img["alt"] == alt)
        assert 0 < img["width"] <= width, img
        assert abs(img["height"] / img["width"] - height / width) < 0.01, img
    assert all(img["width"] > 0 for img in alignment), alignment
    assert all(web.url in img["src"] for img in alignment), alignment
    floats = {(img["alt"], img["float"]) for img in alignment}
    assert ("Image Alignment 150x150", "left") in floats
    assert ("Image Alignment 300x200", "right") in floats
    # Whatever the gallery posts show ([gallery] is turned into images elsewhere), shows.
    for slug in ("post-format-gallery", "post-format-gallery-tiled"):
        gallery = shown(page, web, slug)
        assert all(img["width"] > 0 for img in gallery), gallery
    assert violations(page) == []


def test_images_brought_with_the_uploads_zip_show_at_their_own_size(
    env, new_page, tmp_path, screenshot
):
    uploads = tmp_path / "uploads.zip"
    uploads.write_bytes(stand_in_uploads.zipped())
    page = new_page()
    page.add_init_script(LISTEN_FOR_VIOLATIONS)
    with gunicorn(env) as web, db_worker(env):
        summary = import_in_the_admin(page, web, stand_in_uploads.THEME_UNIT_TEST, uploads=uploads)
        assert "Created:" in summary
        assert_the_posts_show_their_images(page, web, screenshot, "zip")


def test_images_fetched_from_the_old_site_show_at_their_own_size(
    env, new_page, tmp_path, old_site, screenshot
):
    export = tmp_path / "theme-unit-test-data.xml"
    export.write_bytes(stand_in_uploads.export_served_from(old_site))
    page = new_page()
    page.add_init_script(LISTEN_FOR_VIOLATIONS)
    with gunicorn(env) as web, db_worker(env):
        summary = import_in_the_admin(page, web, export, fetch=True)
        assert "not brought" not in summary
        assert_the_posts_show_their_images(page, web, screenshot, "fetched")


def test_a_markdown_image_from_an_allowed_site_shows_under_the_csp(
    env, new_page, old_site, screenshot, image_origins
):
    # The test's process renders the post, the server serves it: both allow the old site.
    image_origins(old_site)
    post = PostFactory(body=f"![A chart]({old_site}/2013/03/image-alignment-300x200.jpg)")
    page = new_page()
    page.add_init_script(LISTEN_FOR_VIOLATIONS)
    env = {**env, "IMAGE_REMOTE_ORIGINS": old_site}
    with gunicorn(env) as web:
        page.goto(f"{web.url}{post.get_absolute_url()}")
        page.wait_for_load_state("networkidle")
        images = page.evaluate(SHOWN)
        screenshot(page, "markdown-image-from-an-allowed-site")

    assert [(img["width"], img["height"]) for img in images] == [(300, 200)]
    assert violations(page) == []
