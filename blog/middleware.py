from django.utils import timezone

from . import site


class SiteTimeZoneMiddleware:
    """Show every date of the request in the time zone the site settings name."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.activate(site.current().zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
