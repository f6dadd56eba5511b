from django.apps import AppConfig
from django.urls import register_converter


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site-wide pages and protections"

    def ready(self):
        from django_tasks.signals import task_enqueued

        from . import outbox
        from .slugs import SlugConverter, SlugPathConverter
        from .workers import add_woken, announce_task

        # The outbox is sent by the task workers when woken, and when its next message is due.
        add_woken(outbox.CHANNEL, outbox.send_due, outbox.next_due)
        # A queued task row wakes the task workers' db_worker (`core.workers.serve_tasks`).
        task_enqueued.connect(announce_task, dispatch_uid="core.workers.announce_task")

        # Before any URLconf is read: blog's and the comments' feeds both route slugs.
        register_converter(SlugConverter, "uslug")
        register_converter(SlugPathConverter, "slugpath")
