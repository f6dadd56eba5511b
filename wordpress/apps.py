from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WordPressConfig(AppConfig):
    name = "wordpress"
    verbose_name = _("WordPress")

    def ready(self):
        from datetime import timedelta

        from core.recurring import add_recurring

        from . import tasks

        # A crashed worker's import is failed within minutes (WORDPRESS_IMPORT_STALE_MINUTES).
        add_recurring(tasks.sweep_imports, timedelta(minutes=5))
