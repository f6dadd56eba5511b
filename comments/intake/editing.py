"""A reader's few minutes to fix a typo or take a comment back: who may, and the paths.

The reader's signed `comment_pending` cookie (cookies.py) names the comments they posted from
this browser; each may be edited until COMMENTS_EDIT_MINUTES after its `submitted_at`. An edit
goes through the comment form and the local rules again (policy.py). An approved comment
whose edit the rules would hold (a disallowed word, a hold reason, manual or prior approval)
keeps its approved text public, and the edit waits for an editor as a proposed change
(`edits.propose_edit`); in a comment still waiting, a disallowed word sends it to the trash
and a hold reason is added to why it waits. Changed text that Akismet saw is checked again
with `recheck_reason=edit` (`edits.record_edit`). Within the same window the reader
may delete the comment instead (`delete_own`): through `comments.workflow.deletion`, so a reply
under it keeps its place, moved up to the nearest surviving comment.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments.intake import policy
from comments.intake.cookies import pending_ids
from comments.intake.forms import CommentForm
from comments.models import Comment, Status
from comments.rules import conf, reasons
from comments.rules.statuses import LIVE
from comments.workflow import edits, moves
from comments.workflow.deletion import delete_comments

EDITABLE_STATUSES = LIVE
NOT_YOURS = _("You can only edit a comment you posted from this browser.")
WINDOW_OVER = _("The time to edit this comment is over: a comment can be edited for %(n)d minutes.")
NOT_EDITABLE = _("This comment can no longer be edited.")

# The form's fields and the comment's, for what a reader may change.
_FIELDS = {
    "author": "author_name",
    "email": "author_email",
    "url": "author_url",
    "comment": "content",
}


def window() -> timedelta:
    return timedelta(minutes=conf.edit_minutes())


def is_theirs(request, comment) -> bool:
    """Return whether this browser posted the comment, on a post readers can see."""
    return comment is not None and comment.pk in pending_ids(request) and comment.post.is_published


def refusal(request, comment) -> str:
    """Return why this visitor may not edit the comment now, or "" when they may.

    Anyone else gets NOT_YOURS alone, whether the comment exists or not, so the answer names
    no post: not a draft's title, nor where a scheduled post will be.
    """
    if not is_theirs(request, comment):
        return str(NOT_YOURS)
    if timezone.now() > comment.submitted_at + window():
        return str(WINDOW_OVER % {"n": conf.edit_minutes()})
    if comment.status not in EDITABLE_STATUSES:
        return str(NOT_EDITABLE)
    return ""


def editable_ids(request, post) -> set[int]:
    """Return the ids of the visitor's own comments on this post they may still edit."""
    ids = pending_ids(request) if request else []
    if not ids:
        return set()
    return set(
        Comment.objects.filter(
            pk__in=ids,
            post_id=post.pk,
            status__in=EDITABLE_STATUSES,
            submitted_at__gte=timezone.now() - window(),
        ).values_list("pk", flat=True)
    )


def initial(comment) -> dict:
    """Return the form's prefill: what the comment says now."""
    return {field: getattr(comment, name) for field, name in _FIELDS.items()}


@dataclass
class Edit:
    """What became of a reader's edit, and the HTTP status they get."""

    status_code: int
    form: CommentForm
    comment: Comment


def edit_comment(comment, data, user=None) -> Edit:
    """Apply the form and the local rules to a reader's edit of their comment, and save it."""
    form = CommentForm(data)
    if not form.is_valid():
        return Edit(400, form, comment)
    with transaction.atomic():
        comment = Comment.objects.select_for_update(of=("self",)).get(pk=comment.pk)
        if comment.status not in EDITABLE_STATUSES:
            # An editor moved it to spam or the trash while the reader was typing.
            return Edit(403, form, comment)
        changed = []
        for field, name in _FIELDS.items():
            if getattr(comment, name) != form.cleaned_data[field]:
                setattr(comment, name, form.cleaned_data[field])
                changed.append(name)
        if not changed:
            return Edit(302, form, comment)
        discussion = conf.discussion()
        if comment.status == Status.APPROVED and (why := _why_it_waits(comment, discussion)):
            # Readers keep seeing the approved text while an editor looks at the change.
            edits.propose_edit(comment, why, user)
            return Edit(302, form, comment)
        edits.record_edit(comment, changed, user)
        if word := policy.disallowed_word(comment, discussion):
            edits.hold_edited(comment, Status.TRASH, reasons.disallowed(word))
        elif held := policy.hold_reasons(comment, discussion):
            # A comment still in the queue keeps why it was held before, too.
            before = comment.hold_reason if comment.status != Status.APPROVED else ""
            kept = [before, *(r for r in held if r not in before)]
            edits.hold_edited(comment, Status.PENDING, "; ".join(filter(None, kept)))
        else:
            edits.reconsider_edited(comment)
    return Edit(302, form, comment)


def delete_own(comment) -> bool:
    """Delete a reader's own comment at their request; return whether it went."""
    # Only while it is still live: an editor may have moved it to spam or the trash meanwhile.
    deleted = delete_comments(
        [comment.pk],
        statuses=EDITABLE_STATUSES,
        actor_label="author",
        describe=lambda ids: f"Deleted by its author (comment {ids[0]}).",
    )
    return deleted == 1


def _why_it_waits(comment, discussion) -> str:
    """Return why the rules would not let an approved comment's edit through at once, or ""."""
    if word := policy.disallowed_word(comment, discussion):
        return reasons.disallowed(word)
    if held := policy.hold_reasons(comment, discussion):
        return "; ".join(held)
    to_status, why = moves.status_for_ham(discussion)
    row = (
        Comment.objects.filter(pk=comment.pk)
        .annotate(to_status=to_status, why=why)
        .values("to_status", "why")
        .get()
    )
    return "" if row["to_status"] == Status.APPROVED else reasons.plain(row["why"])
