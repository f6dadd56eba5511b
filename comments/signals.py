"""What the comments app announces, for the apps that build on it.

- `comment_submitted(comment, data)`: a new comment was stored for review (never a refused,
  honeypot or disallowed-word one), with the form's cleaned `data` (the subscription boxes
  among it). Sent inside the comment's transaction, after its spam check is queued, so what
  a receiver writes is stored with the comment or not at all.

- `confirmation_awaited(ids)`: a question, not news: of these comments (a reader's own), which
  asked for something that waits on the reader's confirmation? Each receiver returns a set of
  ids; the reader's page reminds them under those comments (`comments.threads.thread_for`).

What the workflow announces once its transaction has committed:

- `comments_approved(ids)`: these comments became approved for the first time (reader
  notifications hook in here).
"""

from django.dispatch import Signal

comment_submitted = Signal()
confirmation_awaited = Signal()
comments_approved = Signal()
