"""Smaller copies of each image, made once when it is stored, and the markup that offers them.

WordPress makes its image sizes on upload: a 150x150 crop for lists and the media library,
and copies that fit 300, 768, 1024, 1536 and 2048 pixels. We make the same, only those
smaller than the original, plus the whole picture when it is no larger than 2048 pixels, as
WebP (every current browser reads it; the original stays the `<img>` fallback), from the
picture `blog.images.prepare_image()` has already checked and decoded.
They are written to the default storage beside the original (`photo-300x200.webp`), S3
included, and listed on the row (`Image.renditions`) with their sizes, so a page offers them
in `srcset` without asking the storage anything.

Post bodies get their `<picture>`, `srcset`, `width`/`height` and `loading` when the article
is rendered (`responsive_body()`), which the article cache does once per version of a post.
"""

import io
import re
from html import unescape
from pathlib import PurePosixPath
from urllib.parse import unquote

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from PIL import Image as PillowImage
from PIL import ImageOps

THUMBNAIL = ("thumbnail", 150)
# (name, longest side): WordPress's medium, medium_large, large, 1536x1536 and 2048x2048.
FITTED = [
    ("medium", 300),
    ("medium_large", 768),
    ("large", 1024),
    ("1536x1536", 1536),
    ("2048x2048", 2048),
]
# The whole picture as WebP, for an original no larger than the largest fitted size.
FULL = "full"
WEBP_OPTIONS = {"quality": 82, "method": 4}
# The reading column (blog.css `.wrap`: 42rem less 1rem of padding each side), in CSS pixels.
COLUMN_WIDTH = 640
COLUMN_PADDING = 32


def _encode(picture: PillowImage.Image) -> bytes:
    if picture.mode not in ("RGB", "RGBA"):
        has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
        picture = picture.convert("RGBA" if has_alpha else "RGB")
    out = io.BytesIO()
    picture.save(out, format="WEBP", **WEBP_OPTIONS)
    return out.getvalue()


def _sizes_of(picture: PillowImage.Image, animated: bool):
    """Yield (size name, resized picture) for each size smaller than `picture`."""
    side = THUMBNAIL[1]
    if picture.width > side or picture.height > side:
        yield THUMBNAIL[0], ImageOps.fit(picture, (side, side), PillowImage.Resampling.LANCZOS)
    if animated:
        # A still copy would lose the animation: readers get the original.
        return
    fitted = False
    for name, longest in FITTED:
        if max(picture.size) <= longest:
            break
        copy = picture.copy()
        copy.thumbnail((longest, longest), PillowImage.Resampling.LANCZOS)
        fitted = True
        yield name, copy
    else:
        return
    if fitted and picture.format != "WEBP":
        # The widest candidate of the WebP `srcset`: without it, a browser that needs more
        # pixels than the largest copy would stretch that copy rather than take the original.
        yield FULL, picture


def make(image, content: bytes) -> list[dict]:
    """Store the sizes of `image` (whose checked, re-encoded bytes are `content`); list them."""
    stored_as = PurePosixPath(image.file.name)
    made = []
    try:
        with PillowImage.open(io.BytesIO(content)) as picture:
            animated = getattr(picture, "n_frames", 1) > 1
            picture.load()
            for size, resized in _sizes_of(picture, animated):
                width, height = resized.size
                name = str(stored_as.with_name(f"{stored_as.stem}-{width}x{height}.webp"))
                name = default_storage.save(name, ContentFile(_encode(resized)))
                made.append({"size": size, "name": name, "width": width, "height": height})
    except BaseException:
        for rendition in made:
            default_storage.delete(rendition["name"])
        raise
    return made


def delete(image) -> None:
    """Remove the sizes of `image` from storage."""
    for rendition in image.renditions:
        default_storage.delete(rendition["name"])


def url(rendition: dict) -> str:
    return default_storage.url(rendition["name"])


def srcset(image) -> str:
    """Return the WebP `srcset` of `image`: its fitted sizes, and the original if WebP."""
    candidates = [
        f"{url(rendition)} {rendition['width']}w"
        for rendition in image.renditions
        if rendition["size"] != THUMBNAIL[0]
    ]
    if candidates and image.file.name.endswith(".webp"):
        candidates.append(f"{image.url} {image.width}w")
    return ", ".join(candidates)


def sizes(image, max_height: int | None = None) -> str:
    """Return the `sizes` of `image` in the reading column (at most `max_height` px tall)."""
    shown = min(image.width, COLUMN_WIDTH)
    if max_height and image.height > max_height:
        shown = min(shown, round(image.width * max_height / image.height))
    return f"(max-width: {shown + COLUMN_PADDING}px) calc(100vw - {COLUMN_PADDING}px), {shown}px"


def thumbnail_url(image) -> str:
    """Return the address of the 150x150 crop of `image`, or of the original if it is small."""
    for rendition in image.renditions:
        if rendition["size"] == THUMBNAIL[0]:
            return url(rendition)
    return image.url


_IMG = re.compile(r"<img\b([^>]*)>")
_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')


def stored_name(src: str) -> str | None:
    """Return the storage name of a media address (`/media/images/…`), else None."""
    if src.startswith(settings.MEDIA_URL):
        return unquote(src[len(settings.MEDIA_URL) :])
    return None


def responsive_body(body_html: str, images: dict, *, first_is_eager: bool) -> str:
    """Give each of this site's images in sanitised `body_html` its sizes and dimensions.

    `images` maps storage names to `blog.models.Image`. Every image but the first (when
    `first_is_eager`) loads lazily: the first may be what a reader sees before scrolling.
    """
    position = 0

    def picture(match: re.Match) -> str:
        nonlocal position
        attributes = {key: unescape(value) for key, value in _ATTRIBUTE.findall(match.group(1))}
        image = images.get(stored_name(attributes.get("src", "")))
        eager = position == 0 and first_is_eager
        position += 1
        if image is None:
            return match.group(0)
        return render_to_string(
            "blog/_picture.html",
            {
                "image": image,
                "alt": attributes.get("alt", ""),
                "title": attributes.get("title", ""),
                # WordPress's alignment classes, which the sanitiser kept (blog.markup).
                "classes": attributes.get("class", ""),
                "eager": eager,
            },
        ).strip()

    return _IMG.sub(picture, body_html)


def names_in(body_html: str) -> set[str]:
    """Return the storage names of this site's images in `body_html`."""
    names = set()
    for match in _IMG.finditer(body_html):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        name = stored_name(unescape(attributes.get("src", "")))
        if name:
            names.add(name)
    return names
