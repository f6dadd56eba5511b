"""The records the workflow keeps (history, reports to Akismet) and the discussion settings."""

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdmin

from .. import tasks
from ..models import AkismetReport, CommentEvent, DiscussionSettings
from .base import ModeratesComments


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


@admin.register(AkismetReport)
class AkismetReportAdmin(ModeratesComments, ReadOnlyAdmin):
    actions = ["retry_now"]
    list_display = [
        "created_at",
        "kind",
        "state",
        "attempts",
        "comment_link",
        "requested_by",
        "last_error",
    ]
    list_filter = ["state", "kind"]
    list_select_related = ["requested_by"]
    ordering = ["-created_at", "-pk"]

    @admin.action(permissions=["moderate"], description=_("Send again now"))
    def retry_now(self, request, queryset):
        retried = queryset.exclude(state=AkismetReport.State.SENT).update(
            state=AkismetReport.State.QUEUED, attempts=0
        )
        transaction.on_commit(lambda: tasks.send_akismet_reports.enqueue())
        message = ngettext(
            "%(n)d report queued to be sent again.",
            "%(n)d reports queued to be sent again.",
            retried,
        )
        self.message_user(request, message % {"n": retried}, messages.SUCCESS)

    @admin.display(description=_("Comment"))
    def comment_link(self, report):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:comments_comment_change", args=[report.comment_id]),
            report.comment_id,
        )


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(admin.ModelAdmin):
    """One settings record, like WordPress's Settings → Discussion."""

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not DiscussionSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        settings_record = DiscussionSettings.load()
        return HttpResponseRedirect(
            reverse("admin:comments_discussionsettings_change", args=[settings_record.pk])
        )
