"""Post bodies: Markdown in, safe HTML out.

`render_markdown()` turns a post's Markdown into HTML with markdown-it-py, then passes it
through `sanitize_html()`, nh3's allow-list: headings, paragraphs, links, emphasis, lists,
quotes, code, rules and images from this site or the origins in IMAGE_REMOTE_ORIGINS (which
the CSP allows alike). Nothing active survives: no script, event handlers, style, SVG,
iframes, forms, or javascript:/data: addresses. Raw HTML typed
into the Markdown is shown as text. Imported HTML (issue 15) goes through `sanitize_html()`
directly, so both meet the same list.
"""

import html
import re
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    *(f"h{level}" for level in range(1, 7)),
    "p",
    "br",
    "hr",
    "a",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "img",
    # Imported WordPress captions (issue 15) and galleries (issue 27).
    "figure",
    "figcaption",
    "div",
    # What WordPress's editors write and `wpautop` leaves whole (issue 27).
    *("table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td"),
    *("dl", "dt", "dd", "address"),
    *("abbr", "b", "cite", "del", "dfn", "i", "ins", "kbd", "mark", "q", "s", "samp"),
    *("small", "sub", "sup", "var"),
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "srcset", "sizes", "alt", "title", "width", "height", "class"},
    "ol": {"start"},
    "abbr": {"title"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    # Only the classes in `_KEPT_CLASSES`.
    "code": {"class"},
    "figure": {"class"},
    "figcaption": {"class"},
    "div": {"class"},
}
# WordPress's own classes that the site's stylesheet gives a meaning (code languages,
# captions, galleries, and the alignment and size classes that make text wrap around an
# image); any other class is dropped.
_KEPT_CLASSES = re.compile(
    r"language-[a-z0-9+-]+|wp-caption(?:-text)?|gallery(?:-[a-z0-9-]+)?"
    r"|align(?:left|right|center|none)|size-[a-z0-9_-]+|wp-image-\d+"
)
LINK_SCHEMES = {"http", "https", "mailto"}

# CommonMark with raw HTML off (it is shown as text) and single newlines kept as line breaks,
# as the plain-text bodies before Markdown had them.
_markdown = MarkdownIt("commonmark", {"html": False, "breaks": True})


def image_source_allowed(value: str) -> bool:
    """Tell whether a post may show an image from `value`: the CSP's img-src allows it too.

    This site's own addresses and media, and the origins in IMAGE_REMOTE_ORIGINS.
    """
    value = value.strip()
    if value.startswith(settings.MEDIA_URL):
        return True
    parts = urlsplit(value)
    if not parts.scheme and not parts.netloc:
        return True
    return f"{parts.scheme}://{parts.netloc}".lower() in settings.IMAGE_REMOTE_ORIGINS


def _keep_attribute(keep_remote_images: bool):
    def keep(tag: str, attribute: str, value: str) -> str | None:
        """Keep only WordPress's own classes, and only numbers as an image's size."""
        if attribute == "class":
            return " ".join(c for c in value.split() if _KEPT_CLASSES.fullmatch(c)) or None
        if attribute in ("width", "height"):
            return value if value.strip().isdigit() else None
        if tag == "img" and attribute == "src":
            return value if allowed(value) else None
        if tag == "img" and attribute == "srcset":
            # Every candidate is an address, each meeting the rule `src` meets.
            candidates = [c.strip().split()[:1] for c in value.split(",")]
            ok = all(c and allowed(c[0]) for c in candidates)
            return value if ok else None
        return value

    def allowed(address: str) -> bool:
        if image_source_allowed(address):
            return True
        parts = urlsplit(address.strip())
        return keep_remote_images and parts.scheme == "https" and bool(parts.netloc)

    return keep


def sanitize_html(html: str, *, keep_remote_images: bool = False) -> str:
    """Return `html` with everything outside the allow-list removed.

    An image from another site stays only if its origin is allowed (`image_source_allowed`),
    or, with `keep_remote_images`, over https: an importer keeps them so that it can
    bring them here, and shows only what is allowed.
    """
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute(keep_remote_images),
        url_schemes=LINK_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    shown = _IMAGE.sub(_alt_text, cleaned)
    # An image without alt text that stood alone leaves an empty paragraph: it goes too.
    return without_empty_paragraphs(shown) if shown != cleaned else shown


def without_empty_paragraphs(fragment: str) -> str:
    """Return `fragment` without the paragraphs that hold nothing but white space."""
    return _EMPTY_PARAGRAPH.sub("", fragment)


# An image whose address the rules above refused has no `src` left: HTML has no such image,
# so it is shown as its alt text (which keeps a link around it named).
# nh3 writes every value in double quotes, with a quote inside escaped: a value may hold ">".
_IMAGE = re.compile(r'<img((?:\s+[\w-]+(?:="[^"]*")?)*)\s*/?>')
_EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>\n?")
_ATTRIBUTE = re.compile(r'\s+([\w-]+)(?:="([^"]*)")?')


def _alt_text(match) -> str:
    attributes = dict(_ATTRIBUTE.findall(match.group(1)))
    if "src" in attributes:
        return match.group(0)
    # nh3 leaves < and > as they are inside an attribute: the text is escaped again.
    return html.escape(html.unescape(attributes.get("alt", "")))


def render_markdown(text: str) -> str:
    """Render a post body's Markdown to sanitised HTML."""
    return sanitize_html(_markdown.render(text))


_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)


def first_paragraph_text(rendered: str) -> str:
    """Return the text of the first paragraph of rendered HTML, for summaries and feeds."""
    match = _FIRST_PARAGRAPH.search(rendered)
    if not match:
        return ""
    return html.unescape(nh3.clean(match.group(1), tags=set())).strip()


# Characters that start Markdown syntax anywhere in a line, and at the start of a line.
_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]<>!&])")
_BLOCK_START = re.compile(r"^([#>+\-=~|])")
_ORDERED_START = re.compile(r"^(\d{1,9})([.)])")


def plain_text_as_markdown(text: str) -> str:
    """Escape a plain-text body so that, read as Markdown, it shows exactly its own text."""
    # The plain-text rule: a blank line separates paragraphs, every other newline is a break.
    paragraphs = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n")]
    return "\n\n".join(
        "\n".join(_escape_line(line) for line in re.split(r"\r\n|\r|\n", paragraph))
        for paragraph in paragraphs
        if paragraph
    )


def _escape_line(line: str) -> str:
    # Spaces around a line never showed in HTML; in Markdown they make code blocks and breaks.
    line = line.strip(" \t")
    if not line:
        # An empty line inside a paragraph was a second line break: a Markdown hard break.
        return "\\"
    line = _INLINE_SPECIALS.sub(r"\\\1", line)
    line = _BLOCK_START.sub(r"\\\1", line)
    return _ORDERED_START.sub(r"\1\\\2", line)
