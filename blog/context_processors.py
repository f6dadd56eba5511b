from django.conf import settings

from . import metadata
from . import site as site_settings


def site(request):
    shown = site_settings.current()
    return {
        "site_name": shown.site_name,
        "site_tagline": shown.tagline,
        # Part of the icons' addresses, so a browser fetches a new icon when it changes.
        "site_icon_version": shown.version if shown.has_icon else "",
        "site_url": settings.SITE_URL,
        "site_description": settings.SITE_DESCRIPTION
        or shown.tagline
        or f"Posts by {shown.site_name}.",
        "canonical_url": metadata.canonical_url(request),
    }
