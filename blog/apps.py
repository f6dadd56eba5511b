from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = _("Blog")

    def ready(self):
        # `release` takes the release's start time now, in gunicorn's master, for every worker;
        # `signals` connects the filing receivers.
        from core import http_caching

        from . import public_cache, release, signals  # noqa: F401

        # The release and the site settings are part of every public page's validators.
        http_caching.add_site_wide_part(public_cache.site_wide_validators)
