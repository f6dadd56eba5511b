"""The editors' moderation desk: the comment list (opening on the queue), its pages and records.

In these names the queue is what waits for an editor (`comments.rules.statuses.QUEUE`), and to
moderate is to act on comments as an editor (a move, or deleting them for good).
"""

from comments.admin import comment, edits, records  # noqa: F401  (each registers its ModelAdmins)
