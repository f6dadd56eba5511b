from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = _("Comment subscriptions")

    def ready(self):
        from datetime import timedelta

        from comments.signals import comment_submitted, comments_approved, confirmation_awaited
        from core import outbox, personal_data
        from core.recurring import add_recurring

        from . import deliveries, opt_in, privacy

        # A stored comment may ask for email; the comments workflow announces first approvals
        # after commit. Readers who asked are told from here, so the comments app never waits
        # on (or knows about) email.
        comment_submitted.connect(opt_in.on_comment_submitted, dispatch_uid="subscriptions")
        comments_approved.connect(deliveries.on_comments_approved, dispatch_uid="subscriptions")
        confirmation_awaited.connect(opt_in.on_confirmation_awaited, dispatch_uid="subscriptions")
        personal_data.register(
            "subscriptions",
            describe=privacy.describe,
            count=privacy.count_for_email,
            export=privacy.export_for_email,
            erase=privacy.erase_for_email,
        )
        # Readers' email goes through the one outbox, which retries it; old records go daily.
        outbox.register(deliveries.DELIVERIES)
        add_recurring(deliveries.prune_subscriptions, timedelta(days=1))
