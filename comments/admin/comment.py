"""The comment list, the comment's page, the editors' bulk actions, and the desk's URL table."""

import ipaddress

from django.contrib import admin, messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.urls import path
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from comments.admin import display, moderation
from comments.admin.desk import EditorsDesk
from comments.admin.display import ALL, REVIEW, STATUS_PARAM, StatusFilter
from comments.admin.pages import OneClickPages, comment_id, recheck_message
from comments.admin.permissions import ModeratesComments
from comments.models import Comment, ProposedEdit, Status
from comments.moderation import queue
from comments.rules.statuses import DELETABLE
from comments.workflow import check_queue, moves, purge
from comments.workflow.edits import record_edit
from core.data_requests import DataRequests
from core.text import clip


def _move_action(move: moves.Move):
    @admin.action(permissions=["moderate"], description=move.label)
    def act(modeladmin, request, queryset):
        modeladmin.move_selected(request, queryset, move)

    act.__name__ = f"{move.name}_comments"
    return act


@admin.register(Comment)
class CommentAdmin(DataRequests, EditorsDesk, OneClickPages, ModeratesComments, admin.ModelAdmin):
    data_request_permission = "comments.handle_data_requests"
    list_display = [
        display.author_column,
        display.comment_column,
        display.why_column,
        "submitted_at",
    ]
    list_display_links = None
    list_filter = [
        StatusFilter,
        ("spam_verdict", admin.ChoicesFieldListFilter),
        # Comments, pingbacks and trackbacks, as WordPress's comment type filter.
        ("kind", admin.ChoicesFieldListFilter),
        ("submitted_at", admin.DateFieldListFilter),
        ("post", display.PostFilter),
    ]
    search_fields = ["author_name", "author_email", "ip_address", "author_url", "content"]
    ordering = ["-submitted_at", "-pk"]
    list_select_related = ["post", "parent"]
    # WordPress shows 20 comments a page; each row is a rich fragment, so fewer rows render faster.
    list_per_page = 20
    paginator = display.CappedPaginator
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
    _record = [
        display.as_read,
        "moderate_links",
        display.post_link,
        "kind",
        "status",
        display.why_column,
        "submitted_at",
    ]
    _akismet = [
        "spam_verdict",
        "spam_checked_at",
        "check_attempts",
        "check_error",
        display.reports,
        display.payload,
        "user_agent",
        "referrer",
    ]
    fieldsets = [
        (None, {"fields": _record}),
        (_("Author"), {"fields": ["author_name", "author_email", "author_url", "ip_address"]}),
        (_("Comment"), {"fields": ["content"]}),
        (_("History"), {"fields": [display.history]}),
        (_("Akismet"), {"fields": _akismet}),
    ]
    readonly_fields = [*_record, "ip_address", display.history, *_akismet]

    class Media:
        css = {"all": ["comments/admin.css"]}
        js = ["comments/desk.js", "comments/queue.js", "comments/shortcuts.js"]

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
        record_edit(obj, form.changed_data, request.user)

    def get_deleted_objects(self, objs, request):
        """List only the comments: their replies are kept (moved up a level), not deleted."""
        objs = list(objs)
        count = {self.opts.verbose_name_plural: len(objs)}
        return [obj.summary() for obj in objs], count, set(), []

    def delete_model(self, request, obj):
        moderation.delete(request, [obj.pk])

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            # Who said it where, in whole words: "Comment by Rita on “Selling vs. Marketing”".
            context["title"] = _t("Comment by %(name)s on “%(title)s”") % {
                "name": clip(obj.author_name, 40),
                "title": clip(obj.post.title, 60),
            }
            context["subtitle"] = None
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_view(self, request, object_id, extra_context=None):
        comment = self.get_object(request, object_id)
        if comment is not None:
            title = _t("Change history: %s") % comment.summary()
            extra_context = {**(extra_context or {}), "title": title}
        return super().history_view(request, object_id, extra_context)

    def get_object(self, request, object_id, from_field=None):
        # An id that cannot be a comment's is not found, rather than a database error.
        return super().get_object(request, str(comment_id(object_id)), from_field)

    # The desk's pages ---------------------------------------------------------------------

    def get_urls(self):
        """List every page of the desk once; each is for moderators only."""

        def desk(view, post_only=False):
            view = require_POST(view) if post_only else view
            return self.admin_site.admin_view(self.moderators_only(view))

        return [
            # One click from a row, the comment's page or the editors' email: GET asks first.
            path(
                "<path:object_id>/approve/",
                desk(self.move_view),
                {"move": moves.APPROVE},
                name="comments_comment_approve",
            ),
            path(
                "<path:object_id>/unapprove/",
                desk(self.move_view),
                {"move": moves.UNAPPROVE},
                name="comments_comment_unapprove",
            ),
            path(
                "<path:object_id>/spam/",
                desk(self.move_view),
                {"move": moves.SPAM},
                name="comments_comment_spam",
            ),
            path(
                "<path:object_id>/ham/",
                desk(self.move_view),
                {"move": moves.NOT_SPAM},
                name="comments_comment_ham",
            ),
            path(
                "<path:object_id>/trash/",
                desk(self.move_view),
                {"move": moves.TRASH},
                name="comments_comment_trash",
            ),
            path(
                "<path:object_id>/restore/",
                desk(self.move_view),
                {"move": moves.RESTORE},
                name="comments_comment_restore",
            ),
            path(
                "<path:object_id>/delete-permanently/",
                desk(self.delete_one_view, post_only=True),
                name="comments_comment_delete_permanently",
            ),
            # Pages of their own, which the list's script opens under the row.
            path("<path:object_id>/reply/", desk(self.reply_view), name="comments_comment_reply"),
            path(
                "<path:object_id>/approve-and-reply/",
                desk(self.reply_view),
                {"approve": True},
                name="comments_comment_approve_reply",
            ),
            path(
                "<path:object_id>/quick-edit/",
                desk(self.quick_edit_view),
                name="comments_comment_quick_edit",
            ),
            # Buttons above the list and on the admin's index.
            path("undo/", desk(self.undo_view, post_only=True), name="comments_comment_undo"),
            path("empty/", desk(self.empty_view, post_only=True), name="comments_comment_empty"),
            path(
                "check-all/",
                desk(self.check_all_view, post_only=True),
                name="comments_comment_check_all",
            ),
            path(
                "verify-key/",
                desk(self.verify_key_view, post_only=True),
                name="comments_comment_verify_key",
            ),
            *super().get_urls(),
        ]

    # The list ------------------------------------------------------------------------------

    def get_queryset(self, request):
        return display.annotate_rows(super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        """Find an email address or IP exactly (by index); anything else anywhere in the text."""
        # Each word costs five LIKEs: a pasted essay would hold the database for minutes.
        search_term = search_term[:200]
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
        counts = display.counts(request)
        status = request.GET.get(STATUS_PARAM) or (ALL if request.GET.get(SEARCH_VAR) else None)
        extra_context = extra_context or {}
        extra_context["data_requests"] = request.user.has_perm(self.data_request_permission)
        if status in (None, REVIEW):
            # Readers' edits of approved comments wait beside the queue, each as a change.
            extra_context["edits_waiting"] = ProposedEdit.objects.count()
        # The comments get the width: at 1,280 px the app list beside them left them ~180 px.
        extra_context["is_nav_sidebar_enabled"] = False
        moderator = self.has_moderate_permission(request)
        if status in DELETABLE and moderator:
            extra_context["empty_folder"] = {
                "label": _("Empty spam") if status == Status.SPAM else _("Empty trash"),
                "count": queue.shown_count(counts[status]),
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
        response = super().changelist_view(request, extra_context)
        # The page's rows, once Django has chosen them (a redirect after an action has none).
        listed = (getattr(response, "context_data", None) or {}).get("cl")
        if listed is not None:
            display.count_post_waiting(listed.result_list)
        return response

    def get_list_display(self, request):
        """Show each row's actions under its text (they need the request for `next`)."""

        @admin.display(description=_("Comment"))
        def comment_column(comment):
            return display.comment_column(comment, self.row_actions(request, comment))

        return [
            comment_column if column is display.comment_column else column
            for column in self.list_display
        ]

    # An editor's work ----------------------------------------------------------------------

    def move_selected(self, request, queryset, move):
        """Apply a bulk action's move to the selected comments it applies to."""
        ids = list(
            queryset.in_status(*move.from_statuses).order_by("pk").values_list("pk", flat=True)
        )
        done = moderation.moderate(request, ids, move)
        self.message_user(request, done.message(request, request.get_full_path()), messages.SUCCESS)
        return done.changed

    # `has_delete_permission` holds the moderate permission too.
    @admin.action(permissions=["delete"], description=_("Delete permanently (spam and trash)"))
    def delete_permanently(self, request, queryset):
        ids = list(queryset.deletable().order_by("pk").values_list("pk", flat=True))
        done = moderation.delete(request, ids)
        self.message_user(request, done.message(), done.level)

    @admin.action(permissions=["moderate"], description=_("Check for spam again"))
    def check_for_spam(self, request, queryset):
        # Only the queue is rechecked: a decided comment (approved, spam, trash) keeps its verdict.
        ids = list(queryset.in_queue().values_list("pk", flat=True))
        check_queue.request_checks(ids, "recheck_queue")
        self.message_user(request, recheck_message(len(ids)), messages.SUCCESS)
