"""The editors' moderation desk: the comment changelist is the queue."""

import ipaddress
import json

from django.contrib import admin, messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import linebreaks_filter, truncatechars
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from . import moderation
from .models import AkismetReport, Comment, CommentEvent, DiscussionSettings, Status
from .templatetags.comments import avatar_url

Action = CommentEvent.Action
STATUS_PARAM = "status"
REVIEW = "review"
ALL = "all"


def _counts(request) -> dict:
    """Count each status once per request (the filter, the buttons and the title share it)."""
    if not hasattr(request, "_comment_status_counts"):
        request._comment_status_counts = moderation.status_counts()
    return request._comment_status_counts


class StatusFilter(admin.SimpleListFilter):
    """Opens on what needs review; every folder carries its count."""

    title = _("status")
    parameter_name = STATUS_PARAM

    def __init__(self, request, params, model, model_admin):
        self.request = request
        # A search without a chosen folder looks everywhere, not just in the queue.
        self.searching = bool(request.GET.get(SEARCH_VAR))
        super().__init__(request, params, model, model_admin)

    def default(self):
        return ALL if self.searching else REVIEW

    def lookups(self, request, model_admin):
        counts = _counts(request)
        return [
            (Status.PENDING, _("Pending (%d)") % counts[Status.PENDING]),
            (Status.AWAITING_CHECK, _("Awaiting spam check (%d)") % counts[Status.AWAITING_CHECK]),
            (Status.APPROVED, _("Approved")),
            (Status.SPAM, _("Spam (%d)") % counts[Status.SPAM]),
            (Status.TRASH, _("Trash (%d)") % counts[Status.TRASH]),
            (ALL, _("All")),
        ]

    def choices(self, changelist):
        counts = _counts(self.request)
        yield {
            "selected": (self.value() or self.default()) == REVIEW,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Needs review (%d)") % counts["review"],
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or self.default()) == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or self.default()
        if value == REVIEW:
            return queryset.awaiting_review()
        if value == ALL:
            return queryset
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset.none()


def _human_decision(field):
    """The latest spam/ham decision a person made about the comment (one column of it)."""
    return Subquery(
        CommentEvent.objects.filter(
            comment=OuterRef("pk"),
            actor__isnull=False,
            action__in=[Action.MARKED_SPAM, Action.MARKED_HAM],
        )
        .order_by("-created_at", "-pk")
        .values(field)[:1]
    )


def _moderation_action(move: moderation.Move):
    @admin.action(permissions=["moderate"], description=move.label)
    def act(modeladmin, request, queryset):
        modeladmin.message_user(
            request, moderation.moderate(queryset, move, request.user), messages.SUCCESS
        )

    act.__name__ = f"{move.name}_comments"
    return act


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "author_column",
        "comment_column",
        "why_column",
        "submitted_at",
    ]
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
        *(_moderation_action(move) for move in moderation.MOVES.values()),
        "delete_permanently",
        "check_for_spam",
    ]
    # What an editor may change is what the reader wrote; the rest is the record.
    _record = ["moderate_links", "post_link", "status", "why_column", "submitted_at"]
    _akismet = [
        "spam_verdict",
        "spam_checked_at",
        "check_attempts",
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

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "author_url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    # Permissions --------------------------------------------------------------------------

    def has_add_permission(self, request):
        return False  # Comments come from readers.

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.can_moderate")

    def has_delete_permission(self, request, obj=None):
        # Like WordPress: only spam and trash can be deleted for good.
        allowed = super().has_delete_permission(request, obj) and self.has_moderate_permission(
            request
        )
        return allowed and (obj is None or obj.status in (Status.SPAM, Status.TRASH))

    def get_deleted_objects(self, objs, request):
        """List only the comments: their replies are kept (moved up a level), not deleted."""
        objs = list(objs)
        count = {self.opts.verbose_name_plural: len(objs)}
        return [str(obj) for obj in objs], count, set(), []

    def delete_model(self, request, obj):
        moderation.delete_permanently(Comment.objects.filter(pk=obj.pk), request.user)

    # The queue ----------------------------------------------------------------------------

    def get_queryset(self, request):
        approved = (
            Comment.objects.filter(author_email=OuterRef("author_email"), status=Status.APPROVED)
            .order_by()
            .values("author_email")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .defer("post__body", "post__search_vector", "akismet_payload", "user_agent")
            .annotate(
                author_approved=Coalesce(Subquery(approved, output_field=IntegerField()), Value(0)),
                last_human_action=_human_decision("action"),
                last_human_actor=_human_decision("actor_label"),
            )
        )

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
        counts = _counts(request)
        status = request.GET.get(STATUS_PARAM) or (ALL if request.GET.get(SEARCH_VAR) else None)
        extra_context = extra_context or {}
        if status in (Status.SPAM, Status.TRASH) and self.has_moderate_permission(request):
            extra_context["empty_folder"] = {
                "label": _("Empty spam") if status == Status.SPAM else _("Empty trash"),
                "count": counts[status],
                "mark": moderation.high_water_mark(status),
            }
        if (
            status in (None, REVIEW, Status.AWAITING_CHECK)
            and counts[Status.AWAITING_CHECK]
            and self.has_moderate_permission(request)
        ):
            extra_context["check_all"] = counts[Status.AWAITING_CHECK]
        extra_context.setdefault(
            "title",
            {
                None: _("Comments that need review"),
                REVIEW: _("Comments that need review"),
                ALL: _("All comments"),
            }.get(status, _("Comments: %s") % dict(Status.choices).get(status, "")),
        )
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("Author"))
    def author_column(self, comment):
        website = (
            format_html('<a href="{0}" rel="nofollow noopener">{0}</a>', comment.author_url)
            if comment.author_url
            else ""
        )
        approved = getattr(comment, "author_approved", None)
        return format_html(
            '<div class="comment-author"><img class="avatar" src="{}" alt="" width="32" '
            'height="32"><strong>{}</strong><br><a href="mailto:{}">{}</a><br>{}<br>'
            '<span class="ip">{}</span><br><span class="approved-count">{}</span></div>',
            avatar_url(comment.author_email, size=40),
            comment.author_name,
            comment.author_email,
            comment.author_email,
            website,
            comment.ip_address or "",
            _("%d approved") % approved if approved is not None else "",
        )

    @admin.display(description=_("Comment"))
    def comment_column(self, comment):
        reply = (
            format_html(
                '<p class="in-reply-to">{} <a href="{}">{}</a></p>',
                _("In reply to"),
                reverse("admin:comments_comment_change", args=[comment.parent_id]),
                comment.parent.author_name,
            )
            if comment.parent_id
            else ""
        )
        text = linebreaks_filter(comment.content, autoescape=True)
        short = truncatechars(" ".join(comment.content.split()), 160)
        body = (
            format_html(
                '<details class="comment-text"><summary>{}</summary>{}</details>', short, text
            )
            if len(comment.content) > 160 or "\n" in comment.content.strip()
            else format_html('<div class="comment-text">{}</div>', text)
        )
        return format_html(
            '<p class="comment-post">{} <a href="{}">{}</a> · <a href="{}">{}</a></p>{}{}',
            _("On"),
            comment.post.get_absolute_url(),
            comment.post.title,
            reverse("admin:comments_comment_change", args=[comment.pk]),
            _("details and history"),
            reply,
            body,
        )

    @admin.display(description=_("Why it's here"))
    def why_column(self, comment):
        why, status = moderation.why_here(comment), comment.get_status_display()
        if why == status:
            return format_html('<span class="why why-{}">{}</span>', comment.status, why)
        return format_html(
            '<span class="why why-{}">{}</span><br><span class="status">{}</span>',
            comment.status,
            why,
            status,
        )

    # The change page ----------------------------------------------------------------------

    @admin.display(description=_("Moderate"))
    def moderate_links(self, comment):
        moves = [m for m in moderation.MOVES.values() if comment.status in m.from_statuses]
        return format_html_join(
            " ",
            '<a class="button" href="{}">{}</a>',
            (
                (reverse(f"admin:comments_comment_{m.name}", args=[comment.pk]), m.label)
                for m in moves
            ),
        )

    @admin.display(description=_("Post"))
    def post_link(self, comment):
        return format_html('<a href="{}">{}</a>', comment.get_absolute_url(), comment.post.title)

    @admin.display(description=_("Event history"))
    def history(self, comment):
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} → {}</td><td>{}</td></tr>",
            (
                (
                    timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                    e.actor_label,
                    e.get_action_display(),
                    e.get_from_status_display() or "—",
                    e.get_to_status_display() or "—",
                    e.reason,
                )
                for e in comment.events.order_by("created_at", "pk")
            ),
        )
        return format_html(
            '<table class="comment-history"><thead><tr><th>{}</th><th>{}</th><th>{}</th>'
            "<th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("When"),
            _("Who"),
            _("What"),
            _("From → to"),
            _("Why"),
            rows,
        )

    @admin.display(description=_("Reports to Akismet"))
    def reports_table(self, comment):
        reports = list(comment.reports.order_by("created_at"))
        if not reports:
            return _("None")
        return format_html_join(
            "",
            '<p class="report report-{}">{}: {} ({} attempt(s)) {}</p>',
            (
                (r.state, r.get_kind_display(), r.get_state_display(), r.attempts, r.last_error)
                for r in reports
            ),
        )

    @admin.display(description=_("Sent to Akismet"))
    def payload(self, comment):
        if not comment.akismet_payload:
            return _("Nothing sent yet")
        return format_html(
            '<pre class="akismet-payload">{}</pre>',
            json.dumps(comment.akismet_payload, indent=2, ensure_ascii=False, sort_keys=True),
        )

    # Bulk actions that are not simple moves -----------------------------------------------

    @admin.action(permissions=["moderate"], description=_("Delete permanently (spam and trash)"))
    def delete_permanently(self, request, queryset):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        deleted, message = moderation.delete_for_editor(queryset, request.user)
        self.message_user(
            request,
            message if deleted else _("Nothing deleted: only spam and trash can be deleted."),
            messages.SUCCESS if deleted else messages.WARNING,
        )

    @admin.action(permissions=["moderate"], description=_("Check for spam again"))
    def check_for_spam(self, request, queryset):
        queued = moderation.recheck(queryset)
        self.message_user(
            request, _("%d comment(s) queued for a spam check.") % queued, messages.SUCCESS
        )

    # One-click moderation (linked from the notification email) and "Empty spam" -----------

    def get_urls(self):
        urls = [
            path(
                f"<path:object_id>/{name}/",
                self.admin_site.admin_view(self.moderate_view),
                {"move": name},
                name=f"comments_comment_{name}",
            )
            for name in moderation.MOVES
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
        return urls + super().get_urls()

    def moderate_view(self, request, object_id, move):
        """GET asks "Approve this comment?"; POST does it."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        comment = get_object_or_404(self.get_queryset(request), pk=object_id)
        move = moderation.MOVES[move]
        if request.method == "POST":
            outcome = moderation.apply_move(
                Comment.objects.filter(pk=comment.pk), move, request.user
            )
            if outcome.changed:
                self.message_user(request, outcome.message(move), messages.SUCCESS)
            else:
                self.message_user(
                    request,
                    _("Nothing changed: the comment is %s.") % comment.get_status_display(),
                    messages.WARNING,
                )
            return HttpResponseRedirect(reverse("admin:comments_comment_changelist"))
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
                "why": moderation.why_here(comment),
                "text": linebreaks_filter(comment.content, autoescape=True),
            },
        )

    def check_all_view(self, request):
        """Queue a fresh spam check for everything still awaiting one."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        queued = moderation.recheck(Comment.objects.filter(status=Status.AWAITING_CHECK))
        self.message_user(
            request, _("%d comment(s) queued for a spam check.") % queued, messages.SUCCESS
        )
        return HttpResponseRedirect(reverse("admin:comments_comment_changelist"))

    def empty_view(self, request):
        """Delete the spam or trash the editor saw on the page, and nothing that came later."""
        if not (self.has_moderate_permission(request) and self.has_delete_permission(request)):
            raise PermissionDenied
        try:
            status, _deleted, message = moderation.empty_folder(
                request.POST.get("mark", ""), request.user
            )
        except signing.BadSignature:
            self.message_user(
                request, _("That page was too old; please try again."), messages.ERROR
            )
            return HttpResponseRedirect(reverse("admin:comments_comment_changelist"))
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:comments_comment_changelist") + "?" + urlencode({"status": status})
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that only the system writes: editors may read them, never edit them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
class AkismetReportAdmin(ReadOnlyAdmin):
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

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.can_moderate")

    @admin.action(permissions=["moderate"], description=_("Send again now"))
    def retry_now(self, request, queryset):
        retried = queryset.exclude(state=AkismetReport.State.SENT).update(
            state=AkismetReport.State.QUEUED, attempts=0
        )
        transaction.on_commit(lambda: moderation.send_akismet_reports.enqueue())
        self.message_user(
            request, _("%d report(s) queued to be sent again.") % retried, messages.SUCCESS
        )

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
