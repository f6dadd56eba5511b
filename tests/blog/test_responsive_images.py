"""Readers get each image at the size their screen needs (issue 28, item 1).

Every stored image gets WordPress's sizes once (a 150x150 crop, copies fitting 300, 768,
1024, 1536 and 2048 pixels, and the whole picture) as WebP; pages offer them in `srcset`,
reserve the image's space with `width`/`height`, and load lazily only what is below the first
screen.
"""

import io
import re

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PillowImage

from blog.images import store_image
from blog.models import Image
from tests.factories import PostFactory
from tests.media import samples

pytestmark = pytest.mark.django_db

WIDE = (2000, 1500)
WIDE_SIZES = {
    "thumbnail": (150, 150),
    "medium": (300, 225),
    "medium_large": (768, 576),
    "large": (1024, 768),
    "1536x1536": (1536, 1152),
    # The whole picture: the widest WebP candidate, for screens that need every pixel.
    "full": (2000, 1500),
}


@pytest.fixture(autouse=True)
def _own_media_folder(media_root):
    """Every test here keeps its uploads in a folder of its own."""


def wide_photo(name="harbour.jpg", alt="The harbour at dawn") -> Image:
    return store_image(io.BytesIO(samples.made("JPEG", size=WIDE)), name=name, alt=alt)


def page(client, address) -> BeautifulSoup:
    response = client.get(address)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def srcset_widths(source) -> list[int]:
    return [int(part.split()[1].rstrip("w")) for part in source["srcset"].split(",")]


def test_an_upload_is_stored_with_wordpress_sizes_as_webp(editor_client, media_root):
    answer = editor_client.post(
        "/admin/blog/image/add/",
        {"file": SimpleUploadedFile("harbour.jpg", samples.made("JPEG", size=WIDE)), "alt": "A"},
    )

    assert answer.status_code == 302
    image = Image.objects.get()
    made = {rendition["size"]: rendition for rendition in image.renditions}
    assert {size: (r["width"], r["height"]) for size, r in made.items()} == WIDE_SIZES
    for rendition in made.values():
        stored = PillowImage.open(media_root / rendition["name"])
        assert stored.format == "WEBP"
        assert stored.size == (rendition["width"], rendition["height"])
        assert re.fullmatch(r"images/\d{4}/\d{2}/harbour-\d+x\d+\.webp", rendition["name"])


def test_an_image_gets_only_the_sizes_smaller_than_itself(db):
    image = store_image(io.BytesIO(samples.photo()), name="hopper.jpg", alt="Grace Hopper")

    assert [(r["size"], r["width"], r["height"]) for r in image.renditions] == [
        ("thumbnail", 150, 150),
        ("medium", 256, 300),
        ("full", 512, 600),
    ]


def test_a_small_image_gets_no_sizes_and_shows_as_it_is(client):
    image = store_image(io.BytesIO(samples.made()), name="dot.png", alt="A red box")
    post = PostFactory(body=image.markdown())

    shown = page(client, post.get_absolute_url()).select_one(".post-body img")

    assert image.renditions == []
    assert shown.find_parent("picture") is None
    assert (shown["src"], shown["width"], shown["height"]) == (image.url, "64", "48")


def test_an_animated_gif_keeps_its_animation_in_the_article(client):
    frames = [PillowImage.new("RGB", (400, 300), colour) for colour in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=100)
    image = store_image(io.BytesIO(out.getvalue()), name="blink.gif", alt="Blinking")
    post = PostFactory(body=image.markdown())

    shown = page(client, post.get_absolute_url()).select_one(".post-body img")

    assert [r["size"] for r in image.renditions] == ["thumbnail"]
    assert shown.find_parent("picture") is None
    assert shown["src"] == image.url


def test_the_featured_image_offers_its_sizes_and_loads_at_once(client):
    image = wide_photo()
    post = PostFactory(title="Dawn", featured_image=image)

    article = page(client, post.get_absolute_url())

    shown = article.select_one(".featured-image picture img")
    source = article.select_one(".featured-image picture source")
    assert source["type"] == "image/webp"
    assert srcset_widths(source) == [300, 768, 1024, 1536, 2000]
    assert "640px" in source["sizes"]
    assert (shown["width"], shown["height"]) == ("2000", "1500")
    assert shown["src"] == image.url
    assert "loading" not in shown.attrs
    assert shown["fetchpriority"] == "high"


def test_body_images_have_sizes_dimensions_and_load_lazily_below_the_featured_image(client):
    featured, inside = wide_photo(), wide_photo("boats.jpg", "Boats")
    post = PostFactory(featured_image=featured, body=f"Boats.\n\n{inside.markdown()}\n\nMore.")

    shown = page(client, post.get_absolute_url()).select_one(".post-body picture img")

    assert shown["alt"] == "Boats"
    assert (shown["width"], shown["height"]) == ("2000", "1500")
    assert shown["loading"] == "lazy"
    source = shown.find_parent("picture").source
    assert srcset_widths(source) == [300, 768, 1024, 1536, 2000]
    assert source["srcset"].split(",")[0].split()[0] == f"/media/{inside.renditions[1]['name']}"


def test_without_a_featured_image_only_the_first_body_image_loads_at_once(client):
    first, second = wide_photo("one.jpg", "One"), wide_photo("two.jpg", "Two")
    post = PostFactory(body=f"{first.markdown()}\n\nText.\n\n{second.markdown()}")

    shown = page(client, post.get_absolute_url()).select(".post-body img")

    assert [(img["alt"], img.get("loading")) for img in shown] == [("One", None), ("Two", "lazy")]


def test_imported_html_gets_the_same_sizes(client):
    image = wide_photo()
    post = PostFactory(
        body_format="html",
        body=f'<p>Look:</p><p><img src="{image.url}" alt="Dawn" class="size-full"></p>',
    )

    shown = page(client, post.get_absolute_url()).select_one(".post-body picture img")

    assert (shown["alt"], shown["width"], shown["height"]) == ("Dawn", "2000", "1500")


def test_in_the_post_list_only_the_first_featured_image_loads_at_once(client):
    PostFactory(title="Older", featured_image=wide_photo())
    PostFactory(title="Newer", featured_image=wide_photo())

    shown = page(client, "/").select(".featured-image img")

    assert [img.get("loading") for img in shown] == [None, "lazy"]
    assert all(img.find_parent("picture").source["srcset"] for img in shown)


def test_the_media_library_lists_thumbnails_not_originals(editor_client):
    image = wide_photo()

    listing = page(editor_client, "/admin/blog/image/")

    shown = listing.select_one("td.field-thumbnail img, th.field-thumbnail img")
    thumbnail = next(r for r in image.renditions if r["size"] == "thumbnail")
    assert shown["src"] == f"/media/{thumbnail['name']}"
    assert (shown["width"], shown["height"]) == ("96", "96")
    assert [img["src"] for img in listing.select("#result_list img")] == [shown["src"]]


def test_deleting_an_image_removes_its_sizes(
    editor_client, media_root, django_capture_on_commit_callbacks
):
    image = wide_photo()
    assert len([path for path in media_root.rglob("*") if path.is_file()]) == 7

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(f"/admin/blog/image/{image.pk}/delete/", {"post": "yes"})

    assert [path for path in media_root.rglob("*") if path.is_file()] == []


def test_sizes_land_in_the_bucket_with_s3(s3_media, client):
    import httpx

    image = wide_photo()
    post = PostFactory(featured_image=image)

    listing = s3_media.client.list_objects_v2(Bucket=s3_media.bucket)
    stored = sorted(entry["Key"] for entry in listing["Contents"])
    assert stored == sorted([image.file.name] + [r["name"] for r in image.renditions])
    source = page(client, post.get_absolute_url()).select_one(".featured-image source")
    first = source["srcset"].split(",")[0].split()[0]
    assert first.startswith(s3_media.url)
    fetched = httpx.get(first, timeout=10)
    assert PillowImage.open(io.BytesIO(fetched.content)).size == (300, 225)


def test_images_stored_before_sizes_existed_get_them_from_a_command(client):
    from io import StringIO

    from django.core.management import call_command

    image = wide_photo()
    Image.objects.filter(pk=image.pk).update(renditions=[])
    post = PostFactory(featured_image=image)

    out = StringIO()
    call_command("make_image_sizes", stdout=out)

    assert out.getvalue().strip() == "Made the sizes of 1 image."
    assert [r["size"] for r in Image.objects.get(pk=image.pk).renditions] == list(WIDE_SIZES)
    source = page(client, post.get_absolute_url()).select_one(".featured-image source")
    assert srcset_widths(source) == [300, 768, 1024, 1536, 2000]
