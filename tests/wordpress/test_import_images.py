"""An export's images come across: from a copy of wp-content/uploads or from the old site.

The photo is a real one (tests/media/samples.py says where it comes from). The old site is
a real HTTP server on 127.0.0.1 serving an uploads folder, as WordPress's web server would.
"""

import functools
import http.server
import threading
from io import BytesIO

import pytest
from bs4 import BeautifulSoup

from blog.models import Image, Post
from tests.media import samples
from wordpress.importer import import_wxr
from wordpress.models import ImportedItem

from . import stand_in_uploads
from .wxr_builder import I, export

pytestmark = pytest.mark.django_db


def attachment(site: str, path="2012/01/hopper.jpg", wp_id="7", alt="Grace Hopper") -> str:
    """Return an attachment item as WordPress writes it (the builder has no such fields)."""
    return (
        f"<item><title>hopper</title><wp:post_id>{wp_id}</wp:post_id>"
        "<wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>"
        f"<wp:attachment_url>{site}/wp-content/uploads/{path}</wp:attachment_url>"
        f"<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key>"
        f"<wp:meta_value>{path}</wp:meta_value></wp:postmeta>"
        f"<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>"
        f"<wp:meta_value>{alt}</wp:meta_value></wp:postmeta></item>"
    )


def site_export(site: str, *attachments: str) -> bytes:
    body = (
        f'<img src="{site}/wp-content/uploads/2012/01/hopper-300x200.jpg" alt="Hopper">\n\n'
        f'<a href="{site}/wp-content/uploads/2012/01/hopper.jpg">Full size</a>'
    )
    post = I(wp_id="10", slug="with-photo", content=body)
    data = export([post], site=site)
    featured = (
        b"<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
        b"<wp:meta_value>7</wp:meta_value></wp:postmeta></item>"
    )
    data = data.replace(b"</item>", featured, 1)
    return data.replace(b"</channel>", "".join(attachments).encode() + b"</channel>")


def run(data: bytes, **options) -> str:
    return "\n".join(import_wxr(BytesIO(data), **options).lines())


@pytest.fixture
def uploads(tmp_path):
    folder = tmp_path / "uploads"
    (folder / "2012" / "01").mkdir(parents=True)
    (folder / "2012" / "01" / "hopper.jpg").write_bytes(samples.photo())
    return folder


@pytest.fixture
def old_site(uploads, settings):
    """The old site's web server, serving wp-content/uploads from the folder.

    It runs on 127.0.0.1, which the fetcher refuses unless told (as only tests tell it).
    """
    settings.WORDPRESS_FETCH_ALLOW_ADDRESSES = ["127.0.0.1"]
    root = uploads.parent / "www"
    (root / "wp-content").mkdir(parents=True)
    (root / "wp-content" / "uploads").symlink_to(uploads)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_images_come_from_a_copy_of_the_uploads_folder_and_the_post_shows_them(
    client, uploads, media_root
):
    site = "http://old.example.com"

    printed = run(site_export(site, attachment(site)), uploads=uploads)

    image = Image.objects.get()
    post = Post.objects.get(slug="with-photo")
    assert "1 image" in printed
    assert image.alt == "Grace Hopper"
    assert (image.width, image.height) == samples.PHOTO_SIZE
    assert post.featured_image == image
    page = BeautifulSoup(client.get(post.get_absolute_url()).content, "html.parser")
    sources = [img["src"] for img in page.select(".entry-content img, article img")]
    assert image.url in sources
    assert page.find("a", string="Full size")["href"] == image.url
    assert "old.example.com" not in post.body


def test_images_are_fetched_from_the_old_site_when_asked(old_site, media_root):
    printed = run(site_export(old_site, attachment(old_site)), fetch_uploads=True)

    assert "Created: 1 author, 1 post, 1 image" in printed
    assert Image.objects.get().width == samples.PHOTO_SIZE[0]


def test_an_image_the_old_site_no_longer_has_is_a_warning_not_a_broken_import(old_site, media_root):
    printed = run(
        site_export(old_site, attachment(old_site, path="2012/01/gone.jpg")), fetch_uploads=True
    )

    assert "image 7: not brought: the old site answered 404" in printed
    assert Post.objects.filter(slug="with-photo").exists()
    assert not Image.objects.exists()


def test_a_file_that_is_not_an_image_is_refused_with_a_warning(uploads, media_root):
    (uploads / "2012" / "01" / "hopper.jpg").write_bytes(b"<?php system($_GET['c']); ?>")
    site = "http://old.example.com"

    printed = run(site_export(site, attachment(site)), uploads=uploads)

    assert "image 7: refused:" in printed
    assert not Image.objects.exists()
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_an_attachment_path_outside_the_uploads_folder_is_not_read(uploads, media_root):
    (uploads.parent / "secret.jpg").write_bytes(samples.photo())
    site = "http://old.example.com"

    printed = run(site_export(site, attachment(site, path="../secret.jpg")), uploads=uploads)

    assert "outside the uploads folder" in printed
    assert not Image.objects.exists()


def test_without_a_folder_or_fetching_the_summary_says_how_to_bring_images():
    site = "http://old.example.com"

    printed = run(site_export(site, attachment(site)))

    assert "1 image (use --uploads DIR or --fetch-uploads to bring them)" in printed
    assert not Image.objects.exists()


def test_importing_again_brings_no_second_copy(uploads, media_root):
    site = "http://old.example.com"
    data = site_export(site, attachment(site))
    run(data, uploads=uploads)

    printed = run(data, uploads=uploads)

    assert Image.objects.count() == 1
    assert ImportedItem.objects.filter(kind=ImportedItem.Kind.IMAGE).count() == 1
    assert "Already present: 1 author, 1 post, 1 image" in printed


def test_attachments_named_like_resized_copies_keep_their_own_files(tmp_path, client, media_root):
    # The theme unit test's image-alignment post shows four attachments whose own names end
    # in -WxH (580x300, 150x150, 300x200, 1200x4002): each is its own file, not a copy.
    uploads_folder = stand_in_uploads.write_folder(tmp_path / "uploads")

    run(stand_in_uploads.THEME_UNIT_TEST.read_bytes(), uploads=uploads_folder)

    post = Post.objects.get(slug="markup-image-alignment")
    page = BeautifulSoup(client.get(post.get_absolute_url()).content, "html.parser")
    shown = {img["alt"]: img["src"] for img in page.select("article img[alt^='Image Align']")}
    by_url = {image.url: image for image in Image.objects.all()}
    sizes = {alt: (by_url[src].width, by_url[src].height) for alt, src in shown.items()}
    assert sizes == {
        "Image Alignment 580x300": (580, 300),
        "Image Alignment 150x150": (150, 150),
        "Image Alignment 300x200": (300, 200),
        "Image Alignment 1200x400": (1200, 4002),
    }


def test_a_resized_copy_with_no_attachment_of_its_own_shows_its_original(uploads, media_root):
    # The body shows hopper-300x200.jpg, a copy WordPress made; only hopper.jpg is listed.
    site = "http://old.example.com"

    run(site_export(site, attachment(site)), uploads=uploads)

    body = Post.objects.get(slug="with-photo").body
    assert f'src="{Image.objects.get().url}"' in body


def test_alignment_and_caption_classes_survive_and_nothing_else(client, image_origins):
    image_origins("https://old.example.com")
    body = (
        '<img class="size-full wp-image-906 alignleft evil" src="https://old.example.com/a.jpg"'
        ' alt="A" width="150" height="150" onclick="x()"> Text that wraps.\n\n'
        '<figure class="wp-caption aligncenter"><img class="size-medium wp-image-7" '
        'src="https://old.example.com/b.jpg" alt="B" width="javascript:1">'
        '<figcaption class="wp-caption-text">A caption</figcaption></figure>'
    )
    run(export([I(wp_id="10", slug="aligned", content=body)]))

    page = BeautifulSoup(client.get(Post.objects.get().get_absolute_url()).content, "html.parser")
    left, centred = page.select(".post-body img")
    assert left["class"] == ["size-full", "wp-image-906", "alignleft"]
    assert (left["width"], left["height"]) == ("150", "150")
    assert "onclick" not in left.attrs
    assert page.select_one(".post-body figure")["class"] == ["wp-caption", "aligncenter"]
    assert page.select_one(".post-body figcaption")["class"] == ["wp-caption-text"]
    assert "width" not in centred.attrs


def test_an_image_not_brought_here_is_listed_for_the_editor_and_left_out(client):
    site = "http://old.example.com"

    printed = run(site_export(site, attachment(site)))

    assert (
        "image host old.example.com: 1 image in posts not shown: not brought here (--uploads, "
        "--fetch-uploads), and not from a site in IMAGE_REMOTE_ORIGINS"
    ) in printed
    post = Post.objects.get(slug="with-photo")
    page = BeautifulSoup(client.get(post.get_absolute_url()).content, "html.parser")
    # HTML has no image without an address: the page shows none, nor an empty <img>.
    assert page.select(".post-body img") == []


def test_an_image_not_brought_here_shows_from_its_old_address_where_its_site_is_allowed(
    client, image_origins
):
    image_origins("https://old.example.com")
    site = "http://old.example.com"

    printed = run(site_export(site, attachment(site)))

    assert "image host old.example.com: 1 image in posts still shown from there" in printed
    post = Post.objects.get(slug="with-photo")
    response = client.get(post.get_absolute_url())
    page = BeautifulSoup(response.content, "html.parser")
    old_address = "https://old.example.com/wp-content/uploads/2012/01/hopper-300x200.jpg"
    assert [img["src"] for img in page.select(".post-body img")] == [old_address]
    assert "https://old.example.com" in response["Content-Security-Policy"]


def test_a_later_import_with_the_uploads_folder_brings_the_images_it_left_out(
    client, uploads, media_root
):
    site = "http://old.example.com"
    data = site_export(site, attachment(site))
    run(data)

    run(data, uploads=uploads)

    post = Post.objects.get(slug="with-photo")
    page = BeautifulSoup(client.get(post.get_absolute_url()).content, "html.parser")
    assert [img["src"] for img in page.select(".post-body img")] == [Image.objects.get().url]


def test_a_srcset_points_at_the_brought_image_too(client, uploads, media_root):
    site = "http://old.example.com"
    folder = f"{site}/wp-content/uploads/2012/01"
    body = (
        f'<img src="{folder}/hopper-300x200.jpg" alt="Hopper" '
        f'srcset="{folder}/hopper-300x200.jpg 300w, {folder}/hopper.jpg 1024w" '
        'sizes="(max-width: 300px) 100vw, 300px">'
    )
    data = export([I(wp_id="10", slug="with-srcset", content=body)], site=site)
    data = data.replace(b"</channel>", attachment(site).encode() + b"</channel>")

    run(data, uploads=uploads)

    post = Post.objects.get(slug="with-srcset")
    url = Image.objects.get().url
    stored = BeautifulSoup(post.body_html, "html.parser").img
    assert stored["srcset"] == f"{url} 300w, {url} 1024w"
    page = BeautifulSoup(client.get(post.get_absolute_url()).content, "html.parser")
    shown = page.select_one(".post-body img")
    # The page may offer the image's own renditions instead (blog.images); never the old site.
    assert shown["src"] == url
    assert "old.example.com" not in str(shown)


def test_a_srcset_naming_another_site_is_left_out_of_the_page(client):
    body = (
        '<img src="https://old.example.com/a.jpg" alt="A" '
        'srcset="https://old.example.com/a.jpg 1x, javascript:alert(1) 2x">'
    )
    run(export([I(wp_id="10", slug="bad-srcset", content=body)]))

    post = Post.objects.get(slug="bad-srcset")
    assert "srcset" not in post.body_html
    assert "javascript" not in post.body
