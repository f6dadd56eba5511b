from django.conf import settings

from . import metadata


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "site_description": settings.SITE_DESCRIPTION or f"Posts by {settings.SITE_NAME}.",
        "canonical_url": metadata.canonical_url(request),
    }
