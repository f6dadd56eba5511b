"""What the workflow announces once its transaction has committed.

- `comments_approved(ids)`: these comments became approved for the first time (reader
  notifications hook in here).
- `checks_requested(ids, reason)`: these comments should be checked by Akismet again
  (`comments.tasks` queues the checks).
- `reports_queued()`: spam/ham reports wait to be sent (`comments.tasks` sends them).
"""

from django.dispatch import Signal

comments_approved = Signal()
checks_requested = Signal()
reports_queued = Signal()
