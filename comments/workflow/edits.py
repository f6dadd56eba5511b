"""A person's edit of what a reader wrote: an editor's change, or a reader's own within minutes.

An edit is saved with an "Edited" event (`record_edit`); a reader's edit the local rules now
stop is held or trashed (`hold_edited`), or held again if the approval rules would hold it
(`reconsider_edited`); an approved comment's edit waits for an editor (`propose_edit`, then
`accept_edit` or `refuse_edit`). Status changes go through the one writer.
"""

from django.db import transaction
from django.utils import timezone

from comments.models import (
    Comment,
    CommentEvent,
    ProposedEdit,
    Status,
    tell_posts_comments_changed,
)
from comments.workflow.check_queue import request_checks
from comments.workflow.writer import hold_edit, hold_edit_for_approval

Action = CommentEvent.Action
EDITABLE = ("author_name", "author_email", "author_url", "content")


def record_edit(comment, changed_fields, actor) -> None:
    """Save a person's change to what a reader wrote, record who changed which fields, and
    have Akismet check changed text again if it checked the comment before."""
    changed = [name for name in EDITABLE if name in changed_fields]
    if not changed:
        return
    comment.save(update_fields=changed)
    names = ", ".join(str(Comment._meta.get_field(name).verbose_name) for name in changed)
    _record_edit_event(comment.pk, comment.status, actor, f"Changed {names}.")
    # An edit that is now the comment's text supersedes one still waiting for an editor.
    ProposedEdit.objects.filter(comment_id=comment.pk).delete()
    if comment.status == Status.APPROVED:
        tell_posts_comments_changed([comment.post_id])
    if (
        "content" in changed
        and comment.akismet_payload
        and comment.status
        not in (
            Status.SPAM,
            Status.TRASH,
        )
    ):
        request_checks([comment.pk], "edit")


def hold_edited(comment, to_status, reason: str) -> None:
    """Hold (or trash) a reader's edited comment that the local rules now stop, and say why.

    `to_status` is `Status.TRASH`, or `Status.PENDING` for an approved comment; a comment still
    in the queue keeps its status and only its reason changes (it is checked or decided later).
    """
    if to_status == Status.PENDING and comment.status != Status.APPROVED:
        to_status = comment.status
    hold_edit(comment.pk, to_status, reason)
    comment.status, comment.hold_reason = to_status, reason[:200]


def reconsider_edited(comment) -> None:
    """Hold an approved comment its author changed if the approval rules would hold it now.

    The rule is the one a cleared comment meets (`moves.status_for_ham`): with manual
    approval, or prior approval and no other approved comment by this address, the changed
    text waits for an editor again; a moderator's own comment stays approved. The edit has
    just passed the local rules, so a reason the comment was once held for no longer applies.
    """
    Comment.objects.filter(pk=comment.pk, status=Status.APPROVED).update(hold_reason="")
    comment.hold_reason = ""
    if held := hold_edit_for_approval(comment.pk):
        comment.status, comment.hold_reason = held


def propose_edit(comment, reason: str, actor=None) -> ProposedEdit:
    """Keep a reader's edit of their approved comment for an editor; its approved text stays.

    `comment` carries the edited values in memory and is not saved: readers go on seeing what
    was approved until an editor accepts the change (`accept_edit`) or refuses it.
    """
    values = {name: getattr(comment, name) for name in EDITABLE}
    proposal, _created = ProposedEdit.objects.update_or_create(
        comment_id=comment.pk,
        defaults={**values, "proposed_at": timezone.now(), "hold_reason": reason[:200]},
    )
    _record_edit_event(comment.pk, Status.APPROVED, actor, f"Edit waits for an editor: {reason}")
    return proposal


@transaction.atomic
def accept_edit(proposal, actor) -> None:
    """Make a waiting edit the comment's text, as the editor's decision."""
    comment = Comment.objects.select_for_update(of=("self",)).get(pk=proposal.comment_id)
    changed = [name for name in EDITABLE if getattr(comment, name) != getattr(proposal, name)]
    for name in changed:
        setattr(comment, name, getattr(proposal, name))
    record_edit(comment, changed, actor)
    ProposedEdit.objects.filter(pk=proposal.pk).delete()


@transaction.atomic
def refuse_edit(proposal, actor) -> None:
    """Drop a waiting edit: the approved text stays as it was."""
    if ProposedEdit.objects.filter(pk=proposal.pk).delete()[0]:
        reason = "Edit refused: the approved text stays."
        _record_edit_event(proposal.comment_id, Status.APPROVED, actor, reason)


def _record_edit_event(comment_id, status, actor, reason: str) -> None:
    # An edit changes no status: the history shows who edited, and the status it kept.
    CommentEvent.objects.create(
        comment_id=comment_id,
        action=Action.EDITED,
        actor=actor,
        actor_label=actor.get_username() if actor else "reader",
        from_status=status,
        to_status=status,
        reason=reason,
    )
