"""The shortcodes an export's posts use, turned into the markup WordPress would have shown.

- The SyntaxHighlighter code shortcodes that WordPress.com supports (`[code]`,
  `[sourcecode language="r"]`, `[python]`, …) become `<pre><code class="language-…">`, their
  lines kept verbatim: set aside before paragraphing, as WordPress.com's plugin does.
- `[caption]` becomes a `<figure>` with its `<figcaption>` (`img_caption_shortcode`).
- `[gallery]` becomes a grid of the post's imported images (`gallery_shortcode`).

Any other shortcode stays as text; `left_as_text()` names those that look like one.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

# The languages of WordPress.com's "Posting source code" support page, each a shortcode of
# its own; `[code]` and `[sourcecode]` name theirs in `language=` or `lang=`.
LANGUAGES = {
    "actionscript3": "actionscript3",
    "as3": "actionscript3",
    "bash": "bash",
    "shell": "bash",
    "clojure": "clojure",
    "clj": "clojure",
    "coldfusion": "coldfusion",
    "cf": "coldfusion",
    "cpp": "cpp",
    "c": "c",
    "c#": "csharp",
    "c-sharp": "csharp",
    "csharp": "csharp",
    "css": "css",
    "delphi": "delphi",
    "pas": "delphi",
    "pascal": "delphi",
    "diff": "diff",
    "patch": "diff",
    "erl": "erlang",
    "erlang": "erlang",
    "fsharp": "fsharp",
    "go": "go",
    "golang": "go",
    "groovy": "groovy",
    "haskell": "haskell",
    "html": "html",
    "xhtml": "html",
    "xml": "xml",
    "xslt": "xml",
    "java": "java",
    "jfx": "javafx",
    "javafx": "javafx",
    "javascript": "javascript",
    "js": "javascript",
    "jscript": "javascript",
    "latex": "latex",
    "tex": "latex",
    "matlab": "matlab",
    "objc": "objectivec",
    "obj-c": "objectivec",
    "perl": "perl",
    "pl": "perl",
    "php": "php",
    "plain": "plaintext",
    "text": "plaintext",
    "powershell": "powershell",
    "ps": "powershell",
    "python": "python",
    "py": "python",
    "r": "r",
    "splus": "r",
    "ruby": "ruby",
    "rails": "ruby",
    "ror": "ruby",
    "rb": "ruby",
    "sass": "scss",
    "scss": "scss",
    "scala": "scala",
    "sql": "sql",
    "swift": "swift",
    "vb": "vbnet",
    "vbnet": "vbnet",
    "yaml": "yaml",
    "yml": "yaml",
}
CODE_TAGS = {"code", "sourcecode", *LANGUAGES}
# Shortcodes of WordPress and WordPress.com that have no closing tag and may have no
# attributes: named as left as text even then.
KNOWN = {
    *("audio", "video", "playlist", "embed", "wp_caption", "archives", "googlemaps"),
    *("gravatar", "instagram", "polldaddy", "recipe", "slideshare", "slideshow"),
    *("soundcloud", "spotify", "ted", "tweet", "vimeo", "youtube", "contact-form"),
}

_NAMES = "|".join(re.escape(name) for name in sorted(CODE_TAGS, key=len, reverse=True))
# `[tag attributes]code[/tag]`; the same tag closes it, as `get_shortcode_regex()` requires.
_CODE = re.compile(
    rf"(?P<pre><pre\b[^>]*>\s*)?"
    rf"\[(?P<tag>{_NAMES})(?![\w-])(?P<attributes>[^\]]*)\](?P<code>.*?)\[/(?P=tag)\]"
    rf"(?P<end>\s*</pre>)?",
    re.DOTALL | re.IGNORECASE,
)
_ATTRIBUTE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"]+)"""
)
_CAPTION = re.compile(
    r"\[(?:wp_)?caption(?![\w-])([^\]]*)\](.*?)\[/(?:wp_)?caption\]", re.DOTALL | re.IGNORECASE
)
_IMAGE = re.compile(r"(?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?", re.DOTALL | re.IGNORECASE)
_GALLERY = re.compile(r"\[gallery(?![\w-])([^\]]*)\]", re.IGNORECASE)
_SHORTCODE = re.compile(r"(?<!\\)\[([a-zA-Z][\w-]*)(\s[^\]]*)?\]")
_HAS_ATTRIBUTE = re.compile(r"^\s+[\w-]+\s*=")
_ALIGNMENT = re.compile(r"^align(?:left|right|center|none)$")


def attributes(text: str) -> dict[str, str]:
    """Return a shortcode's named attributes (`shortcode_parse_atts`), names in lower case."""
    found = {}
    for match in _ATTRIBUTE.finditer(html.unescape(text)):
        name = match.group(1) or match.group(3) or match.group(5)
        value = match.group(2) if match.group(1) else match.group(4) or match.group(6) or ""
        found[name.lower()] = value
    return found


# --- Code ------------------------------------------------------------------------------


def code_blocks(text: str) -> tuple[str, list[str]]:
    """Replace each code shortcode with a placeholder; return the text and the blocks.

    A `<pre>` written around the shortcode, or just before it, goes with it: the block is
    one already, and a `<pre>` inside a `<pre>` is not HTML.

    The placeholders are `<pre>` elements, which paragraphing leaves whole; `restore()`
    puts the blocks back once nothing else will read the text.
    """
    blocks: list[str] = []

    def set_aside(match) -> str:
        blocks.append(_code_block(match))
        # A `</pre>` with no `<pre>` before the shortcode closes something else.
        after = match["end"] if match["end"] and not match["pre"] else ""
        return f"<pre wp-code-{len(blocks) - 1}></pre>{after}"

    return _CODE.sub(set_aside, text), blocks


def restore(text: str, blocks: list[str]) -> str:
    """Put the code blocks `code_blocks()` set aside back in place."""
    for number, block in enumerate(blocks):
        text = text.replace(f"<pre wp-code-{number}></pre>", block, 1)
    return text


def _code_block(match) -> str:
    tag = match["tag"].lower()
    if tag in ("code", "sourcecode"):
        found = attributes(match["attributes"])
        tag = (found.get("language") or found.get("lang") or "plain").lower()
    language = LANGUAGES.get(tag, re.sub(r"[^a-z0-9+-]", "", tag) or "plaintext")
    # The visual editor stored code with its `<`, `>` and `&` as entities, the HTML editor
    # as typed, and many posts mix both: `&lt;-` is R's arrow either way.
    code = html.unescape(match["code"].replace("\r\n", "\n")).strip("\n")
    return f'<pre><code class="language-{language}">{html.escape(code, quote=False)}</code></pre>'


# --- Captions ------------------------------------------------------------------------


def captions(text: str) -> str:
    """Turn each `[caption]` into a figure with its caption, as WordPress shows it."""
    return _CAPTION.sub(_figure, text)


def _figure(match) -> str:
    found = attributes(match.group(1))
    inner = match.group(2)
    image = _IMAGE.search(inner)
    caption = _IMAGE.sub("", inner, count=1).strip() if image else inner.strip()
    caption = caption or found.get("caption", "")
    align = found.get("align", "")
    classes = " ".join(["wp-caption", *([align] if _ALIGNMENT.match(align) else [])])
    figure = image.group(0) if image else ""
    if caption:
        figure += f'<figcaption class="wp-caption-text">{caption}</figcaption>'
    return f'\n\n<figure class="{classes}">{figure}</figure>\n\n'


# --- Galleries -------------------------------------------------------------------------


@dataclass(frozen=True)
class GalleryImage:
    wp_id: int
    parent: int  # the post it was uploaded to
    url: str
    alt: str
    caption: str


def has_gallery(text: str) -> bool:
    """Say whether `text` shows a gallery, whose images are known only at the end."""
    return _GALLERY.search(text) is not None


def galleries(text: str, post_wp_id: int, images: Callable[[int], list[GalleryImage]]):
    """Turn each `[gallery]` into a grid of its images: `ids=` or those uploaded to the post.

    `images(post_wp_id)` returns the images uploaded to a post, and `images(0)` all of them.
    """

    def gallery(match) -> str:
        found = attributes(match.group(1))
        every = {image.wp_id: image for image in images(0)}
        ids = [int(n) for n in re.findall(r"\d+", found.get("ids") or found.get("include", ""))]
        if ids:
            shown = [every[n] for n in ids if n in every]
        else:
            shown = sorted(images(post_wp_id), key=lambda image: image.wp_id)
        excluded = {int(n) for n in re.findall(r"\d+", found.get("exclude", ""))}
        shown = [image for image in shown if image.wp_id not in excluded]
        if not shown:
            return ""
        columns = found.get("columns", "3")
        columns = int(columns) if columns.isdigit() and 0 < int(columns) < 10 else 3
        linked = found.get("link", "") != "none"
        items = "".join(_gallery_item(image, linked) for image in shown)
        return f'\n\n<div class="gallery gallery-columns-{columns}">{items}</div>\n\n'

    return _GALLERY.sub(gallery, text)


def _gallery_item(image: GalleryImage, linked: bool) -> str:
    url = html.escape(image.url)
    shown = f'<img src="{url}" alt="{html.escape(image.alt)}">'
    if linked:
        shown = f'<a href="{url}">{shown}</a>'
    if image.caption:
        shown += f'<figcaption class="gallery-caption">{html.escape(image.caption)}</figcaption>'
    return f'<figure class="gallery-item">{shown}</figure>'


# --- What is left --------------------------------------------------------------------


def left_as_text(text: str) -> list[str]:
    """Return the names of the shortcodes left in `text`, lower case, once per use.

    Bracketed words are common in prose and code (`[i]`, `[sic]`, `[a-z0-9_]`): a tag counts
    as a shortcode only when WordPress knows it, it has a `name=value` attribute, or a
    `[/name]` closes it.
    """
    names = []
    for match in _SHORTCODE.finditer(text):
        name, rest = match.group(1), match.group(2) or ""
        lower = name.lower()
        closed = f"[/{lower}]" in text.lower()
        if lower in KNOWN or closed or _HAS_ATTRIBUTE.match(rest):
            names.append(lower)
    return names
