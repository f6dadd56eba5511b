"""Images editors put in posts: checked with Pillow, re-encoded, kept in the default storage.

Every image comes in through `prepare_image()`, from the admin and from `store_image()` (the
one door for other code, such as an importer) alike:

1. at most IMAGE_MAX_BYTES are read;
2. Pillow names the type from the content, never from the name: JPEG, PNG, GIF or WebP
   (SVG is refused: it is a document that can carry script);
3. the declared dimensions are checked against IMAGE_MAX_PIXELS before anything is decoded,
   so a small file that declares a huge picture (a decompression bomb) is refused unread;
4. a file that is an image and also a page, a script or an archive (a polyglot: a JPEG with
   a PHP tail, a GIFAR) is refused (`blog.image_trailers`);
5. the whole picture is decoded (a truncated file fails here) and saved again by Pillow, so
   whatever followed or hid inside the original (a PHP or HTML tail, a ZIP, EXIF and GPS
   data) is not stored; the stored name carries the extension of the real type.

Only then, in `save_new()`, are its smaller sizes made from that re-encoded copy
(`blog.renditions`).
"""

import io
import warnings
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image as PillowImage
from PIL import ImageOps, ImageSequence, UnidentifiedImageError

from . import renditions
from .image_trailers import is_polyglot
from .models import Image

# Pillow's format name → the extension stored and the keyword arguments of its re-save.
FORMATS = {
    "JPEG": ("jpg", {"quality": 90, "optimize": True}),
    "PNG": ("png", {"optimize": True}),
    "GIF": ("gif", {}),
    "WEBP": ("webp", {"quality": 90}),
}
ANIMATED = {"GIF", "WEBP"}


@dataclass(frozen=True)
class PreparedImage:
    """A checked, re-encoded image, ready to be stored under `content.name`."""

    content: ContentFile
    width: int
    height: int
    format: str


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _read_capped(file_obj) -> bytes:
    limit = settings.IMAGE_MAX_BYTES
    if getattr(file_obj, "size", None) is not None and file_obj.size > limit:
        data = b""
    else:
        if hasattr(file_obj, "seek"):
            file_obj.seek(0)
        data = file_obj.read(limit + 1)
    if not data or len(data) > limit:
        if not data and not getattr(file_obj, "size", 0):
            raise _refuse(_("The file is empty."), "empty")
        raise _refuse(too_large_message(), "too_large")
    return data


def too_large_message() -> str:
    limit = filesizeformat(settings.IMAGE_MAX_BYTES)
    return _("The file is larger than %(limit)s.") % {"limit": limit}


def _looks_like_svg(data: bytes) -> bool:
    head = data[:4096].lstrip().lower()
    return head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head


def _open(data: bytes) -> PillowImage.Image:
    accepted = ", ".join(name if name != "WEBP" else "WebP" for name in FORMATS)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its pixel limit and twice it; we refuse either way.
            warnings.simplefilter("error", PillowImage.DecompressionBombWarning)
            picture = PillowImage.open(io.BytesIO(data), formats=list(FORMATS))
    except (PillowImage.DecompressionBombError, PillowImage.DecompressionBombWarning):
        raise _refuse(_too_many_pixels_message(), "too_many_pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        if _looks_like_svg(data):
            raise _refuse(
                _("SVG images are not accepted (they can carry scripts): upload a PNG."), "svg"
            ) from None
        raise _refuse(
            _("This file is not an image of a type we accept (%(types)s).") % {"types": accepted},
            "not_an_image",
        ) from None
    return picture


def _too_many_pixels_message() -> str:
    megapixels = settings.IMAGE_MAX_PIXELS / 1_000_000
    return _("The image has more than %(mp)s megapixels: make it smaller.") % {
        "mp": f"{megapixels:g}"
    }


def _frames(picture: PillowImage.Image) -> int:
    return getattr(picture, "n_frames", 1) if picture.format in ANIMATED else 1


def _reencode(picture: PillowImage.Image) -> bytes:
    """Decode every pixel and save them anew; only what Pillow writes is kept.

    Each frame's `info` (comments, ICC and EXIF blocks, text chunks: anything a payload can
    hide in) is dropped; only the timing and transparency an animation needs are passed on.
    """
    kind = picture.format
    options = dict(FORMATS[kind][1])
    if _frames(picture) > 1:
        frames, durations = [], []
        for frame in ImageSequence.Iterator(picture):
            durations.append(frame.info.get("duration", 100))
            frames.append(_bare(frame.copy()))
        options.update(save_all=True, append_images=frames[1:], duration=durations)
        options["loop"] = picture.info.get("loop", 0)
        first = frames[0]
    else:
        # A phone's photo is stored sideways with an EXIF "rotate me": turn it, then drop EXIF.
        first = _bare(ImageOps.exif_transpose(picture))
        if kind == "JPEG" and first.mode not in ("RGB", "L", "CMYK"):
            first = first.convert("RGB")
    if kind == "GIF" and "transparency" in picture.info:
        options["transparency"] = picture.info["transparency"]
    out = io.BytesIO()
    first.save(out, format=kind, **options)
    return out.getvalue()


def _bare(picture: PillowImage.Image) -> PillowImage.Image:
    picture.info = {}
    return picture


def stored_name(name: str, kind: str) -> str:
    """Return a safe file name for `name` with the extension of its real type `kind`."""
    stem = slugify(PurePath(name or "").stem)[:80] or "image"
    return f"{stem}.{FORMATS[kind][0]}"


def prepare_image(file_obj, name: str) -> PreparedImage:
    """Check an uploaded image and re-encode it; raise ValidationError saying what is wrong."""
    data = _read_capped(file_obj)
    picture = _open(data)
    with picture:
        width, height = picture.size
        if width < 1 or height < 1:
            raise _refuse(_("The image has no pixels."), "not_an_image")
        try:
            frames = _frames(picture)
        except (OSError, SyntaxError, ValueError, EOFError):
            raise _refuse(_("The image file is damaged or incomplete."), "damaged") from None
        if width * height * frames > settings.IMAGE_MAX_PIXELS:
            raise _refuse(_too_many_pixels_message(), "too_many_pixels")
        if is_polyglot(data, picture.format):
            raise _refuse(
                _(
                    "The file holds a web page, a script or an archive after the picture. "
                    "Open it in an image editor, save it again and upload that copy."
                ),
                "polyglot",
            )
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                picture.load()
                encoded = _reencode(picture)
        except (OSError, SyntaxError, ValueError, EOFError, Warning):
            raise _refuse(_("The image file is damaged or incomplete."), "damaged") from None
        kind = picture.format
    return PreparedImage(ContentFile(encoded, name=stored_name(name, kind)), width, height, kind)


def store_image(file_obj, *, name: str, alt: str, uploaded_by=None) -> Image:
    """Validate `file_obj` as the admin does, store it, and return its new `Image`.

    Raises ValidationError (with the reason, as the admin shows it) on a bad file or an empty
    alt text; nothing is stored then. A file stored inside a transaction that later rolls
    back stays in storage: a caller with one long transaction deletes `image.file` itself.
    """
    prepared = prepare_image(file_obj, name)
    image = Image(alt=alt, uploaded_by=uploaded_by)
    image.full_clean(exclude=["file", "width", "height"])
    return save_new(image, prepared)


def save_new(image: Image, prepared: PreparedImage) -> Image:
    """Store a new image's checked file and its sizes, then its row; on failure, none of them."""
    image.attach(prepared)
    prepared.content.seek(0)
    data = prepared.content.read()
    try:
        # Stored first: the sizes are named after the name the storage gave the original.
        image.file.save(prepared.content.name, prepared.content, save=False)
        image.renditions = renditions.make(image, data)
        with transaction.atomic():
            image.save()
    except BaseException:
        renditions.delete(image)
        image.file.delete(save=False)
        raise
    return image
