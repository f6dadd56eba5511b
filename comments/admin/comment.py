"""The comment changelist (the queue), the comment's page, and the moderation views."""

import ipaddress
import json
import re

from django.contrib import admin, messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .. import moves, policy, purge, queue, replies, spam, tasks, workflow
from ..models import DELETABLE, QUEUE, Comment, Status
from . import queue as columns
from .base import ModeratesComments
from .desk import EditorsDesk, next_url
from .queue import ALL, REVIEW, STATUS_PARAM, StatusFilter


def _move_action(move: moves.Move):
    @admin.action(permissions=["moderate"], description=move.label)
    def act(modeladmin, request, queryset):
        modeladmin.moderate(request, queryset, move)

    act.__name__ = f"{move.name}_comments"
    return act


def _checks_queued(n: int) -> str:
    return ngettext(
        "%(n)d comment queued for a spam check.", "%(n)d comments queued for a spam check.", n
    ) % {"n": n}


@admin.register(Comment)
class CommentAdmin(EditorsDesk, ModeratesComments, admin.ModelAdmin):
    list_display = ["author_column", "comment_column", "why_column", "submitted_at"]
    list_display_links = None
    list_filter = [
        StatusFilter,
        ("spam_verdict", admin.ChoicesFieldListFilter),
        ("submitted_at", admin.DateFieldListFilter),
        "post",
    ]
    search_fields = ["author_name", "author_email", "ip_address", "author_url", "content"]
    date_hierarchy = "submitted_at"
    ordering = ["-submitted_at", "-pk"]
    list_select_related = ["post", "parent"]
    list_per_page = 50
    # The paginator's count is enough; a second count of the whole table is not.
    show_full_result_count = False
    # The status filter already counts; Django's facets would count every filter again.
    show_facets = admin.ShowFacets.NEVER
    actions = [
        *(_move_action(move) for move in moves.MOVES.values()),
        "delete_permanently",
        "check_for_spam",
    ]
    # What an editor may change is what the reader wrote; the rest is the record.
    _record = ["moderate_links", "post_link", "status", "why_column", "submitted_at"]
    _akismet = [
        "spam_verdict",
        "spam_checked_at",
        "check_attempts",
        "check_error",
        "reports_table",
        "payload",
        "user_agent",
        "referrer",
    ]
    fieldsets = [
        (None, {"fields": _record}),
        (_("Author"), {"fields": ["author_name", "author_email", "author_url", "ip_address"]}),
        (_("Comment"), {"fields": ["content"]}),
        (_("History"), {"fields": ["history"]}),
        (_("Akismet"), {"fields": _akismet}),
    ]
    readonly_fields = [*_record, "ip_address", "history", *_akismet]

    class Media:
        css = {"all": ["comments/admin.css"]}
        js = ["comments/desk.js"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "author_url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    # Permissions, saving and deleting ------------------------------------------------------

    def has_add_permission(self, request):
        return False  # Comments come from readers.

    def has_delete_permission(self, request, obj=None):
        # Like WordPress: only spam and trash can be deleted for good.
        allowed = super().has_delete_permission(request, obj) and self.has_moderate_permission(
            request
        )
        return allowed and (obj is None or obj.status in DELETABLE)

    def save_model(self, request, obj, form, change):
        workflow.record_edit(obj, form.changed_data, request.user)

    def get_deleted_objects(self, objs, request):
        """List only the comments: their replies are kept (moved up a level), not deleted."""
        objs = list(objs)
        count = {self.opts.verbose_name_plural: len(objs)}
        return [str(obj) for obj in objs], count, set(), []

    def delete_model(self, request, obj):
        purge.delete_permanently([obj.pk], request.user)

    def get_object(self, request, object_id, from_field=None):
        # An id that cannot be a comment's is not found, rather than a database error.
        return super().get_object(request, str(_comment_id(object_id)), from_field)

    # The queue ----------------------------------------------------------------------------

    def get_queryset(self, request):
        return columns.annotate_queue(super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        """Find an email address or IP exactly (by index); anything else anywhere in the text."""
        term = search_term.strip()
        try:
            validate_email(term)
        except ValidationError:
            pass
        else:
            return queryset.filter(author_email__iexact=term), False
        try:
            ipaddress.ip_address(term)
        except ValueError:
            pass
        else:
            return queryset.filter(ip_address=term), False
        return super().get_search_results(request, queryset, search_term)

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Django's own delete loads every row into memory and would delete approved comments.
        actions.pop("delete_selected", None)
        return actions

    def changelist_view(self, request, extra_context=None):
        if f"{STATUS_PARAM}__exact" in request.GET:
            # Django's usual name for a status filter works too.
            query = request.GET.copy()
            query[STATUS_PARAM] = query.pop(f"{STATUS_PARAM}__exact")[-1]
            request.GET = query
        counts = columns.counts(request)
        status = request.GET.get(STATUS_PARAM) or (ALL if request.GET.get(SEARCH_VAR) else None)
        extra_context = extra_context or {}
        moderator = self.has_moderate_permission(request)
        if status in DELETABLE and moderator:
            extra_context["empty_folder"] = {
                "label": _("Empty spam") if status == Status.SPAM else _("Empty trash"),
                "count": counts[status],
                "mark": purge.high_water_mark(status),
            }
        if status in (None, REVIEW, Status.AWAITING_CHECK) and counts[Status.AWAITING_CHECK]:
            extra_context["check_all"] = moderator and counts[Status.AWAITING_CHECK]
        titles = {
            None: _("Comments that need review"),
            REVIEW: _("Comments that need review"),
            ALL: _("All comments"),
        }
        extra_context.setdefault(
            "title",
            titles.get(status, _("Comments: %s") % dict(Status.choices).get(status, "")),
        )
        return super().changelist_view(request, extra_context)

    def get_list_display(self, request):
        """Show each row's actions under its text (they need the request for `next`)."""

        @admin.display(description=_("Comment"))
        def comment_column(comment):
            return columns.comment_column(comment, self.row_actions(request, comment))

        return [comment_column if name == "comment_column" else name for name in self.list_display]

    @admin.display(description=_("Author"))
    def author_column(self, comment):
        return columns.author_column(comment)

    @admin.display(description=_("Comment"))
    def comment_column(self, comment):
        return columns.comment_column(comment)

    @admin.display(description=_("Why it's here"))
    def why_column(self, comment):
        return columns.why_column(comment)

    # The comment's page -------------------------------------------------------------------

    @admin.display(description=_("Moderate"))
    def moderate_links(self, comment):
        return render_to_string(
            "admin/comments/comment/moderate_links.html",
            {
                "comment": comment,
                "moves": [
                    {"url_name": f"admin:comments_comment_{m.name}", "label": m.label}
                    for m in moves.MOVES.values()
                    if comment.status in m.from_statuses
                ],
                "can_reply": comment.status in replies.REPLYABLE,
                "waiting": comment.status in QUEUE,
            },
        )

    @admin.display(description=_("Post"))
    def post_link(self, comment):
        return render_to_string(
            "admin/comments/comment/post_link.html", {"comment": comment, "post": comment.post}
        )

    @admin.display(description=_("Event history"))
    def history(self, comment):
        return render_to_string(
            "admin/comments/comment/history.html",
            {"events": comment.events.order_by("created_at", "pk")},
        )

    @admin.display(description=_("Reports to Akismet"))
    def reports_table(self, comment):
        return render_to_string(
            "admin/comments/comment/reports.html",
            {"reports": comment.reports.order_by("created_at")},
        )

    @admin.display(description=_("Sent to Akismet"))
    def payload(self, comment):
        sent = comment.akismet_payload
        return render_to_string(
            "admin/comments/comment/payload.html",
            {
                "payload": json.dumps(sent, indent=2, ensure_ascii=False, sort_keys=True)
                if sent
                else "",
                "not_sent_because": "" if sent else _not_sent_because(comment),
            },
        )

    # An editor's work ----------------------------------------------------------------------

    def moderate(self, request, queryset, move):
        """Apply a move now, or in the worker when the selection is big; say which."""
        ids = list(
            queryset.filter(status__in=move.from_statuses)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        changed = tasks.run_or_hand_off(tasks.apply_move, ids, move.name, request.user.pk)
        if changed is None:
            message = tasks.background_message(move.working, len(ids))
        else:
            message = move.message(changed)
        self.message_user(request, message, messages.SUCCESS)
        return changed

    @admin.action(permissions=["moderate"], description=_("Delete permanently (spam and trash)"))
    def delete_permanently(self, request, queryset):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        ids = list(queryset.deletable().order_by("pk").values_list("pk", flat=True))
        deleted = tasks.run_or_hand_off(tasks.delete_permanently, ids, request.user.pk)
        if deleted is None:
            message = tasks.background_message(_t("Deleting"), len(ids))
        elif deleted:
            message = ngettext(
                "%(n)d comment deleted permanently.", "%(n)d comments deleted permanently.", deleted
            ) % {"n": deleted}
        else:
            message = _("Nothing deleted: only spam and trash can be deleted.")
        self.message_user(request, message, messages.SUCCESS if ids else messages.WARNING)

    @admin.action(permissions=["moderate"], description=_("Check for spam again"))
    def check_for_spam(self, request, queryset):
        # Only the queue is rechecked: a decided comment (approved, spam, trash) keeps its verdict.
        ids = list(queryset.in_queue().values_list("pk", flat=True))
        workflow.request_checks(ids, "recheck_queue")
        self.message_user(request, _checks_queued(len(ids)), messages.SUCCESS)

    # One-click moderation (linked from the notification email) and "Empty spam" -----------

    def get_urls(self):
        urls = [
            path(
                f"<path:object_id>/{name}/",
                self.admin_site.admin_view(self.moderate_view),
                {"move": name},
                name=f"comments_comment_{name}",
            )
            for name in moves.MOVES
        ]
        urls.append(
            path(
                "empty/",
                self.admin_site.admin_view(require_POST(self.empty_view)),
                name="comments_comment_empty",
            )
        )
        urls.append(
            path(
                "check-all/",
                self.admin_site.admin_view(require_POST(self.check_all_view)),
                name="comments_comment_check_all",
            )
        )
        return urls + self.desk_urls() + super().get_urls()

    def moderate_view(self, request, object_id, move):
        """GET asks "Approve this comment?"; POST does it."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        comment = get_object_or_404(self.get_queryset(request), pk=_comment_id(object_id))
        move = moves.MOVES[move]
        if request.method == "POST":
            if not workflow.apply_move([comment.pk], move, request.user).changed:
                self.message_user(
                    request,
                    _("Nothing changed: the comment is %s.") % comment.get_status_display(),
                    messages.WARNING,
                )
            else:
                self.message_user(request, move.message(1), messages.SUCCESS)
            return HttpResponseRedirect(
                next_url(request, reverse("admin:comments_comment_changelist"))
            )
        return TemplateResponse(
            request,
            "admin/comments/comment/moderate_confirm.html",
            {
                **self.admin_site.each_context(request),
                "title": _("%(action)s this comment?") % {"action": move.label},
                "opts": self.opts,
                "comment": comment,
                "move": move,
                "applies": comment.status in move.from_statuses,
                "why": queue.why_here(comment),
            },
        )

    def check_all_view(self, request):
        """Queue a fresh spam check for everything still awaiting one."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        ids = list(Comment.objects.awaiting_check().values_list("pk", flat=True))
        workflow.request_checks(ids, "recheck_queue")
        self.message_user(request, _checks_queued(len(ids)), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:comments_comment_changelist"))

    def empty_view(self, request):
        """Delete the spam or trash the editor saw on the page, and nothing that came later."""
        if not (self.has_moderate_permission(request) and self.has_delete_permission(request)):
            raise PermissionDenied
        try:
            status, ids = purge.folder_seen(request.POST.get("mark", ""))
        except signing.BadSignature:
            self.message_user(
                request, _("That page was too old; please try again."), messages.ERROR
            )
            return HttpResponseRedirect(reverse("admin:comments_comment_changelist"))
        deleted = tasks.run_or_hand_off(tasks.empty_folder, ids, status, request.user.pk)
        if deleted is None:
            message = tasks.background_message(_t("Deleting"), len(ids))
        else:
            message = ngettext(
                "%(n)d comment deleted permanently from %(folder)s.",
                "%(n)d comments deleted permanently from %(folder)s.",
                deleted,
            ) % {"n": deleted, "folder": Status(status).label.lower()}
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:comments_comment_changelist") + "?" + urlencode({"status": status})
        )


def _comment_id(object_id: str) -> int:
    """Return the comment id a URL names, or raise Http404 when it cannot be one."""
    # At most 18 digits: every such number fits PostgreSQL's bigint.
    if not re.fullmatch(r"[0-9]{1,18}", object_id):
        raise Http404(_t("No comment has that id."))
    return int(object_id)


def _not_sent_because(comment) -> str:
    """Say why a comment's data never went to Akismet."""
    if comment.hold_reason == policy.HONEYPOT_REASON:
        return _t("a bot filled in the hidden honeypot field, so Akismet was not asked.")
    if comment.hold_reason.startswith("disallowed"):
        return _t("it contains a disallowed word, so Akismet was not asked.")
    if not spam.is_configured():
        return _t("no Akismet key is configured.")
    if comment.status == Status.AWAITING_CHECK:
        return _t("the spam check has not run yet.")
    return _t("Akismet was not asked about this comment.")
