"""What the comments app announces, for the apps that build on it.

- `comment_submitted(comment, data)`: a new comment was stored for review (never a refused,
  honeypot or disallowed-word one), with the form's cleaned `data` (the fields apps added
  through `comments.intake.forms.extend_form`, the subscription boxes, among it). Sent inside the
  comment's transaction, after its spam check is queued, so what a receiver writes is stored
  with the comment or not at all.

What the workflow announces once its transaction has committed:

- `comments_approved(ids)`: these comments became approved for the first time (reader
  notifications hook in here).
"""

from django.dispatch import Signal

comment_submitted = Signal()
comments_approved = Signal()
