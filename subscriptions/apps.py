from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = _("Comment subscriptions")

    def ready(self):
        from datetime import timedelta

        from comments.signals import comment_submitted, comments_approved, confirmation_awaited
        from core import personal_data
        from core.recurring import add_recurring

        from . import opt_in, outbox, privacy

        # A stored comment may ask for email; the comments workflow announces first approvals
        # after commit. Readers who asked are told from here, so the comments app never waits
        # on (or knows about) email.
        comment_submitted.connect(opt_in.on_comment_submitted, dispatch_uid="subscriptions")
        comments_approved.connect(outbox.on_comments_approved, dispatch_uid="subscriptions")
        confirmation_awaited.connect(opt_in.on_confirmation_awaited, dispatch_uid="subscriptions")
        personal_data.register(
            "subscriptions",
            describe=privacy.describe,
            count=privacy.count_for_email,
            export=privacy.export_for_email,
            erase=privacy.erase_for_email,
        )
        # Held follow-up digests and retries go out within 5 minutes; expired requests go daily.
        add_recurring(outbox.send_due_deliveries, timedelta(minutes=5))
        add_recurring(outbox.prune_subscriptions, timedelta(days=1))
