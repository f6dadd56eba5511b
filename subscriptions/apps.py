from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = _("Comment subscriptions")

    def ready(self):
        from datetime import timedelta

        from comments.signals import comments_approved
        from comments.tasks import add_recurring

        from . import outbox

        # The comments workflow announces first approvals after commit; readers who asked
        # are told from here, so the comments app never waits on (or knows about) email.
        comments_approved.connect(outbox.on_comments_approved, dispatch_uid="subscriptions")
        # Held follow-up digests and retries go out within 5 minutes; expired requests go daily.
        add_recurring(outbox.send_due_deliveries, timedelta(minutes=5))
        add_recurring(outbox.prune_subscriptions, timedelta(days=1))
