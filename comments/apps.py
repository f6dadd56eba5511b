from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        from blog.public_cache import add_reader_part
        from comments import tasks
        from comments.reading import threads

        # Register the Akismet key check (checks registers itself on import).
        from comments.spam import checker, checks, reports  # noqa: F401
        from comments.workflow import check_queue, notifications, webhooks
        from comments.workflow import personal_data as privacy
        from core import outbox, personal_data
        from core.recurring import add_recurring
        from core.workers import add_woken

        # What the comments owe outside a request: Akismet's reports and the editors' email.
        outbox.register(reports.REPORTS)
        outbox.register(notifications.NOTICES)
        outbox.register(webhooks.WEBHOOK_NOTICES)

        # The spam check: each task worker drains due comments when a comment wakes it.
        add_woken(check_queue.CHANNEL, checker.drain, checker.next_due)
        for recurring, every in tasks.MAINTENANCE.items():
            add_recurring(recurring, every)
        # A reader's own comments are part of their copy of the post page.
        add_reader_part(threads.own_comments_version)
        # A reader's comments, for the data requests (the admin's and the commands).
        personal_data.register(
            "comments",
            describe=privacy.describe,
            count=privacy.count_for_email,
            export=privacy.export_comments,
            erase=privacy.erase_comments,
            record=privacy.record_request,
        )
