"""An editor's work from the admin, each carried out one way: `moderate(request, ids, move)`
and `delete(request, ids)`.

The bulk action, a row's button and the email's one-click link all call `moderate`, so each
runs the same workflow (in the request, or in the worker for a big selection: `comments.tasks`)
and tells the editor the same thing, with the same Undo (`comments.admin.undo`). The bulk
action, a row's button, the comment's own Delete and "Empty spam/trash" all call `delete`;
what may be deleted, and what becomes of replies, is `comments.workflow.purge`'s rule.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import ngettext

from comments import tasks
from comments.admin import undo
from comments.models import Status
from comments.workflow.moves import Move


@dataclass(frozen=True)
class Moderated:
    """What a move did: how many comments it changed (None: the worker is doing it)."""

    move: Move
    ids: list[int]
    changed: int | None
    since: datetime

    def message(self, request, back: str):
        """Say what happened, with an Undo that returns to `back` when a few comments moved."""
        if self.changed is None:
            return tasks.background_message(self.move.working, len(self.ids))
        return undo.offer(request, self.move, self.ids, self.since, self.changed, back)

    def undo_token(self, request) -> str:
        """The signed Undo for the list's script, which offers it in the row."""
        return undo.token(self.move, self.ids, request.user, self.since)


def moderate(request, ids: list[int], move: Move) -> Moderated:
    """Apply `move` to the comments `ids` as the signed-in editor."""
    since = timezone.now()
    changed = tasks.run_or_hand_off(tasks.apply_move, ids, move.name, request.user.pk)
    return Moderated(move, ids, changed, since)


@dataclass(frozen=True)
class Deleted:
    """What a deletion did: how many comments went for good (None: the worker is doing it)."""

    ids: list[int]
    deleted: int | None
    # The folder an "Empty spam/trash" emptied ("" for a selection).
    folder: str = ""

    @property
    def level(self) -> int:
        """Warn when the selection held nothing that could be deleted."""
        return messages.WARNING if self.deleted == 0 and not self.folder else messages.SUCCESS

    def message(self) -> str:
        """Say what happened."""
        if self.deleted is None:
            return tasks.background_message(_t("Deleting"), len(self.ids))
        if self.folder:
            return ngettext(
                "%(n)d comment deleted permanently from %(folder)s.",
                "%(n)d comments deleted permanently from %(folder)s.",
                self.deleted,
            ) % {"n": self.deleted, "folder": Status(self.folder).label.lower()}
        if not self.deleted:
            return _t("Nothing deleted: only spam and trash can be deleted.")
        return ngettext(
            "%(n)d comment deleted permanently.",
            "%(n)d comments deleted permanently.",
            self.deleted,
        ) % {"n": self.deleted}


def delete(request, ids: list[int], folder: str = "") -> Deleted:
    """Delete the spam and trash among `ids` for good as the editor (`folder`: an Empty's)."""
    if folder:
        deleted = tasks.run_or_hand_off(tasks.empty_folder, ids, folder, request.user.pk)
    else:
        deleted = tasks.run_or_hand_off(tasks.delete_permanently, ids, request.user.pk)
    return Deleted(ids, deleted, folder)
