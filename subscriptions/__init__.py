"""Email a reader asked for under their comment, and nothing else.

Two boxes under the comment form (`comments.intake.forms.CommentForm`) ask for it:

- "Notify me when my comment is approved.": one notice, the first time that comment is
  approved; never for spam, trash or a deleted comment.
- "Notify me of follow-up comments by email.": double opt-in. One confirmation email with a
  signed link (at most one a day per address); nothing else is sent until it is clicked, and
  an unconfirmed request expires after `CONFIRM_WITHIN` (7 days). Then every newly approved
  comment on the post that is not the reader's own, at most one email per reader and post
  every `FOLLOW_UP_EVERY` (15 minutes): a later one is a digest.

The comments app knows nothing of this app; this app hears from it through two signals:

- `comments.signals.comment_submitted` (to `opt_in.on_comment_submitted`) when a comment is
  stored for review (never a refused, honeypot or disallowed-word comment);
- `comments.signals.comments_approved` (to `deliveries.on_comments_approved`) with the ids that
  just became approved, after commit.

Inside, the modules depend one way: `views` → `opt_in` → `deliveries` → `mail` → `links` →
`models`.

Every email is a `Delivery` on the site's one outbox (`core.outbox`: sent by the task worker,
retried with backoff, swept every few minutes), listed in the admin with its failures, and
carries a signed one-click unsubscribe link with RFC 8058's `List-Unsubscribe` and
`List-Unsubscribe-Post` headers.
"""
