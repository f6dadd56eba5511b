"""An export's images brought across: stored as our images, and the posts pointed at them.

An export lists each uploaded file as an `attachment` item with its address and its path
under `wp-content/uploads`; the file itself is not in the export. `bring()` takes each from
a local copy of that folder (`--uploads DIR`) or, when asked (`--fetch-uploads`), from the
old site, checks it as an editor's upload is checked (`blog.images.store_image`), and then
rewrites the images and links in the imported posts, resized copies (`photo-300x200.jpg`)
included, to the stored image. A featured image (`_thumbnail_id`) becomes the post's.

It runs after the import has committed, one image at a time: a file that cannot be had or
is refused is a warning, and never undoes the import.
"""

import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError

from blog.images import store_image
from blog.models import Post

from . import content, wxr
from .models import ImportedItem
from .summary import Summary

FETCH_TIMEOUT_SECONDS = 20
_RESIZED = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")
_ADDRESS = re.compile(r'(?P<attr>\b(?:src|href)=")(?P<url>https?://[^"]+)"', re.IGNORECASE)


@dataclass
class Attachment:
    wp_id: int
    url: str
    path: str  # under wp-content/uploads, such as 2012/01/chart.png
    alt: str


def from_item(item: wxr.Item) -> Attachment | None:
    """Return the attachment an `attachment` item describes, if it names a file."""
    url = item.attachment_url
    path = item.meta.get("_wp_attached_file", "") or _uploads_path(url)
    if not (url or path):
        return None
    alt = item.meta.get("_wp_attachment_image_alt") or content.plain_text(item.title)
    return Attachment(item.wp_id, url, path, alt[:300])


def _uploads_path(url: str) -> str:
    path = urlsplit(url).path
    marker = "/wp-content/uploads/"
    return path.split(marker, 1)[1] if marker in path else path.lstrip("/")


def _key(url: str) -> str:
    """Return how an image's address is matched: no scheme, no query, no resized suffix."""
    parts = urlsplit(url)
    return parts.netloc.lower() + _RESIZED.sub("", parts.path)


class Source:
    """Where the files come from: a local uploads folder, the old site, or nowhere."""

    def __init__(self, uploads: Path | None, fetch: bool):
        self.uploads = uploads.resolve() if uploads else None
        self.client = (
            httpx.Client(timeout=FETCH_TIMEOUT_SECONDS, follow_redirects=True) if fetch else None
        )

    def read(self, attachment: Attachment) -> bytes:
        """Return the file's bytes; raise OSError saying why they cannot be had."""
        if self.uploads is not None:
            file = (self.uploads / PurePosixPath(attachment.path)).resolve()
            if not file.is_relative_to(self.uploads):
                raise OSError(f"{attachment.path} is outside the uploads folder")
            if file.is_file():
                return file.read_bytes()
            if self.client is None:
                raise OSError(f"{attachment.path} is not in the uploads folder")
        if self.client is None or not attachment.url.startswith(("http://", "https://")):
            raise OSError("no copy of the uploads folder, and fetching was not asked for")
        return self._fetch(attachment.url)

    def _fetch(self, url: str) -> bytes:
        limit = settings.IMAGE_MAX_BYTES
        try:
            with self.client.stream("GET", url) as response:
                if response.status_code != 200:
                    raise OSError(f"the old site answered {response.status_code}")
                data = bytearray()
                for chunk in response.iter_bytes():
                    data += chunk
                    if len(data) > limit:
                        raise OSError(f"larger than {limit:,} bytes")
                return bytes(data)
        except httpx.HTTPError as error:
            raise OSError(f"the old site could not be reached ({type(error).__name__})") from error

    def close(self) -> None:
        if self.client is not None:
            self.client.close()


def bring(
    attachments: list[Attachment],
    featured: dict[int, int],
    *,
    site: str,
    uploads: Path | None,
    fetch: bool,
    summary: Summary,
) -> None:
    """Store the attachments' images and point the imported posts at them.

    `featured` maps our post ids to their featured attachment's WordPress id.
    """
    if not attachments:
        return
    if uploads is None and not fetch:
        summary.skipped[("image", "use --uploads DIR or --fetch-uploads to bring them")] += len(
            attachments
        )
        return
    done = dict(
        ImportedItem.objects.filter(source=site, kind=ImportedItem.Kind.IMAGE).values_list(
            "wp_id", "object_id"
        )
    )
    images: dict[int, int] = {}  # WordPress id -> our image id
    addresses: dict[str, str] = {}  # _key(old address) -> new address
    source = Source(uploads, fetch)
    try:
        for attachment in attachments:
            image = _bring_one(attachment, done, source, site, summary)
            if image is None:
                continue
            images[attachment.wp_id] = image.pk
            for old in filter(None, [attachment.url]):
                addresses[_key(old)] = image.url
    finally:
        source.close()
    _point_posts_at(addresses, site)
    for post_pk, wp_id in featured.items():
        if wp_id in images:
            Post.objects.filter(pk=post_pk).update(featured_image_id=images[wp_id])


def _bring_one(attachment, done, source, site, summary):
    from blog.models import Image

    if attachment.wp_id and attachment.wp_id in done:
        summary.present["image"] += 1
        return Image.objects.filter(pk=done[attachment.wp_id]).first()
    name = PurePosixPath(attachment.path or urlsplit(attachment.url).path).name or "image"
    try:
        data = source.read(attachment)
        image = store_image(BytesIO(data), name=name, alt=attachment.alt or name)
    except OSError as error:
        summary.warn("image", attachment.wp_id or name, f"not brought: {error}")
        return None
    except ValidationError as error:
        summary.warn("image", attachment.wp_id or name, f"refused: {' '.join(error.messages)}")
        return None
    if attachment.wp_id:
        ImportedItem.objects.create(
            source=site, kind=ImportedItem.Kind.IMAGE, wp_id=attachment.wp_id, object_id=image.pk
        )
    summary.created["image"] += 1
    return image


def _point_posts_at(addresses: dict[str, str], site: str) -> None:
    """Rewrite the imported posts' image sources and links that name a brought image."""
    if not addresses:
        return

    def replace(match):
        new = addresses.get(_key(match["url"]))
        return f'{match["attr"]}{new}"' if new else match.group(0)

    imported = ImportedItem.objects.filter(source=site, kind=ImportedItem.Kind.POST)
    ids = list(imported.values_list("object_id", flat=True))
    for start in range(0, len(ids), 500):
        posts = Post.objects.filter(pk__in=ids[start : start + 500], body_format="html")
        changed = []
        for post in posts.only("body"):
            body = _ADDRESS.sub(replace, post.body)
            if body != post.body:
                post.body = post.body_html = body
                changed.append(post)
        Post.objects.bulk_update(changed, ["body", "body_html"], batch_size=100)
