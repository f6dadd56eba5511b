"""The editors' moderation desk: the comment changelist is the queue."""

from . import comment, edits, records  # noqa: F401  (each registers its ModelAdmins)
