"""An editor's move from the admin, carried out one way: `moderate(request, ids, move)`.

The bulk action, a row's button and the email's one-click link all call it, so each runs the
same workflow (in the request, or in the worker for a big selection: `comments.tasks`) and
tells the editor the same thing, with the same Undo (`comments.admin.undo`).
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from .. import tasks
from ..moves import Move
from . import undo


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
        """The signed Undo for the queue's script, which offers it in the row."""
        return undo.token(self.move, self.ids, request.user, self.since)


def moderate(request, ids: list[int], move: Move) -> Moderated:
    """Apply `move` to the comments `ids` as the signed-in editor."""
    since = timezone.now()
    changed = tasks.run_or_hand_off(tasks.apply_move, ids, move.name, request.user.pk)
    return Moderated(move, ids, changed, since)
