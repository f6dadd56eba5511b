from django.apps import AppConfig
from django.urls import register_converter


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site-wide pages and protections"

    def ready(self):
        from . import outbox
        from .recurring import add_recurring
        from .slugs import SlugConverter, SlugPathConverter

        # Whatever is due in the outbox and no task carries (retries, lost tasks) goes out.
        add_recurring(outbox.send_due, outbox.SWEEP_EVERY)

        # Before any URLconf is read: blog's and the comments' feeds both route slugs.
        register_converter(SlugConverter, "uslug")
        register_converter(SlugPathConverter, "slugpath")
