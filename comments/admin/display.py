"""What editors see of a comment: the list's folders and columns, and the comment's page."""

import json
import re

from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.paginator import Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.defaultfilters import truncatechars
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from comments.models import Comment, CommentEvent, Status
from comments.moderation import queue
from comments.reading.threads import avatar_url, thread
from comments.rules import reasons
from comments.spam import akismet as spam

STATUS_PARAM = "status"
REVIEW = "review"
ALL = "all"
Action = CommentEvent.Action


class CappedPaginator(Paginator):
    """Count a folder exactly up to `queue.COUNT_CAP`, and past it take the planner's estimate.

    The changelist needs a count for its page links; counting 100,000 spam exactly on every
    page costs more than the figure is worth.
    """

    @cached_property
    def count(self):
        if self.object_list.model is not Comment:
            # The admin pages a comment's history (LogEntry rows) with the same paginator.
            return super().count
        exact = queue.capped_count(self.object_list)
        if exact <= queue.COUNT_CAP:
            return exact
        plan = json.loads(self.object_list.order_by().explain(format="json"))
        return max(int(plan[0]["Plan"]["Plan Rows"]), exact)


class PostFilter(admin.RelatedFieldListFilter):
    """List posts by title, reading only their ids and titles (not 200 post bodies)."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin) or ()
        posts = field.related_model.objects.order_by(*ordering).only("pk", "title", "kind")
        # str(post) names an untitled post "(no title)": a choice with no text is no link.
        return [(post.pk, str(post)) for post in posts]


def counts(request) -> dict:
    """Count each status once per request (the filter, the buttons and the title share it)."""
    if not hasattr(request, "_comment_status_counts"):
        request._comment_status_counts = queue.status_counts()
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
        n = counts(request)
        return [
            (Status.PENDING, _("Pending (%d)") % n[Status.PENDING]),
            (Status.AWAITING_CHECK, _("Awaiting spam check (%d)") % n[Status.AWAITING_CHECK]),
            (Status.APPROVED, _("Approved")),
            (Status.SPAM, _("Spam (%s)") % queue.shown_count(n[Status.SPAM])),
            (Status.TRASH, _("Trash (%s)") % queue.shown_count(n[Status.TRASH])),
            (ALL, _("All")),
        ]

    def choices(self, changelist):
        yield {
            "selected": (self.value() or self.default()) == REVIEW,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Needs review (%d)") % counts(self.request)["review"],
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
            return queryset.in_queue()
        if value == ALL:
            return queryset
        if value in Status.values:
            return queryset.in_status(value)
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


def _edited_by_author():
    """Whether the comment's author edited it (a reader's edit has no actor, or is theirs)."""
    return Exists(
        CommentEvent.objects.filter(comment=OuterRef("pk"), action=Action.EDITED).filter(
            Q(actor__isnull=True) | Q(actor=OuterRef("user_id"))
        )
    )


def annotate_rows(queryset):
    """Add what the list's columns show: the author's approved count and the last human say
    (how many wait on each comment's post: `count_post_waiting`)."""
    approved = (
        Comment.objects.approved()
        .filter(author_email=OuterRef("author_email"))
        .order_by()
        .values("author_email")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.defer(
        "post__body", "post__search_vector", "akismet_payload", "user_agent"
    ).annotate(
        author_approved=Coalesce(Subquery(approved, output_field=IntegerField()), Value(0)),
        last_human_action=_human_decision("action"),
        last_human_actor=_human_decision("actor_label"),
        edited_by_author=_edited_by_author(),
    )


def count_post_waiting(comments) -> None:
    """Give each listed comment `post_waiting`, how many comments wait on its post.

    One count per post on the page: as a subquery of the list's own query it read the post's
    whole queue again for each row, 67 ms of PostgreSQL for a page of 20 rows on a post with
    3,800 waiting, in a spam wave the list's largest cost.
    """
    rows = list(comments)
    waiting = dict(
        Comment.objects.in_queue()
        .filter(post_id__in={comment.post_id for comment in rows})
        .order_by()
        .values("post")
        .annotate(n=Count("pk"))
        .values_list("post", "n")
    )
    for comment in rows:
        comment.post_waiting = waiting.get(comment.post_id, 0)


@admin.display(description=_("Author"))
def author_column(comment) -> str:
    return render_to_string(
        "admin/comments/comment/author_column.html",
        {
            "comment": comment,
            "avatar": avatar_url(comment.author_email, size=40),
            # Long addresses wrap before their "@" and dots, never inside a word.
            "email_parts": re.split(r"(?=[@.])", comment.author_email),
            "url_shown": re.sub(r"^https?://(www\.)?", "", comment.author_url).rstrip("/"),
            # Their approved comments: the search finds an address exactly.
            "approved_query": urlencode(
                {SEARCH_VAR: comment.author_email, STATUS_PARAM: "approved"}
            ),
        },
    )


@admin.display(description=_("Comment"))
def comment_column(comment, actions=None) -> str:
    return render_to_string(
        "admin/comments/comment/comment_column.html",
        {
            "comment": comment,
            "actions": actions,
            "post_query": urlencode({"post__id__exact": comment.post_id}),
            **as_read_context(comment),
            "folded": len(comment.content) > 160 or "\n" in comment.content.strip(),
            "short": truncatechars(" ".join(comment.content.split()), 160),
        },
    )


def as_read_context(comment) -> dict:
    """Return what the article's fragment (`comments/comment.html`) needs for one comment."""
    row = {
        field: getattr(comment, field)
        for field in (
            "pk",
            "kind",
            "author_name",
            "author_email",
            "author_url",
            "content",
            "submitted_at",
        )
    }
    (item,), _page, _pages = thread([{**row, "parent_id": None}], page=1, can_reply=False)
    # Report is a reader's link: the editors' preview has the desk's own buttons instead.
    preview = {**item, "can_report": False}
    return {"c": preview, "post_url": comment.post.get_absolute_url(), "page": 1}


def as_readers_see_it(comment) -> str:
    """Render the comment with the article's own fragment: what readers see once approved."""
    return render_to_string("admin/comments/comment/as_read.html", as_read_context(comment))


@admin.display(description=_("As readers see it"))
def as_read(comment) -> str:
    return as_readers_see_it(comment)


@admin.display(description=_("Why it's here"))
def why_column(comment) -> str:
    return render_to_string(
        "admin/comments/comment/why_column.html",
        {
            "comment": comment,
            "why": queue.why_here(comment),
            "status": comment.get_status_display(),
        },
    )


@admin.display(description=_("Post"))
def post_link(comment) -> str:
    return render_to_string(
        "admin/comments/comment/post_link.html", {"comment": comment, "post": comment.post}
    )


@admin.display(description=_("Event history"))
def history(comment) -> str:
    return render_to_string(
        "admin/comments/comment/history.html",
        {"events": comment.events.order_by("created_at", "pk")},
    )


@admin.display(description=_("Reports to Akismet"))
def reports(comment) -> str:
    return render_to_string(
        "admin/comments/comment/reports.html",
        {"reports": comment.reports.order_by("created_at")},
    )


@admin.display(description=_("Sent to Akismet"))
def payload(comment) -> str:
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


def _not_sent_because(comment) -> str:
    """Say why a comment's data never went to Akismet."""
    if reasons.is_honeypot(comment.hold_reason):
        return _t("a bot filled in the hidden honeypot field, so Akismet was not asked.")
    if reasons.is_disallowed(comment.hold_reason):
        return _t("it contains a disallowed word, so Akismet was not asked.")
    if not spam.is_configured():
        return _t("no Akismet key is configured.")
    if comment.status == Status.AWAITING_CHECK:
        return _t("the spam check has not run yet.")
    return _t("Akismet was not asked about this comment.")
