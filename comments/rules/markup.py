"""What a comment may hold: the few tags WordPress allows in comments, and text otherwise.

A comment is stored as the reader typed it (that is what Akismet is asked about and what
an export writes). When it is shown, the tags on `TAGS` become formatting, with only the
attributes on `ATTRIBUTES`; any other markup is shown as the text it is, never run. Blank
lines make paragraphs as WordPress makes them (`core.autop`), bare addresses become links,
and every link is marked `nofollow ugc`. nh3's allow-list is the last step, and the gate.
"""

import html
import re
from collections.abc import Iterator

import nh3
from django.utils.html import Urlizer
from django.utils.safestring import mark_safe

from core.autop import wpautop

# WordPress's `$allowedtags` for comments (wp-includes/kses.php).
TAGS = {
    *("a", "abbr", "b", "blockquote", "cite", "code", "del", "em", "i", "q", "s", "strike"),
    "strong",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "del": {"datetime"},
    "q": {"cite"},
}
LINK_SCHEMES = {"http", "https", "mailto"}
_SHOWN_TAGS = TAGS - {"strike"} | {"p", "br"}

_NAMES = "|".join(sorted(TAGS, key=len, reverse=True))
# An allowed tag, kept whole; the text around it is escaped.
_ALLOWED_TAG = re.compile(rf"(</?(?:{_NAMES})\b[^<>]*>)", re.IGNORECASE)
_BARE_AMPERSAND = re.compile(r"&(?!(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);)", re.IGNORECASE)
_STRIKE = re.compile(r"<(/?)strike\b", re.IGNORECASE)
_LINK = re.compile(
    r"<a\b[^>]*?\bhref=([\"'])(?P<href>.*?)\1[^>]*>(?P<label>.*?)</a>", re.IGNORECASE | re.DOTALL
)
_OPENS_LINK = re.compile(r"<a\b", re.IGNORECASE)
_CLOSES_LINK = re.compile(r"</a\b", re.IGNORECASE)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"(?P<href>[^"]*)"|'(?P<single>[^']*)')""", re.IGNORECASE)
_LINK_WITHOUT_ADDRESS = re.compile(r"<a\b(?![^>]*\bhref=)[^>]*>(.*?)</a>", re.DOTALL)
_TAG_OR_LINK = re.compile(r"(<a\b.*?</a>|<[^>]*>)", re.IGNORECASE | re.DOTALL)


class _UgcUrlizer(Urlizer):
    # Links in readers' text are theirs, not ours: search engines are told so.
    url_template = '<a href="{href}" rel="nofollow ugc">{url}</a>'


_urlize = _UgcUrlizer()


def comment_html(text: str) -> str:
    """Render a comment: its allowed tags as formatting, the rest as text, with paragraphs."""
    escaped = "".join(_tags_kept(_ALLOWED_TAG.split(text)))
    # `<strike>` is allowed as WordPress allows it, and shown as HTML5's `<s>`.
    paragraphed = wpautop(_STRIKE.sub(r"<\1s", escaped))
    linked = "".join(
        part if i % 2 else _urlize(part, trim_url_limit=60, autoescape=False)
        for i, part in enumerate(_TAG_OR_LINK.split(paragraphed))
    )
    clean = nh3.clean(
        linked,
        tags=_SHOWN_TAGS,
        attributes=ATTRIBUTES,
        url_schemes=LINK_SCHEMES,
        link_rel="nofollow ugc",
        strip_comments=True,
    )
    # Never left without its address: a link nh3 took it from shows as its words.
    clean = _LINK_WITHOUT_ADDRESS.sub(r"\1", clean)
    return mark_safe(clean)  # noqa: S308  (nh3's allow-list made it safe)


def comment_plain_text(text: str) -> str:
    """Return a comment for plain-text mail: its formatting tags dropped, the rest as typed."""
    text = _LINK.sub(_link_as_text, text)
    text = re.sub(rf"</?(?:{_NAMES})\b[^>]*>", "", text, flags=re.IGNORECASE)
    return html.unescape(text).strip()


def _link_as_text(match) -> str:
    href, label = html.unescape(match["href"]).strip(), match["label"]
    return label if href in ("", label) else f"{label} ({href})"


def _tags_kept(parts: list[str]) -> Iterator[str]:
    """Yield the text escaped and the allowed tags whole, but a link without a safe address
    (`javascript:`, a typo) as the text it is, its `</a>` too."""
    link_shown_as_text = False
    for i, part in enumerate(parts):
        if i % 2 == 0:
            yield _escape(part)
        elif _OPENS_LINK.match(part):
            link_shown_as_text = not _safe_address(part)
            yield _escape(part) if link_shown_as_text else part
        elif _CLOSES_LINK.match(part) and link_shown_as_text:
            link_shown_as_text = False
            yield _escape(part)
        else:
            yield part


def _safe_address(tag: str) -> bool:
    match = _HREF.search(tag)
    if not match:
        return False
    # Browsers ignore control characters and spaces in a scheme (`jav&#x09;ascript:`).
    quoted = match["href"] if match["href"] is not None else match["single"]
    address = re.sub(r"[\x00-\x20]", "", html.unescape(quoted))
    scheme, colon, _rest = address.partition(":")
    return not colon or "/" in scheme or scheme.lower() in LINK_SCHEMES


def _escape(text: str) -> str:
    # WordPress stores `&` as `&amp;` and keeps the entities readers type: those stay.
    text = _BARE_AMPERSAND.sub("&amp;", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")
