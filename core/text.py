"""Short forms of long text for titles and labels."""

from textwrap import shorten


def clip(text: str, width: int) -> str:
    """Shorten `text` to `width` characters at a word boundary, ending in "…" when cut.

    A first word longer than `width` (a pasted URL) is cut inside it rather than lost.
    """
    text = " ".join(str(text).split())
    if len(text) <= width:
        return text
    short = shorten(text, width=width, placeholder="…")
    if short == "…":
        return text[: width - 1] + "…"
    return short
