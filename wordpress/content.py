"""WordPress content as our readers see it: paragraphs, code, figures, galleries, titles.

Post bodies in an export are HTML without paragraphs: WordPress adds them at display time
from blank lines (`wpautop`, ported in `core.autop`). Here they get their paragraphs once,
lose the block editor's `<!-- wp:… -->` comments, have their shortcodes drawn
(`wordpress.shortcodes`), and then meet the same nh3 allow-list as Markdown posts
(`blog.markup.sanitize_html`). Comments keep their markup as WordPress stored it
(`comments.rules.markup` shows it).
"""

import html
import re
from collections import Counter
from urllib.parse import unquote, urlsplit

import nh3

from blog.markup import sanitize_html, without_empty_paragraphs
from core.autop import wpautop

from . import shortcodes

_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)
SETTLE_PASSES = 6
_EMPTY_TERM = re.compile(r"<(dt|dd)>\s*</\1>")
_EMPTY_DEFINITION_LIST = re.compile(r"<dl>\s*</dl>\n?")
_EMPTY_INLINE = re.compile(r"<(a|abbr|b|cite|code|del|em|i|ins|q|s|small|strong|sub|sup)></\1>")


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
_SRCSET = re.compile(r"(<img\b[^>]*?\bsrcset=)(\"[^\"]*\"|'[^']*')", re.IGNORECASE)


def no_gallery_images(post_wp_id: int) -> list[shortcodes.GalleryImage]:
    """Know no images: a gallery met before its images shows none until the import ends."""
    return []


def post_html(
    raw: str,
    left_as_text: Counter,
    *,
    post_wp_id: int = 0,
    gallery_images=no_gallery_images,
) -> str:
    """Return a WordPress post body as WordPress shows it, sanitised; count its shortcodes.

    Applying it to its own result changes nothing, so an export of an imported site
    imports again as it was. Its images on other sites stay, to be brought here
    (`wordpress.attachments`); what readers see (`Post.body_html`) keeps only those this site
    may show.
    """
    text, code = shortcodes.code_blocks(_BLOCK_COMMENT.sub("", raw))
    text = shortcodes.captions(text)
    text = shortcodes.galleries(text, post_wp_id, gallery_images)
    # The allow-list keeps images over https only; old sites linked theirs over http.
    text = _HTTP_IMAGE.sub(r"\1https://", text)
    text = _SRCSET.sub(lambda m: m[1] + m[2].replace("http://", "https://"), text)
    left_as_text.update(shortcodes.left_as_text(text))
    shown = _shown(shortcodes.restore(wpautop(text), code))
    # Paragraphing its own result again moves only the line breaks between blocks; settling
    # them here is what makes export, import and export again give the same file.
    for _ in range(SETTLE_PASSES):
        again = _shown(wpautop(shown))
        if again == shown:
            break
        shown = again
    # The page's h1 is the title: the body's headings start at h2 (outline_headings).
    return outline_headings(shown)


def _shown(paragraphed: str) -> str:
    # Misnested markup (`<code><pre>…</pre></code>`) leaves empty copies of inline elements
    # behind, and a paragraph or a caption's `<dl>` may have held only markup the sanitiser
    # drops: all go, as nothing a reader could see.
    shown = _EMPTY_INLINE.sub("", sanitize_html(paragraphed, keep_remote_images=True))
    shown = _EMPTY_DEFINITION_LIST.sub("", _EMPTY_TERM.sub("", shown))
    return without_empty_paragraphs(shown)


def plain_text(value: str) -> str:
    """Return the text of a piece of HTML (titles, names): no tags, entities decoded."""
    return html.unescape(nh3.clean(value, tags=set())).strip()


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
