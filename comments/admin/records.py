"""The records the workflow keeps (history, reports to Akismet) and the discussion settings."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from solo.admin import SingletonModelAdmin

from comments.admin.permissions import ModeratesComments
from comments.models import (
    AkismetReport,
    CommentEvent,
    DiscussionSettings,
    ModeratorNotice,
    WebhookNotice,
)
from comments.rules import conf
from core.admin import OutboxAdmin, ReadOnlyAdmin


@admin.register(CommentEvent)
class CommentEventAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "action",
        "actor_label",
        "comment_id",
        "from_status",
        "to_status",
        "reason",
    ]
    list_filter = ["action"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
    show_full_result_count = False


@admin.display(description=_("Comment"))
def comment_link(message):
    return format_html(
        '<a href="{}">{}</a>',
        reverse("admin:comments_comment_change", args=[message.comment_id]),
        message.comment_id,
    )


class CommentOutboxAdmin(ModeratesComments, OutboxAdmin):
    """The messages an outbox holds about comments, newest first."""

    list_filter = ["state"]
    ordering = ["-created_at", "-pk"]


class NoticeAdmin(CommentOutboxAdmin):
    """The editors' notices about comments waiting for them: whether each went out."""

    list_display = ["created_at", "state", "attempts", "sent_at", comment_link, "last_error"]


@admin.register(AkismetReport)
class AkismetReportAdmin(CommentOutboxAdmin):
    list_display = [
        "created_at",
        "kind",
        "state",
        "attempts",
        comment_link,
        "requested_by",
        "last_error",
    ]
    list_filter = ["state", "kind"]
    list_select_related = ["requested_by"]
    sent_again = (
        "%(n)d report queued to be sent again.",
        "%(n)d reports queued to be sent again.",
    )


@admin.register(ModeratorNotice)
class ModeratorNoticeAdmin(NoticeAdmin):
    """The editors' emails about comments waiting for them."""

    sent_again = (
        "%(n)d email queued to be sent again.",
        "%(n)d emails queued to be sent again.",
    )


@admin.register(WebhookNotice)
class WebhookNoticeAdmin(NoticeAdmin):
    """The messages to the editors' chat about held comments."""

    sent_again = (
        "%(n)d chat message queued to be sent again.",
        "%(n)d chat messages queued to be sent again.",
    )


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(SingletonModelAdmin):
    """One settings record, like WordPress's Settings → Discussion (django-solo's admin)."""

    fieldsets = [
        (
            _("Before a comment appears"),
            {"fields": ["manual_approval", "require_prior_approval"]},
        ),
        (
            _("Comment moderation"),
            {
                "fields": [
                    "hold_link_count",
                    "moderation_words",
                    "disallowed_words",
                    "report_threshold",
                    "moderation_webhook_url",
                ]
            },
        ),
        (
            _("Other comment settings"),
            {
                "fields": [
                    "require_login",
                    "close_after_days",
                    "thread_depth",
                    "comments_per_page",
                    "order",
                    "akismet_notice",
                ]
            },
        ),
        (_("Avatars"), {"fields": ["show_avatars", "avatar_default", "avatar_rating"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        # An empty number keeps the environment's setting: show it as the placeholder.
        from_environment = {
            "thread_depth": conf.default_thread_depth(),
            "comments_per_page": conf.default_per_page(),
        }
        if db_field.name in from_environment:
            field.widget.attrs["placeholder"] = from_environment[db_field.name]
        return field
