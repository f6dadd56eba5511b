"""An editor's reply from the admin: the reader's path in, with the editor's standing.

The reply goes through `submission.submit_comment` like any comment (form, rules, Akismet with
`user_role=administrator`), then the editor's own approval. A reply to a comment still in the
queue approves that comment first, as WordPress's "Approve and Reply" does: a reply under a
comment readers cannot see would be shown on its own, out of its thread.
"""

from django.db import transaction

from comments.intake.submission import Submission, submit_comment
from comments.rules.statuses import LIVE, QUEUE
from comments.workflow import moves
from comments.workflow import writer as workflow

REPLYABLE = LIVE


def reply_as_editor(parent, data, request_meta, editor) -> Submission:
    """Approve `parent` if it waits, store the editor's reply under it, approved; or roll back."""
    data = data.copy()
    data["comment_parent"] = str(parent.pk)
    with transaction.atomic():
        if parent.status in QUEUE:
            workflow.apply_move([parent.pk], moves.APPROVE, editor, reason="to reply to it")
        result = submit_comment(parent.post, data, request_meta, user=editor)
        if not result.stored:
            # Nothing half-done: the parent stays where it was when the reply is refused.
            transaction.set_rollback(True)
            return result
        reply = result.comment
        workflow.apply_move([reply.pk], moves.APPROVE, editor, reason="the editor's own reply")
        workflow.record_reply(parent, reply, editor)
        reply.refresh_from_db()
    return result
