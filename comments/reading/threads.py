"""A post's comment thread: one query, threaded in Python, its HTML cached per version.

The approved thread is one query for the post's approved comments (only the columns shown),
threaded in Python, and its HTML is cached under everything it shows: the post's
`comments_changed_at` and count, its address, the (clamped) comment page and the settings
that shape it. Everything that differs per visitor stays outside that fragment: the form
with its signed timestamp, the remembered name/email/website, the visitor's own comments
awaiting moderation, the Edit link on their own comments while they may still edit them, and
the reminder to confirm a subscription asked for under one (a visitor who has any of these
gets the thread rendered for them).
"""

import hashlib
from collections import defaultdict
from urllib.parse import urlencode

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from django.utils.safestring import mark_safe

from comments.intake.cookies import pending_ids
from comments.intake.editing import editable_ids
from comments.intake.forms import form_extensions
from comments.models import Comment, ProposedEdit, Status
from comments.rules import conf
from comments.rules.markup import comment_html
from comments.rules.statuses import QUEUE
from core.http_caching import digest

THREAD_CACHE_SECONDS = 24 * 60 * 60
# Bump when the thread's markup changes, so no page mixes old and new fragments.
THREAD_VERSION = 6
_COLUMNS = (
    "pk",
    "parent_id",
    "kind",
    "author_name",
    "author_email",
    "author_url",
    "content",
    "old_number",
)


def avatar_url(email: str, size: int = 56, discussion=None) -> str:
    """Return the Gravatar for an email: only its hash leaves the server.

    Its default image and maximum rating are the discussion settings'.
    """
    discussion = discussion or conf.discussion()
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    query = urlencode({"s": size, "d": discussion.avatar_default, "r": discussion.avatar_rating})
    return f"https://www.gravatar.com/avatar/{digest}?{query}"


def page_number(request) -> int:
    """Return the comment page asked for: a whole number from 1, else 1."""
    try:
        return max(int(request.GET.get("cpage", 1)), 1) if request else 1
    except ValueError:
        return 1


def thread(rows, *, page: int, can_reply: bool):
    """Thread comment rows and cut out one page of top-level threads.

    Return (items, page, pages). Items come in document order, each with its depth, whether
    its replies follow, and how many levels close after it. Replies below the maximum depth
    are shown at the maximum depth; replies whose parent is not shown become top-level.
    Top-level threads come oldest or newest first, as the discussion settings say; replies
    follow the comment they answer, oldest first. Avatars only when the settings show them.
    """
    discussion = conf.discussion()
    max_depth = discussion.max_depth
    shown = {row["pk"] for row in rows}
    children = defaultdict(list)
    for row in rows:
        parent = row["parent_id"] if row["parent_id"] in shown else None
        children[parent].append(row)
    roots = children[None][::-1] if discussion.newest_first else children[None]
    per_page = discussion.per_page
    pages = max((len(roots) + per_page - 1) // per_page, 1)
    page = min(page, pages)

    ordered = []

    def walk(row, depth):
        ordered.append((row, depth))
        for child in children[row["pk"]]:
            if depth < max_depth:
                walk(child, depth + 1)
            else:
                flat(child)

    def flat(row):
        # At the deepest level, the rest of the thread follows in order, at that level.
        stack = [row]
        while stack:
            current = stack.pop()
            ordered.append((current, max_depth))
            stack.extend(reversed(children[current["pk"]]))

    for root in roots[(page - 1) * per_page : page * per_page]:
        walk(root, 1)

    items = []
    for index, (row, depth) in enumerate(ordered):
        next_depth = ordered[index + 1][1] if index + 1 < len(ordered) else 1
        pending = row.get("pending", False)
        local = timezone.localtime(row["submitted_at"])
        items.append(
            {
                **row,
                # HTML allows at most three digits of a second (W3C Nu checker).
                "iso_date": local.isoformat(timespec="seconds"),
                # With its zone: readers are anywhere.
                "date": dateformat.format(local, r"F j, Y \a\t g:i a T"),
                "depth": depth,
                "pending": pending,
                "avatar": avatar_url(row["author_email"], discussion=discussion)
                if discussion.show_avatars
                else "",
                "html": comment_html(row["content"]),
                "has_children": next_depth > depth,
                "closes": range(max(depth - next_depth, 0)),
                # As in WordPress, a pingback or trackback takes no replies.
                "can_reply": can_reply
                and not pending
                and depth < max_depth
                and row["kind"] == Comment.Kind.COMMENT,
                # The same link for every reader: the shared page stays shared.
                "can_report": not pending and discussion.report_threshold > 0,
            }
        )
    return items, page, pages


def _approved_rows(post):
    return list(
        Comment.objects.filter(post_id=post.pk, status=Status.APPROVED)
        .order_by("submitted_at", "pk")
        .values(*_COLUMNS, "submitted_at")
    )


def render_thread(
    post,
    *,
    page: int,
    is_open: bool,
    own_pending=(),
    editable=frozenset(),
    reminders=None,
    waiting_edits=frozenset(),
) -> str:
    rows = _approved_rows(post)
    if own_pending:
        rows = sorted([*rows, *own_pending], key=lambda r: (r["submitted_at"], r["pk"]))
    items, page, pages = thread(rows, page=page, can_reply=is_open)
    for item in items:
        item["can_edit"] = item["pk"] in editable
        item["reminders"] = (reminders or {}).get(item["pk"], ())
        item["edit_waiting"] = item["pk"] in waiting_edits
    return render_to_string(
        "comments/thread.html",
        {
            "items": items,
            "page": page,
            "pages": range(1, pages + 1) if pages > 1 else None,
            "post_url": post.get_absolute_url(),
            "page_query": f"cpage={page}&" if page > 1 else "",
        },
    )


def last_possible_page(post) -> int:
    """Return the highest comment page the post's visible comments could fill."""
    per_page = conf.discussion().per_page
    return max((post.comment_count + per_page - 1) // per_page, 1)


def cached_thread(post, *, page: int, is_open: bool) -> str:
    """Return the approved thread's HTML, cached under everything it shows."""
    # Any page past the end shows the last one: it must not get a cache entry of its own.
    page = min(page, last_possible_page(post))
    changed = post.comments_changed_at.timestamp() if post.comments_changed_at else 0
    shape = conf.discussion().thread_shape()
    # Dates are shown in the site's time zone (blog.site), which the owner can change.
    zone = timezone.get_current_timezone_name()
    shown = digest(post.get_absolute_url(), zone, shape)
    key = (
        f"comments:thread:{THREAD_VERSION}:{post.pk}:{changed}:{post.comment_count}:{page}:"
        f"{int(is_open)}:{shown}"
    )
    html = cache.get(key)
    if html is None:
        html = render_thread(post, page=page, is_open=is_open)
        cache.set(key, html, THREAD_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308


def reminders_for(ids) -> dict[int, list[str]]:
    """Return, for each of the reader's own comments that waits on them, its reminders."""
    # An address to confirm, say: the app that asked shows its own words (`extend_form`).
    reminders = defaultdict(list)
    if not ids:
        return reminders
    ids = list(ids)
    for extension in form_extensions():
        if extension.awaiting_reader is not None:
            for pk in sorted(extension.awaiting_reader(ids)):
                reminders[pk].append(extension.reminder)
    return reminders


def thread_for(request, post, *, page: int, is_open: bool) -> str:
    """Return the thread this visitor sees: the cached one, or with their own comments."""
    pending = own_pending(request, post)
    editable = editable_ids(request, post)
    reminders = reminders_for(pending_ids(request)) if request else {}
    edits = edits_waiting(pending_ids(request)) if request else set()
    if pending or editable or reminders or edits:
        html = render_thread(
            post,
            page=page,
            is_open=is_open,
            own_pending=pending,
            editable=editable,
            reminders=reminders,
            waiting_edits=edits,
        )
        return mark_safe(html)  # noqa: S308
    return cached_thread(post, page=page, is_open=is_open)


def edits_waiting(ids) -> set[int]:
    """Return which of the reader's own approved comments have an edit waiting for an editor."""
    if not ids:
        return set()
    return set(ProposedEdit.objects.filter(comment_id__in=ids).values_list("comment_id", flat=True))


def own_comments_version(request, post) -> str:
    """Say how the visitor's own comments on the post look now: part of their page's ETag.

    An edit of a comment still waiting changes no count on the post, and its author must see
    the new text at once, not a 304 of the page they had.
    """
    ids = pending_ids(request)
    if not ids:
        return ""
    rows = (
        Comment.objects.filter(pk__in=ids, post_id=post.pk)
        .order_by("pk")
        .values_list("pk", "status", "author_name", "author_url", "content")
    )
    # The Edit link goes when the window closes; the email reminder when the link is followed.
    shown = [
        sorted(editable_ids(request, post)),
        sorted(reminders_for(ids).items()),
        sorted(edits_waiting(ids)),
    ]
    return repr([*rows, *shown])


def own_pending(request, post):
    """Return the visitor's own comments on this post still awaiting moderation."""
    ids = pending_ids(request) if request else []
    if not ids:
        return []
    rows = (
        Comment.objects.filter(pk__in=ids, post_id=post.pk, status__in=QUEUE)
        .order_by("submitted_at", "pk")
        .values(*_COLUMNS, "submitted_at")
    )
    return [{**row, "pending": True} for row in rows]


def reply_target(post, parent_id):
    """Return the approved comment of this post a reader is replying to, if any."""
    if not parent_id:
        return None
    try:
        parent_id = int(parent_id)
    except (TypeError, ValueError):
        return None
    return (
        Comment.objects.filter(pk=parent_id, post_id=post.pk, status=Status.APPROVED)
        .only("pk", "author_name")
        .first()
    )
