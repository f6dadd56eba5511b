"""Editors upload images in the admin, paste them into posts, and feature one per post."""

import io
import re

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PillowImage

from blog.image_trailers import trailer
from blog.images import store_image
from blog.models import Image
from tests.factories import PostFactory
from tests.media import samples

pytestmark = pytest.mark.django_db

ADD = "/admin/blog/image/add/"


@pytest.fixture(autouse=True)
def _own_media_folder(media_root):
    """Every test here keeps its uploads in a folder of its own."""


def stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


def stored_bytes(image) -> bytes:
    with image.file.open("rb") as stored:
        return stored.read()


def stored_picture(image) -> PillowImage.Image:
    return PillowImage.open(io.BytesIO(stored_bytes(image)))


def upload(client, data: bytes, name="grace-hopper.jpg", alt="Grace Hopper in uniform"):
    return client.post(ADD, {"file": SimpleUploadedFile(name, data), "alt": alt})


def form_errors(response) -> str:
    page = BeautifulSoup(response.content, "html.parser")
    return " ".join(node.get_text(" ", strip=True) for node in page.select(".errorlist"))


def test_an_editor_uploads_a_photo_and_is_shown_the_markdown_to_paste(editor_client, media_root):
    answer = upload(editor_client, samples.photo())

    assert answer.status_code == 302, form_errors(answer)
    image = Image.objects.get()
    assert (image.width, image.height) == samples.PHOTO_SIZE
    assert image.alt == "Grace Hopper in uniform"
    assert image.uploaded_by.username == "eddie"
    assert re.fullmatch(r"images/\d{4}/\d{2}/grace-hopper\.jpg", image.file.name)
    markdown = f"![Grace Hopper in uniform](/media/{image.file.name})"
    after = editor_client.get(answer["Location"])
    assert markdown in after.content.decode()
    listing = editor_client.get("/admin/blog/image/")
    assert markdown in listing.content.decode()
    served = editor_client.get(f"/media/{image.file.name}")
    assert PillowImage.open(io.BytesIO(b"".join(served.streaming_content))).size == (512, 600)
    # The original and its sizes (blog.renditions): a 150x150 crop, a 300 px one, a full one.
    assert len(stored_files(media_root)) == 4


def test_an_image_without_alt_text_is_refused_and_nothing_is_stored(editor_client, media_root):
    answer = upload(editor_client, samples.photo(), alt="")

    assert answer.status_code == 200
    assert "This field is required." in form_errors(answer)
    assert not Image.objects.exists()
    assert stored_files(media_root) == []


def test_the_markdown_pasted_into_a_post_shows_the_image_on_the_article(client, media_root):
    image = store_image(io.BytesIO(samples.photo()), name="hopper.jpg", alt="Grace Hopper")
    post = PostFactory(body=f"Before the picture.\n\n{image.markdown()}\n\nAfter it.")

    article = BeautifulSoup(client.get(post.get_absolute_url()).content, "html.parser")

    shown = article.select_one(".post-body img")
    assert shown["src"] == f"/media/{image.file.name}"
    assert shown["alt"] == "Grace Hopper"


def test_alt_text_with_brackets_survives_the_markdown(db, media_root):
    image = store_image(io.BytesIO(samples.made()), name="a.png", alt="A [red] box \\ done")
    post = PostFactory(body=image.markdown())

    assert BeautifulSoup(post.body_html, "html.parser").img["alt"] == "A [red] box \\ done"


def test_a_featured_image_shows_on_the_article_and_in_the_post_list(client, media_root):
    image = store_image(io.BytesIO(samples.photo()), name="hopper.jpg", alt="Grace Hopper")
    post = PostFactory(title="Amazing Grace", featured_image=image)

    for address in (post.get_absolute_url(), "/"):
        page = BeautifulSoup(client.get(address).content, "html.parser")
        shown = page.select_one(".featured-image img")
        assert shown["src"] == f"/media/{image.file.name}", address
        assert shown["alt"] == "Grace Hopper"
        assert (shown["width"], shown["height"]) == ("512", "600")


def test_new_alt_text_on_a_featured_image_reaches_the_cached_article(
    client, media_root, a_second_passes
):
    image = store_image(io.BytesIO(samples.photo()), name="hopper.jpg", alt="Grace Hopper")
    post = PostFactory(featured_image=image)
    client.get(post.get_absolute_url())

    image.alt = "Commodore Grace Hopper, 1984"
    image.save()
    a_second_passes()
    page = BeautifulSoup(client.get(post.get_absolute_url()).content, "html.parser")

    assert page.select_one(".featured-image img")["alt"] == "Commodore Grace Hopper, 1984"


def test_an_editor_picks_the_featured_image_in_the_post_form(editor_client, media_root):
    image = store_image(io.BytesIO(samples.photo()), name="hopper.jpg", alt="Grace Hopper")
    post = PostFactory(featured_image=image)

    form = BeautifulSoup(
        editor_client.get(f"/admin/blog/post/{post.pk}/change/").content, "html.parser"
    )
    lookup = BeautifulSoup(
        editor_client.get("/admin/blog/image/", {"_to_field": "id", "_popup": "1"}).content,
        "html.parser",
    )

    assert form.select_one('input[name="featured_image"]')["value"] == str(image.pk)
    assert "Grace Hopper" in form.get_text()
    assert lookup.select_one("#result_list img")["alt"] == "Grace Hopper"


def test_a_malformed_featured_image_is_a_form_error(editor_client, media_root):
    post = PostFactory()
    form = editor_client.get(f"/admin/blog/post/{post.pk}/change/")
    assert form.status_code == 200

    answer = editor_client.post(
        f"/admin/blog/post/{post.pk}/change/",
        {"title": post.title, "slug": post.slug, "body": post.body, "featured_image": "\x00"},
    )

    assert answer.status_code == 200
    assert "featured_image" in answer.context["adminform"].form.errors


def test_an_image_a_post_features_cannot_be_deleted_from_under_it(editor_client, media_root):
    image = store_image(io.BytesIO(samples.photo()), name="hopper.jpg", alt="Grace Hopper")
    PostFactory(title="Amazing Grace", featured_image=image)

    answer = editor_client.post(f"/admin/blog/image/{image.pk}/delete/", {"post": "yes"})

    assert "Amazing Grace" in answer.content.decode()
    assert Image.objects.filter(pk=image.pk).exists()
    assert len(stored_files(media_root)) == 1 + len(image.renditions)


def test_deleting_an_unused_image_removes_its_file(
    editor_client, media_root, django_capture_on_commit_callbacks
):
    image = store_image(io.BytesIO(samples.photo()), name="hopper.jpg", alt="Grace Hopper")

    with django_capture_on_commit_callbacks(execute=True):
        answer = editor_client.post(f"/admin/blog/image/{image.pk}/delete/", {"post": "yes"})

    assert answer.status_code == 302
    assert not Image.objects.exists()
    assert stored_files(media_root) == []


# --- What is stored is only what Pillow wrote ----------------------------------------------


def test_a_stored_photo_has_no_metadata_and_nothing_after_the_picture(editor_client, media_root):
    original = PillowImage.open(samples.PHOTO_PATH)
    assert b"wikimedia" in original.info["comment"]

    upload(editor_client, samples.with_script_in_comment())
    stored = stored_bytes(Image.objects.get())

    assert b"<script" not in stored
    assert b"wikimedia" not in stored
    assert "comment" not in PillowImage.open(io.BytesIO(stored)).info
    assert trailer(stored, "JPEG") == b""


def test_a_png_named_jpg_is_stored_under_its_real_extension(editor_client, media_root):
    answer = upload(editor_client, samples.made("PNG"), name="holiday.jpg")

    assert answer.status_code == 302, form_errors(answer)
    image = Image.objects.get()
    assert image.file.name.endswith("/holiday.png")
    assert stored_bytes(image).startswith(b"\x89PNG")


@pytest.mark.parametrize("kind", ["PNG", "GIF", "WEBP", "JPEG"])
def test_each_accepted_type_uploads(editor_client, media_root, kind):
    answer = upload(editor_client, samples.made(kind), name="box.bin")

    assert answer.status_code == 302, form_errors(answer)
    stored = stored_picture(Image.objects.get())
    assert (stored.format, stored.size) == (kind, (64, 48))


def test_an_animated_gif_keeps_its_frames(editor_client, media_root):
    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
    frames = [PillowImage.new("RGB", (20, 20), colour).convert("P") for colour in colours]
    animation = io.BytesIO()
    frames[0].save(animation, format="GIF", save_all=True, append_images=frames[1:], duration=80)
    assert PillowImage.open(animation).n_frames == 3

    upload(editor_client, animation.getvalue(), name="spinner.gif")

    assert stored_picture(Image.objects.get()).n_frames == 3


# --- Hostile uploads: a clear error, nothing stored ----------------------------------------

POLYGLOT = "a web page, a script or an archive after the picture"
NOT_AN_IMAGE = "not an image of a type we accept (JPEG, PNG, GIF, WebP)"
TOO_MANY_PIXELS = "more than 50 megapixels"
DAMAGED = "damaged or incomplete"


@pytest.mark.parametrize(
    ("make", "name", "error"),
    [
        (samples.with_php_tail, "shell.php.jpg", POLYGLOT),
        (samples.with_html_tail, "page.jpg", POLYGLOT),
        (samples.gifar, "applet.gif", POLYGLOT),
        (lambda: samples.png_declaring(100_000, 100_000), "bomb.png", TOO_MANY_PIXELS),
        (lambda: samples.png_declaring(8_000, 8_000), "huge.png", TOO_MANY_PIXELS),
        (samples.svg_with_script, "logo.svg", "SVG images are not accepted"),
        (samples.svg_with_script, "logo.png", "SVG images are not accepted"),
        (samples.truncated_photo, "half.jpg", DAMAGED),
        (samples.text_file, "letter.jpg", NOT_AN_IMAGE),
        (samples.bmp, "old.bmp", NOT_AN_IMAGE),
        (lambda: b"", "empty.jpg", "The submitted file is empty."),
    ],
    ids=[
        "jpeg-with-php-tail",
        "jpeg-with-html-tail",
        "gifar",
        "decompression-bomb",
        "huge-dimensions",
        "svg-with-script",
        "svg-named-png",
        "truncated-jpeg",
        "text-file",
        "bmp",
        "empty",
    ],
)
def test_a_hostile_upload_gets_a_clear_error_and_nothing_is_stored(
    editor_client, media_root, make, name, error
):
    answer = upload(editor_client, make(), name=name)

    assert answer.status_code == 200
    assert error in form_errors(answer)
    assert not Image.objects.exists()
    assert stored_files(media_root) == []


def test_a_real_bomb_under_pillows_limit_is_refused_by_our_pixel_cap(
    editor_client, media_root, settings
):
    settings.IMAGE_MAX_PIXELS = 10_000_000
    bomb = samples.real_png_bomb(side=6000)
    assert len(bomb) < 10_000

    answer = upload(editor_client, bomb, name="black.png")

    assert "more than 10 megapixels" in form_errors(answer)
    assert stored_files(media_root) == []


def test_a_file_over_the_size_cap_is_refused(editor_client, media_root, settings):
    settings.IMAGE_MAX_BYTES = 50_000

    answer = upload(editor_client, samples.photo())

    assert "The file is larger than 48.8\xa0KB." in form_errors(answer)
    assert not Image.objects.exists()
    assert stored_files(media_root) == []


# --- The door for other code (the WordPress importer) ---------------------------------------


def test_store_image_checks_exactly_as_the_admin_does(db, media_root):
    with pytest.raises(ValidationError) as refused:
        store_image(io.BytesIO(samples.with_php_tail()), name="x.jpg", alt="x")

    assert POLYGLOT in refused.value.messages[0]
    assert stored_files(media_root) == []


def test_store_image_refuses_empty_alt_text_and_stores_nothing(db, media_root):
    with pytest.raises(ValidationError) as refused:
        store_image(io.BytesIO(samples.photo()), name="x.jpg", alt="")

    assert "alt" in refused.value.message_dict
    assert not Image.objects.exists()
    assert stored_files(media_root) == []


def test_store_image_returns_the_stored_image(db, media_root):
    image = store_image(io.BytesIO(samples.photo()), name="wp-content/hopper.JPG", alt="Grace")

    assert Image.objects.get().pk == image.pk
    assert image.file.name.endswith("/hopper.jpg")
    assert image.alt == "Grace"
    assert stored_picture(image).size == samples.PHOTO_SIZE


def test_with_local_media_images_come_from_this_site_alone(client, db):
    policy = client.get("/")["Content-Security-Policy"]
    img_src = next(part for part in policy.split(";") if part.strip().startswith("img-src"))

    assert img_src.split()[1:] == [
        "'self'",
        "https://www.gravatar.com",
        "https://secure.gravatar.com",
        "data:",
    ]


def test_an_image_address_on_a_plain_http_site_is_dropped_from_a_post(db):
    post = PostFactory(body="![elsewhere](http://images.example.com/a.jpg)")

    assert "images.example.com" not in post.body_html
