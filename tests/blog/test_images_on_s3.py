"""With MEDIA_STORAGE=s3, uploads land in the bucket and readers fetch them from it."""

import io

import httpx
import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PillowImage

from blog.models import Image
from tests.factories import PostFactory
from tests.media import samples

pytestmark = pytest.mark.django_db


def keys(s3_media) -> list[str]:
    listing = s3_media.client.list_objects_v2(Bucket=s3_media.bucket)
    return [entry["Key"] for entry in listing.get("Contents", [])]


def upload(client, data: bytes, name="grace-hopper.jpg"):
    return client.post(
        "/admin/blog/image/add/",
        {"file": SimpleUploadedFile(name, data), "alt": "Grace Hopper in uniform"},
    )


def test_an_upload_through_the_admin_lands_in_the_bucket_and_the_article_shows_it(
    editor_client, s3_media, client
):
    answer = upload(editor_client, samples.photo())

    assert answer.status_code == 302
    image = Image.objects.get()
    assert sorted(keys(s3_media)) == sorted(
        [image.file.name, *(r["name"] for r in image.renditions)]
    )
    stored = s3_media.client.get_object(Bucket=s3_media.bucket, Key=image.file.name)
    assert stored["CacheControl"] == "public, max-age=31536000, immutable"
    assert stored["ContentType"] == "image/jpeg"
    markdown = f"![Grace Hopper in uniform]({s3_media.url}{image.file.name})"
    assert markdown in editor_client.get("/admin/blog/image/").content.decode()

    post = PostFactory(body=f"A portrait.\n\n{image.markdown()}", featured_image=image)
    article = client.get(post.get_absolute_url())
    page = BeautifulSoup(article.content, "html.parser")

    sources = {img["src"] for img in page.select(".post-body img, .featured-image img")}
    assert sources == {f"{s3_media.url}{image.file.name}"}
    fetched = httpx.get(sources.pop(), timeout=10)
    assert fetched.status_code == 200
    assert PillowImage.open(io.BytesIO(fetched.content)).size == samples.PHOTO_SIZE
    img_src = next(
        part.split()[1:]
        for part in article["Content-Security-Policy"].split(";")
        if part.strip().startswith("img-src")
    )
    origin = s3_media.url.split(f"/{s3_media.bucket}/")[0]
    assert origin in img_src
    assert not any(source in img_src for source in ("https:", "http:", "*"))


def test_a_hostile_upload_leaves_the_bucket_empty(editor_client, s3_media):
    answer = upload(editor_client, samples.gifar(), name="applet.gif")

    assert answer.status_code == 200
    assert not Image.objects.exists()
    assert keys(s3_media) == []


def test_s3_without_a_public_media_url_refuses_to_start():
    from django.core.exceptions import ImproperlyConfigured

    from config.settings import base

    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE=s3 needs MEDIA_URL"):
        base.media_storage("s3", "/media/")
