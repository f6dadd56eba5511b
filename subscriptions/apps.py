from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = _("Comment subscriptions")

    def ready(self):
        from comments.signals import comments_approved

        from . import outbox

        # The comments workflow announces first approvals after commit; readers who asked
        # are told from here, so the comments app never waits on (or knows about) email.
        comments_approved.connect(outbox.on_comments_approved, dispatch_uid="subscriptions")
