"""Undo after a move, as WordPress offers ("Comment marked as spam. Undo").

The message that says what a move did carries a small form: a signed token naming the move,
its editor, when it started and the comments it applied to. Posting it has
`workflow.undo_move` put back each comment the move still holds (one it moved, and nothing
moved since); the rest are left as they are, and the editor is told how many.
"""

from django.core import signing
from django.template.loader import render_to_string
from django.utils.dateparse import parse_datetime
from django.utils.safestring import SafeString

from comments.workflow import moves

SALT = "comments.admin.undo"
# An Undo names its comments; a bigger selection is taken back with the opposite bulk action.
UNDO_LIMIT = 1000


def token(move, ids, actor, since) -> str:
    return signing.dumps(
        {"move": move.name, "ids": list(ids), "actor": actor.pk, "since": since.isoformat()},
        salt=SALT,
        compress=True,
    )


def read(value: str) -> tuple:
    """Return (move, ids, actor id, since) from a token, or raise signing.BadSignature."""
    data = signing.loads(value, salt=SALT)
    try:
        since = parse_datetime(data["since"])
        ids = [int(pk) for pk in data["ids"]]
        if since is None:
            raise ValueError("no time")
        return moves.MOVES[data["move"]], ids, int(data["actor"]), since
    except (KeyError, TypeError, ValueError) as error:
        raise signing.BadSignature("not an undo token") from error


def offer(request, move, ids, since, changed: int, back: str) -> str | SafeString:
    """Say what the move did, with an Undo button when it moved a few comments."""
    message = move.message(changed)
    if not changed or len(ids) > UNDO_LIMIT:
        return message
    return render_to_string(
        "admin/comments/comment/undo_message.html",
        {
            "message": message,
            "token": token(move, ids, request.user, since),
            "next": back,
            "move": move.name,
        },
        request=request,
    )
