"""WordPress content as our readers see it: paragraphs, figures, plain titles, safe comments.

Post bodies in an export are HTML without paragraphs: WordPress adds them at display time
from blank lines (`wpautop`). Here they get their paragraphs once, lose the block editor's
`<!-- wp:… -->` comments, turn `[caption]` into a figure, and then meet the same nh3
allow-list as Markdown posts (`blog.markup.sanitize_html`).
"""

import html
import re
from collections import Counter
from urllib.parse import unquote, urlsplit

import nh3

from blog.markup import sanitize_html

_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)
_CAPTION = re.compile(r"\[caption([^\]]*)\](.*?)\[/caption\]", re.DOTALL | re.IGNORECASE)
_CAPTION_ATTRIBUTE = re.compile(r'caption="([^"]*)"', re.IGNORECASE)
_IMAGE = re.compile(r"(?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?", re.DOTALL | re.IGNORECASE)
_SHORTCODE = re.compile(r"\[([a-zA-Z][\w-]*)(?:\s[^\]]*)?\]")
_BLOCK_TAGS = (
    "address|article|aside|blockquote|dd|div|dl|dt|figure|figcaption|h[1-6]|hr|li|ol|p|pre|"
    "section|table|tbody|td|tfoot|th|thead|tr|ul"
)
_STARTS_BLOCK = re.compile(rf"^\s*</?(?:{_BLOCK_TAGS})\b", re.IGNORECASE)
_PRE = re.compile(r"<pre\b.*?</pre>", re.DOTALL | re.IGNORECASE)
# wpautop's own rule: no line break right after a block tag or right before one (a <br>
# between </li> and <li> is invalid HTML).
_BREAK_BESIDE_BLOCK = re.compile(
    rf"(</?(?:{_BLOCK_TAGS})\b[^>]*>)\s*<br>|<br>(\s*</?(?:{_BLOCK_TAGS})\b)", re.IGNORECASE
)
_BLANK_LINES = re.compile(r"\n\s*\n")


def _figure(match) -> str:
    attributes, inner = match.group(1), match.group(2)
    image = _IMAGE.search(inner)
    caption = _IMAGE.sub("", inner, count=1).strip() if image else inner.strip()
    if not caption and (attribute := _CAPTION_ATTRIBUTE.search(attributes)):
        caption = attribute.group(1)
    figure = image.group(0) if image else ""
    return f"\n\n<figure>{figure}<figcaption>{caption}</figcaption></figure>\n\n"


def autop(text: str) -> str:
    """Wrap blank-line separated text in paragraphs, as WordPress's `wpautop` does."""
    # Line breaks inside <pre> are content, not paragraph breaks.
    kept = []

    def keep(match):
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    text = _PRE.sub(keep, text.replace("\r\n", "\n").replace("\r", "\n"))
    blocks = []
    for chunk in _BLANK_LINES.split(text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _STARTS_BLOCK.match(chunk) or chunk.startswith("\x00"):
            blocks.append(chunk)
        else:
            lines = chunk.replace("\n", "<br>\n")
            lines = _BREAK_BESIDE_BLOCK.sub(lambda m: m.group(1) or m.group(2), lines)
            blocks.append("<p>" + lines + "</p>")
    joined = "\n".join(blocks)
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], joined)


_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)


def outline_headings(html_text: str) -> str:
    """Renumber a body's headings from h2 without gaps, keeping their order of rank.

    The page's h1 is the post's title: a body that starts at h3, or holds an h1 or jumps from
    h2 to h4, gives readers of headings (and the W3C checker) a skipped level.
    """
    levels = sorted({int(level) for _, level in _HEADING_TAG.findall(html_text)})
    renumbered = {level: min(2 + rank, 6) for rank, level in enumerate(levels)}
    return _HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{renumbered[int(m.group(2))]}", html_text)


_HTTP_IMAGE = re.compile(r"(<img\b[^>]*?\bsrc=[\"'])http://", re.IGNORECASE)


def post_html(raw: str, shortcodes: Counter) -> str:
    """Return a WordPress post body as sanitised HTML with paragraphs; count its shortcodes."""
    # The allow-list keeps images over https only; old sites linked theirs over http.
    text = _HTTP_IMAGE.sub(r"\1https://", _BLOCK_COMMENT.sub("", raw))
    text = _CAPTION.sub(_figure, text)
    shortcodes.update(name.lower() for name in _SHORTCODE.findall(text))
    return outline_headings(sanitize_html(autop(text)))


def plain_text(value: str) -> str:
    """Return the text of a piece of HTML (titles, names): no tags, entities decoded."""
    return html.unescape(nh3.clean(value, tags=set())).strip()


_LINK = re.compile(r"<a\b[^>]*?href=(['\"])(.*?)\1[^>]*>(.*?)</a>", re.DOTALL | re.IGNORECASE)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_PARAGRAPH_END = re.compile(r"</p\s*>", re.IGNORECASE)


def _link_as_text(match) -> str:
    href, label = html.unescape(match.group(2)).strip(), plain_text(match.group(3))
    if not href.lower().startswith(("http://", "https://")):
        return label
    return href if label in ("", href) else f"{label} ({href})"


def comment_text(value: str) -> str:
    """Return a WordPress comment as our plain comment text, keeping links and paragraphs.

    Our comments are text that the page escapes and whose addresses it links, so markup in
    an imported comment can never run; its links survive as their addresses.
    """
    text = _LINK.sub(lambda m: html.escape(_link_as_text(m)), value.replace("\r\n", "\n"))
    text = _BREAK.sub("\n", text)
    text = _PARAGRAPH_END.sub("\n\n", text)
    text = plain_text(text)
    return re.sub(r"\n{3,}", "\n\n", text)


_HREF = re.compile(r'href="(https?://([^/"]+)([^"]*))"', re.IGNORECASE)


def links_to(host: str, body: str) -> list[str]:
    """Return the paths (and queries) of the links in `body` to `host`."""
    paths = (
        old_path(html.unescape(match.group(3)) or "/")
        for match in _HREF.finditer(body)
        if match.group(2).lower() == host.lower()
    )
    # `%00` decodes to a NUL, which no request path holds and PostgreSQL cannot compare.
    return [path for path in paths if "\x00" not in path]


def rewrite_links(body: str, host: str, targets: dict[str, str]) -> str:
    """Point links to `host` at their new addresses: `targets` maps old paths to new."""

    def replace(match):
        if match.group(2).lower() != host.lower():
            return match.group(0)
        target = targets.get(old_path(html.unescape(match.group(3)) or "/"))
        return f'href="{html.escape(target)}"' if target else match.group(0)

    return _HREF.sub(replace, body)


def old_path(link: str) -> str:
    """Return the path and query of an old address: only they are matched.

    The path is decoded, as Django decodes a request's: WordPress writes `caf%c3%a9`, and a
    browser may ask for `caf%C3%A9` or `café`; all three are the path `/café/`.
    """
    parts = urlsplit(link.strip())
    path = unquote(parts.path) or "/"
    return f"{path}?{parts.query}" if parts.query else path
