"""Uploaded files served by Django itself, where no nginx stands in front (`make run`)."""

from django.conf import settings
from django.views.static import serve


def serve_media(request, path):
    """Serve `path` from MEDIA_ROOT as it is set now (tests move it)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)
