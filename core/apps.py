from django.apps import AppConfig
from django.urls import register_converter


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site-wide pages and protections"

    def ready(self):
        from . import outbox
        from .slugs import SlugConverter, SlugPathConverter
        from .workers import add_woken

        # The outbox is sent by the task workers when woken, and when its next message is due.
        add_woken(outbox.CHANNEL, outbox.send_due, outbox.next_due)

        # Before any URLconf is read: blog's and the comments' feeds both route slugs.
        register_converter(SlugConverter, "uslug")
        register_converter(SlugPathConverter, "slugpath")
