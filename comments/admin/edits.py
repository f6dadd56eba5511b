"""Readers' edits of approved comments that wait for an editor: the change, to accept or refuse."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comments.admin.permissions import ModeratesComments
from comments.models import ProposedEdit
from comments.workflow.edits import accept_edit, refuse_edit
from core.admin import ReadOnlyAdmin


@admin.register(ProposedEdit)
class ProposedEditAdmin(ModeratesComments, ReadOnlyAdmin):
    list_display = ["proposed_at", "comment_link", "before", "after", "hold_reason"]
    list_select_related = ["comment"]
    actions = ["accept", "refuse"]

    def has_view_permission(self, request, obj=None):
        return self.has_moderate_permission(request)

    @admin.display(description=_("Comment"))
    def comment_link(self, proposal):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:comments_comment_change", args=[proposal.comment_id]),
            proposal.comment.author_name,
        )

    @admin.display(description=_("Approved text (shown now)"))
    def before(self, proposal):
        return proposal.comment.content

    @admin.display(description=_("Edited text (waiting)"))
    def after(self, proposal):
        return proposal.content

    @admin.action(description=_("Accept the edit"), permissions=["moderate"])
    def accept(self, request, queryset):
        proposals = list(queryset)
        for proposal in proposals:
            accept_edit(proposal, request.user)
        done = ngettext("%(n)d edit accepted.", "%(n)d edits accepted.", len(proposals))
        self.message_user(request, done % {"n": len(proposals)}, messages.SUCCESS)

    @admin.action(description=_("Refuse the edit"), permissions=["moderate"])
    def refuse(self, request, queryset):
        proposals = list(queryset)
        for proposal in proposals:
            refuse_edit(proposal, request.user)
        done = ngettext(
            "%(n)d edit refused: the approved text stays.",
            "%(n)d edits refused: the approved text stays.",
            len(proposals),
        )
        self.message_user(request, done % {"n": len(proposals)}, messages.SUCCESS)
