from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        # Register the Akismet key check, and the tasks that answer the workflow's signals.
        from . import checks, tasks  # noqa: F401
