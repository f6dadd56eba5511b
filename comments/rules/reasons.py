"""Why a comment is held or thrown out, as `Comment.hold_reason` and the history word it.

Built here and read here, so no module spells a reason out or parses one back on its own:
the honeypot, a disallowed word, and the "held: …" line the history and the spam check's
answer carry.
"""

HONEYPOT = "honeypot"
_DISALLOWED = "disallowed word"
HELD_PREFIX = "held: "


def disallowed(word: str) -> str:
    """Return the reason for a comment trashed for a disallowed word."""
    return f"{_DISALLOWED} '{word}'"


def is_disallowed(reason: str) -> bool:
    return (reason or "").removeprefix(HELD_PREFIX).startswith(_DISALLOWED)


def is_honeypot(reason: str) -> bool:
    return (reason or "").removeprefix(HELD_PREFIX) == HONEYPOT


def held(reason: str) -> str:
    """Return the history's line for a comment held for `reason` (empty for none)."""
    return f"{HELD_PREFIX}{reason}" if reason else ""


def plain(line: str) -> str:
    """Return the reason in a "held: …" line (or the reason itself)."""
    return (line or "").removeprefix(HELD_PREFIX)
