"""The path of a new comment, top to bottom: form, local rules, store, then the spam check."""

from dataclasses import dataclass

from django.db import transaction

from comments import signals
from comments.intake import policy
from comments.intake.forms import CommentForm
from comments.models import Comment, CommentEvent, Status, Verdict
from comments.rules import conf, reasons
from comments.rules.moderators import is_moderator
from comments.workflow import check_queue
from comments.workflow import writer as workflow
from core.addresses import stored_ip


@dataclass
class Submission:
    """What became of a submitted comment, and the HTTP status the reader gets."""

    status_code: int
    comment: Comment | None = None
    form: CommentForm | None = None
    message: str = ""

    @property
    def stored(self) -> bool:
        return self.comment is not None


def submit_comment(post, data, request_meta, user=None) -> Submission:
    """Apply the form and the local rules to a comment, store it, and queue its spam check."""
    discussion = conf.discussion()
    if reason := policy.closed_reason(post, discussion):
        return Submission(403, message=reason)
    if reason := policy.login_refusal(discussion, user):
        return Submission(403, message=reason)

    form = CommentForm(data)
    if not form.is_valid():
        return Submission(400, form=form)

    parent = _parent(form.cleaned_data["comment_parent"])
    if refusal := policy.parent_refusal(post, parent):
        return Submission(403, form=form, message=refusal)
    parent = policy.attach_point(parent, discussion)
    comment = _unsaved_comment(post, parent, form, request_meta, user)

    # The form's age tells a bot from a person in a hurry; a signed-in editor answering from
    # the desk has proved who they are, and their quick reply is no sign of a bot.
    held = (
        [] if is_moderator(user) else [policy.form_age_reason(post, form.cleaned_data["form_ts"])]
    )

    with transaction.atomic():
        policy.lock_author(comment)
        repeated = policy.repeated(comment, user)
        if repeated == policy.DUPLICATE:
            return Submission(409, form=form, message=policy.DUPLICATE_MESSAGE)
        if repeated == policy.FLOOD:
            return Submission(429, form=form, message=policy.FLOOD_MESSAGE)

        # A bot that fills in the hidden field is stored as spam, and Akismet is not asked
        # (nor ever sent anything about it: the payload is built only by the spam check).
        if policy.honeypot_filled(data):
            comment.status, comment.hold_reason = Status.SPAM, reasons.HONEYPOT
            workflow.record_new(comment, CommentEvent.Action.MARKED_SPAM, reasons.HONEYPOT)
            return Submission(302, comment=comment, form=form)

        if word := policy.disallowed_word(comment, discussion):
            comment.status, comment.spam_verdict = Status.TRASH, Verdict.SKIPPED
            comment.hold_reason = reasons.disallowed(word)
            workflow.record_new(comment, CommentEvent.Action.TRASHED, comment.hold_reason)
            return Submission(302, comment=comment, form=form)

        held += policy.hold_reasons(comment, discussion)
        comment.hold_reason = "; ".join(filter(None, held))[:200]
        # Stored before anything slow happens: the reader never waits on Akismet, and a
        # comment is never lost to an outage; the check picks it up after commit.
        # The comment row is the check's queue entry, due at once (`comments.spam.checker`).
        comment.status = Status.AWAITING_CHECK
        comment.next_check_at = comment.submitted_at
        action = CommentEvent.Action.HELD if comment.hold_reason else CommentEvent.Action.SUBMITTED
        workflow.record_new(comment, action, reasons.held(comment.hold_reason))
        # NOTIFY is delivered at commit: the checkers wake exactly when the comment is stored.
        check_queue.wake_checkers()
        # Only a comment stored for review is announced (the subscriptions app records the
        # email it asks for); after the spam check is queued, so a comment Akismet catches at
        # once sends no confirmation.
        signals.comment_submitted.send(Comment, comment=comment, data=form.cleaned_data)
    return Submission(302, comment=comment, form=form)


def _parent(parent_id):
    if parent_id is None:
        return None
    # A parent that does not exist (any more) is refused like one on another post.
    return Comment.objects.filter(pk=parent_id).first() or Comment(post_id=0)


def _unsaved_comment(post, parent, form, request_meta, user) -> Comment:
    data = form.cleaned_data
    return Comment(
        post=post,
        parent=parent,
        user=user,
        author_name=data["author"],
        author_email=data["email"],
        author_url=data["url"],
        content=data["comment"],
        ip_address=stored_ip(request_meta.get("REMOTE_ADDR", "")),
        user_agent=_header(request_meta, "HTTP_USER_AGENT"),
        referrer=_header(request_meta, "HTTP_REFERER"),
    )


def _header(meta, name: str) -> str:
    # Request headers are metadata, not the reader's words: drop what PostgreSQL cannot store.
    return str(meta.get(name, "")).replace("\x00", "")[:1000]
