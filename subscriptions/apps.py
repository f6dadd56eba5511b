from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = _("Comment subscriptions")

    def ready(self):
        from datetime import timedelta

        from django import forms

        from comments.intake.forms import extend_form
        from comments.signals import comment_submitted, comments_approved
        from core import outbox, personal_data
        from core.recurring import add_recurring

        from . import deliveries, opt_in, subscriber_data

        # A stored comment may ask for email; the comments workflow announces first approvals
        # after commit. Readers who asked are told from here, so the comments app never waits
        # on (or knows about) email.
        comment_submitted.connect(opt_in.on_comment_submitted, dispatch_uid="subscriptions")
        comments_approved.connect(deliveries.on_comments_approved, dispatch_uid="subscriptions")
        # The comment form's two boxes, unticked unless the reader ticks them; a comment whose
        # request waits on the address's confirmation link gets a reminder under it.
        extend_form(
            "subscriptions",
            fields={
                opt_in.FOLLOW_UPS_FIELD: forms.BooleanField(required=False),
                opt_in.APPROVAL_FIELD: forms.BooleanField(required=False),
            },
            template="subscriptions/form_boxes.html",
            awaiting_reader=opt_in.unconfirmed_comment_ids,
            reminder="subscriptions/confirm_reminder.html",
        )
        personal_data.register(
            "subscriptions",
            describe=subscriber_data.describe,
            count=subscriber_data.count_for_email,
            export=subscriber_data.export_for_email,
            erase=subscriber_data.erase_for_email,
        )
        # Readers' email goes through the one outbox, which retries it; old records go daily.
        outbox.register(deliveries.DELIVERIES)
        add_recurring(deliveries.prune_subscriptions, timedelta(days=1))
