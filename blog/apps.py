from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = _("Blog")

    def ready(self):
        # `release` takes the release's start time now, in gunicorn's master, for every worker;
        # `signals` connects the filing receivers.
        from . import release, signals  # noqa: F401
