"""The site icon: one square upload, made into the favicon and the phones' home-screen icon.

The upload is checked and re-encoded by `blog.images.prepare_image` (the one door for
uploaded pictures), then Pillow makes a 512-pixel PNG, a favicon.ico of 16, 32 and 48 pixels
and the 180-pixel apple-touch-icon.png. They are served at the addresses browsers ask for
unprompted; without an icon those answer 204, so no page view costs a 404.
"""

import io

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from PIL import Image as PillowImage

from core import http_caching

from . import site
from .images import prepare_image

SMALLEST_SIDE = 48
STORED_SIDE = 512
FAVICON_SIZES = [(16, 16), (32, 32), (48, 48)]
TOUCH_ICON_SIDE = 180


def make_icons(upload) -> dict[str, bytes]:
    """Check an uploaded icon and return the site settings' icon fields made from it."""
    prepared = prepare_image(upload, upload.name)
    if prepared.width != prepared.height:
        raise ValidationError(
            _("The icon must be square; this image is %(width)d by %(height)d pixels.")
            % {"width": prepared.width, "height": prepared.height},
            code="not_square",
        )
    if prepared.width < SMALLEST_SIDE:
        raise ValidationError(
            _("The icon must be at least %(side)d pixels wide.") % {"side": SMALLEST_SIDE},
            code="too_small",
        )
    with PillowImage.open(io.BytesIO(prepared.content.read())) as picture:
        # An animation's first frame only.
        square = picture.convert("RGBA")
    square.thumbnail((STORED_SIDE, STORED_SIDE), PillowImage.Resampling.LANCZOS)
    return {
        "icon_png": _encoded(square, "PNG"),
        "favicon_ico": _encoded(square, "ICO", sizes=FAVICON_SIZES),
        "touch_icon_png": _encoded(
            square.resize((TOUCH_ICON_SIDE, TOUCH_ICON_SIDE), PillowImage.Resampling.LANCZOS),
            "PNG",
        ),
    }


def _encoded(picture: PillowImage.Image, kind: str, **options) -> bytes:
    out = io.BytesIO()
    picture.save(out, format=kind, **options)
    return out.getvalue()


def _icon_response(request, field: str, content_type: str) -> HttpResponse:
    shown = site.current()
    data = getattr(shown, field)
    if not data:
        return HttpResponse(status=204)
    response = HttpResponse(data, content_type=content_type)
    return http_caching.answer(
        request,
        response,
        etag=f'"{field}-{shown.version}"',
        last_modified=int(shown.updated_at.timestamp()),
        shared=True,
    )


@require_GET
def favicon(request):
    return _icon_response(request, "favicon_ico", "image/x-icon")


@require_GET
def touch_icon(request):
    return _icon_response(request, "touch_icon_png", "image/png")
