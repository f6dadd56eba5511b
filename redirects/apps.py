from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RedirectsConfig(AppConfig):
    name = "redirects"
    verbose_name = _("Old addresses")

    def ready(self):
        # A renamed post's old address becomes an old link (redirects.signals).
        from . import signals  # noqa: F401
