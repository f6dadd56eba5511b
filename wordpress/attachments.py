"""An export's images brought across: stored as our images, and the posts pointed at them.

An export lists each uploaded file as an `attachment` item with its address and its path
under `wp-content/uploads`; the file itself is not in the export. `bring()` takes each from
a local copy of that folder (`--uploads DIR`), a zip of it sent in the admin
(`wordpress.uploads`) or, when asked (`--fetch-uploads`), from the old site through the
guarded fetcher (`wordpress.fetching`). It checks each as an editor's upload is checked
(`blog.images.store_image`), and then rewrites the images, srcsets and links in the imported
posts to the stored image: exact addresses first, then resized copies (`photo-300x200.jpg`).
A featured image (`_thumbnail_id`) becomes the post's. What readers see keeps the images
left on other sites only where the CSP allows them (`blog.markup.image_source_allowed`);
the summary names the rest by host.

It runs after the import has committed, one image at a time: a file that cannot be had or
is refused is a warning, and never undoes the import.
"""

import html
import re
from collections import Counter
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError

from blog.images import store_image
from blog.markup import image_source_allowed, sanitize_html
from blog.models import Post

from . import content, wxr
from .fetching import ForeignHost, GuardedFetcher
from .models import ImportedItem
from .summary import Summary

_RESIZED = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")
_ADDRESS = re.compile(r'(?P<attr>\b(?:src|href)=")(?P<url>https?://[^"]+)"', re.IGNORECASE)
_REMOTE_IMAGE = re.compile(r'<img\b[^>]*?\bsrc="(https?://[^"]+)"', re.IGNORECASE)
_SRCSET = re.compile(r'(?P<attr>\bsrcset=")(?P<urls>[^"]+)"', re.IGNORECASE)
_PHOTON = re.compile(r"^i[0-3]\.wp\.com/")


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
    """Return how an image's address is matched: no scheme, no query.

    Jetpack's image CDN (`i0.wp.com/example.com/…`) names the original inside its path.
    """
    parts = urlsplit(html.unescape(url))
    key = (parts.netloc.lower() + unquote(parts.path)).removeprefix("www.")
    return _PHOTON.sub("", key)


class Source:
    """Where the files come from: a local uploads folder, an uploads zip, the old site."""

    def __init__(self, uploads: Path | None = None, archive=None, fetcher=None):
        self.uploads = uploads.resolve() if uploads else None
        self.archive = archive  # wordpress.uploads.UploadsArchive
        self.fetcher = fetcher  # wordpress.fetching.GuardedFetcher

    def read(self, attachment: Attachment) -> bytes:
        """Return the file's bytes; raise OSError saying why they cannot be had."""
        if self.uploads is not None:
            file = (self.uploads / PurePosixPath(attachment.path)).resolve()
            if not file.is_relative_to(self.uploads):
                raise OSError(f"{attachment.path} is outside the uploads folder")
            if file.is_file():
                return file.read_bytes()
            if self.archive is None and self.fetcher is None:
                raise OSError(f"{attachment.path} is not in the uploads folder")
        if self.archive is not None:
            data = self.archive.read(attachment.path)
            if data is not None:
                return data
            if self.fetcher is None:
                raise OSError(f"{attachment.path} is not in the uploads zip")
        if self.fetcher is None or not attachment.url.startswith(("http://", "https://")):
            raise OSError("no copy of the uploads folder, and fetching was not asked for")
        return self.fetcher.fetch(attachment.url)

    def close(self) -> None:
        if self.fetcher is not None:
            self.fetcher.close()


def own_sites(channel) -> list[str]:
    """Return the addresses an export names as its own site, with WordPress.com's file host."""
    if channel is None:
        return []
    sites = [u for u in (channel.base_site_url, channel.base_blog_url, channel.link) if u]
    for url in list(sites):
        host = (urlsplit(url).hostname or "").lower()
        # A WordPress.com blog keeps its uploads on its own files host.
        if host.endswith(".wordpress.com") and host.count(".") == 2:
            sites.append(f"https://{host.removesuffix('.wordpress.com')}.files.wordpress.com")
    return sites


def bring(
    attachments: list[Attachment],
    featured: dict[int, int],
    *,
    site: str,
    summary: Summary,
    uploads: Path | None = None,
    archive=None,
    fetch: bool = False,
    sites: list[str] = (),
    fetch_hosts: list[str] = (),
    progress=None,
) -> None:
    """Store the attachments' images and point the imported posts at them.

    `featured` maps our post ids to their featured attachment's WordPress id. With `fetch`,
    files are fetched from the export's own `sites` and the `fetch_hosts` an editor
    confirmed, through the guarded fetcher; `progress(done, total)` is told as they come.
    """
    if not attachments or (uploads is None and archive is None and not fetch):
        if attachments:
            summary.skipped[("image", "use --uploads DIR or --fetch-uploads to bring them")] += len(
                attachments
            )
        _point_posts_at({}, site, summary)
        return
    done = dict(
        ImportedItem.objects.filter(source=site, kind=ImportedItem.Kind.IMAGE).values_list(
            "wp_id", "object_id"
        )
    )
    images: dict[int, int] = {}  # WordPress id -> our image id
    addresses: dict[str, str] = {}  # _key(old address) -> new address
    fetcher = GuardedFetcher([*sites, *fetch_hosts]) if fetch else None
    source = Source(uploads, archive, fetcher)
    elsewhere = Counter()  # hosts that are not the old site's own, by images left there
    try:
        for number, attachment in enumerate(attachments, 1):
            image = _bring_one(attachment, done, source, site, summary, elsewhere)
            if progress is not None:
                progress(number, len(attachments))
            if image is None:
                continue
            images[attachment.wp_id] = image.pk
            if attachment.url:
                addresses[_key(attachment.url)] = image.url
    finally:
        source.close()
    for host, count in elsewhere.most_common():
        summary.warn(
            "image host",
            host,
            f"{_images(count)} not fetched: not the old site's own host. If it is "
            f"its CDN, confirm it (--fetch-host {host}, or in the import form) and import again",
        )
    _point_posts_at(addresses, site, summary)
    for post_pk, wp_id in featured.items():
        if wp_id in images:
            Post.objects.filter(pk=post_pk).update(featured_image_id=images[wp_id])


def _bring_one(attachment, done, source, site, summary, elsewhere):
    from blog.models import Image

    if attachment.wp_id and attachment.wp_id in done:
        summary.present["image"] += 1
        return Image.objects.filter(pk=done[attachment.wp_id]).first()
    name = PurePosixPath(attachment.path or urlsplit(attachment.url).path).name or "image"
    try:
        data = source.read(attachment)
        image = store_image(BytesIO(data), name=name, alt=attachment.alt or name)
    except ForeignHost as error:
        elsewhere[error.host] += 1
        return None
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


def _images(count: int) -> str:
    return f"{count} image" if count == 1 else f"{count} images"


def _new_address(addresses: dict[str, str], url: str) -> str | None:
    """Return where an old image address now points: its own file first, then its original.

    An attachment's own name may end in -WxH (`image-alignment-580x300.jpg`), so the resized
    copy rule (`photo-300x200.jpg` is a copy of `photo.jpg`) applies only when no attachment
    has exactly that address.
    """
    key = _key(url)
    return addresses.get(key) or addresses.get(_RESIZED.sub("", key))


def _point_posts_at(addresses: dict[str, str], site: str, summary: Summary) -> None:
    """Rewrite the imported posts' images and links that name a brought image.

    What readers see keeps the other sites' images only where IMAGE_REMOTE_ORIGINS allows
    (`blog.markup`); the body keeps them all, so that a later import can still bring them.
    The images not brought here are counted for the editor, by host.
    """
    shown, left_out = Counter(), Counter()

    def replace(match):
        new = _new_address(addresses, match["url"])
        if new:
            return f'{match["attr"]}{new}"'
        return match.group(0)

    def replace_srcset(match):
        candidates = []
        for candidate in match["urls"].split(","):
            url, _, width = candidate.strip().partition(" ")
            new = _new_address(addresses, url) if url.startswith("http") else None
            candidates.append(f"{new or url} {width}".strip())
        return f'{match["attr"]}{", ".join(candidates)}"'

    imported = ImportedItem.objects.filter(source=site, kind=ImportedItem.Kind.POST)
    ids = list(imported.values_list("object_id", flat=True))
    for start in range(0, len(ids), 500):
        posts = Post.objects.filter(pk__in=ids[start : start + 500], body_format="html")
        changed = []
        for post in posts.only("body", "body_html"):
            body = _SRCSET.sub(replace_srcset, _ADDRESS.sub(replace, post.body))
            remote = [html.unescape(url) for url in _REMOTE_IMAGE.findall(body)]
            for url in remote:
                (shown if image_source_allowed(url) else left_out)[urlsplit(url).hostname] += 1
            if body == post.body and not remote:
                continue
            shown_html = sanitize_html(body)
            if (body, shown_html) != (post.body, post.body_html):
                post.body, post.body_html = body, shown_html
                changed.append(post)
        Post.objects.bulk_update(changed, ["body", "body_html"], batch_size=100)
    for host, count in shown.most_common():
        summary.warn("image host", host, f"{_images(count)} in posts still shown from there")
    for host, count in left_out.most_common():
        summary.warn(
            "image host",
            host,
            f"{_images(count)} in posts not shown: not brought here (--uploads, "
            f"--fetch-uploads), and not from a site in IMAGE_REMOTE_ORIGINS",
        )
