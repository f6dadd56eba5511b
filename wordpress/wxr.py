"""Read a WordPress export (WXR 1.0, 1.1, 1.2) as a stream of plain records.

`read(file)` yields `Channel` fields, then `Author`, `Term` and `Item` records in file
order, each element cleared once read, so memory stays flat however large the file is.
defusedxml refuses DTD entities, so neither external entities nor entity bombs get in.

What WordPress's importer reads, this reads too (`TolerantSource`): a well-known prefix the
file uses without declaring it (WordPress.com's `atom:` of 2011-2012) is bound, and the
control bytes XML forbids (a NUL in serialized PHP) are dropped, each a warning.
"""

import re
from datetime import UTC, datetime
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils import timezone

# The records `read` yields; imported from here by the importer and its tests.
from .records import Author, Channel, Item, ItemComment, Term

WXR_VERSIONS = {"1.0", "1.1", "1.2"}
ZERO_DATE = "0000-00-00 00:00:00"
# An export nests six levels deep (rss/channel/item/wp:comment/wp:commentmeta/wp:meta_key).
MAX_DEPTH = 32
# Elements held at once: one item with its comments, read whole before it is cleared. About
# 160 bytes each, so 250,000 (an item with some 8,000 comments) holds about 40 MB; a file of
# millions of empty siblings or endless nesting is refused instead of filling the worker.
MAX_HELD_ELEMENTS = 250_000
# WordPress ids are unsigned 64-bit; ours are signed. Anything outside is no id at all.
MAX_ID = 2**63 - 1

# Namespaces by pattern: the version and scheme vary (http://, WordPress.com's https://).
_PREFIXES = [
    (re.compile(r"^\{https?://wordpress\.org/export/\d+\.\d+/excerpt/\}"), "excerpt:"),
    (re.compile(r"^\{https?://wordpress\.org/export/\d+\.\d+/\}"), "wp:"),
    (re.compile(r"^\{http://purl\.org/rss/1\.0/modules/content/\}"), "content:"),
    (re.compile(r"^\{http://purl\.org/dc/elements/1\.1/\}"), "dc:"),
    (re.compile(r"^\{[^}]*\}"), "other:"),
]


class WXRError(Exception):
    """The file is not a WordPress export we can read; the message says why in one line."""


# An attachment's file and alt text, and a post's featured image (an attachment's id).
META_KEYS = {"_wp_attached_file", "_wp_attachment_image_alt", "_thumbnail_id"}

_names: dict[str, str] = {}


def _name(tag: str) -> str:
    """Return `wp:post_id` for `{http(s)://wordpress.org/export/1.x/}post_id`, and so on."""
    name = _names.get(tag)
    if name is None:
        name = tag
        for pattern, prefix in _PREFIXES:
            if pattern.match(tag):
                name = pattern.sub(prefix, tag)
                break
        _names[tag] = name
    return name


def _text(element) -> str:
    return (element.text or "").strip()


def parse_id(value: str) -> int:
    """Return a WordPress id (1 to MAX_ID), or 0 for none: missing, zero, negative or huge."""
    try:
        number = int(value.strip())
    except (ValueError, AttributeError):
        return 0
    return number if 0 < number <= MAX_ID else 0


def _children(element) -> dict[str, str]:
    return {_name(child.tag): child.text or "" for child in element}


def _comment(element) -> ItemComment:
    values = _children(element)
    user_agent = ""
    for meta in element:
        if _name(meta.tag) == "wp:commentmeta":
            meta_values = _children(meta)
            if meta_values.get("wp:meta_key") == "akismet_user_agent":
                user_agent = meta_values.get("wp:meta_value", "")
    return ItemComment(
        wp_id=parse_id(values.get("wp:comment_id", "")),
        author=values.get("wp:comment_author", ""),
        email=values.get("wp:comment_author_email", "").strip(),
        url=values.get("wp:comment_author_url", "").strip(),
        ip=values.get("wp:comment_author_IP", "").strip(),
        date=values.get("wp:comment_date", "").strip(),
        date_gmt=values.get("wp:comment_date_gmt", "").strip(),
        content=values.get("wp:comment_content", ""),
        approved=values["wp:comment_approved"].strip() if "wp:comment_approved" in values else None,
        type=values.get("wp:comment_type", "").strip(),
        parent=parse_id(values.get("wp:comment_parent", "0")),
        user_agent=values.get("wp:comment_agent", "") or user_agent,
    )


def _comment_id(element) -> int:
    for child in element:
        if _name(child.tag) == "wp:comment_id":
            return parse_id(child.text or "")
    return 0


def _item(element, known_comments) -> Item:
    item = Item(wp_id=0)
    for child in element:
        name = _name(child.tag)
        text = child.text or ""
        match name:
            case "title":
                item.title = text
            case "link":
                item.link = text.strip()
            case "dc:creator":
                item.creator = text.strip()
            case "content:encoded":
                item.content = text
            case "excerpt:encoded":
                item.excerpt = text
            case "wp:post_id":
                item.wp_id = parse_id(text)
            case "wp:post_date":
                item.date = text.strip()
            case "wp:post_date_gmt":
                item.date_gmt = text.strip()
            case "wp:post_modified":
                item.modified = text.strip()
            case "wp:post_modified_gmt":
                item.modified_gmt = text.strip()
            case "wp:comment_status":
                item.comment_status = text.strip()
            case "wp:post_name":
                item.slug = text.strip()
            case "wp:status":
                item.status = text.strip()
            case "wp:post_parent":
                item.parent = parse_id(text)
            case "wp:post_type":
                item.type = text.strip()
            case "wp:post_password":
                item.password = text.strip()
            case "wp:is_sticky":
                item.sticky = text.strip() == "1"
            case "wp:attachment_url":
                item.attachment_url = text.strip()
            case "wp:postmeta":
                values = _children(child)
                if (key := values.get("wp:meta_key", "").strip()) in META_KEYS:
                    item.meta[key] = values.get("wp:meta_value", "").strip()
            case "category":
                # WXR 1.0 calls tags "tag"; later versions "post_tag".
                domain = child.get("domain", "category")
                taxonomy = "post_tag" if domain == "tag" else domain
                item.terms.append((taxonomy, child.get("nicename", "").strip(), text.strip()))
            case "wp:comment":
                # A second run meets mostly known comments: their id is all it reads.
                if known_comments and _comment_id(child) in known_comments:
                    item.known_comments += 1
                else:
                    item.comments.append(_comment(child))
    return item


def _author(element) -> Author:
    values = _children(element)
    return Author(
        login=values.get("wp:author_login", "").strip(),
        wp_id=parse_id(values.get("wp:author_id", "")) or None,
        email=values.get("wp:author_email", "").strip(),
        display_name=values.get("wp:author_display_name", "").strip(),
        first_name=values.get("wp:author_first_name", "").strip(),
        last_name=values.get("wp:author_last_name", "").strip(),
    )


def _term(element, kind: str) -> Term:
    values = _children(element)
    if kind == "wp:category":
        return Term(
            "category",
            values.get("wp:category_nicename", "").strip(),
            values.get("wp:cat_name", "").strip(),
            values.get("wp:category_parent", "").strip(),
            values.get("wp:category_description", "").strip(),
            parse_id(values.get("wp:term_id", "")),
        )
    return Term(
        "post_tag",
        values.get("wp:tag_slug", "").strip(),
        values.get("wp:tag_name", "").strip(),
        description=values.get("wp:tag_description", "").strip(),
        wp_id=parse_id(values.get("wp:term_id", "")),
    )


_CHANNEL_FIELDS = {
    "wp:wxr_version": "wxr_version",
    "link": "link",
    "wp:base_site_url": "base_site_url",
    "wp:base_blog_url": "base_blog_url",
    "title": "title",
}


# Prefixes WordPress and WordPress.com write, bound on <rss> when the file leaves one out.
WELL_KNOWN_PREFIXES = {
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": "http://wordpress.org/export/1.2/",
    "atom": "http://www.w3.org/2005/Atom",
    "sy": "http://purl.org/rss/1.0/modules/syndication/",
    "slash": "http://purl.org/rss/1.0/modules/slash/",
    "georss": "http://www.georss.org/georss",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "media": "http://search.yahoo.com/mrss/",
}
# The bytes below 0x20 XML 1.0 forbids (all but tab, newline and carriage return). In UTF-8
# and the single-byte encodings they never occur inside another character's bytes.
_FORBIDDEN = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_FORBIDDEN_BYTE = re.compile(b"[" + re.escape(_FORBIDDEN) + b"]")
_ROOT_TAG = re.compile(rb"""<rss(?:\s+[^\s=>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/?>""")
# How far the root tag may be from the start: WordPress writes some 2 KB of comments first.
_PROLOG_LIMIT = 256 * 1024
# Warnings for dropped bytes, one per line of the file, up to this many.
MAX_BYTE_WARNINGS = 50


class TolerantSource:
    """A binary file that reads as well-formed XML where WordPress's importer would read it.

    `warn(line, message)` is told of each line of the file that lost control bytes.
    """

    def __init__(self, source, warn=None):
        self.source = source
        self.warn = warn or (lambda line, message: None)
        self.line = 1  # the line of the file the next byte read is on
        self.warned = 0
        self.head = None  # the start of the file, with the prefixes it lacks bound
        # UTF-16 and UTF-32 files hold zero bytes in every character: leave them alone.
        self.filtering = True

    def read(self, size=-1):
        if self.head is None:
            self.head = self._head()
            if self.head:
                return self.head
        chunk = self.source.read(size)
        return self._filter(chunk) if chunk else chunk

    def _head(self) -> bytes:
        head = b""
        while len(head) < _PROLOG_LIMIT:
            chunk = self.source.read(16 * 1024)
            if not chunk:
                break
            head += chunk
            if _ROOT_TAG.search(head):
                break
        if head[:2] in (b"\xff\xfe", b"\xfe\xff") or head[:1] == b"\x00":
            self.filtering = False
            return head
        head = self._filter(head)
        if match := _ROOT_TAG.search(head):
            tag = match.group()
            missing = [
                f' xmlns:{prefix}="{uri}"'.encode()
                for prefix, uri in WELL_KNOWN_PREFIXES.items()
                if not re.search(rb"\sxmlns:" + prefix.encode() + rb"\s*=", tag)
            ]
            if missing:
                # Binding a prefix a file never uses changes nothing it reads.
                head = head[: match.start() + 4] + b"".join(missing) + head[match.start() + 4 :]
        return head

    def _filter(self, chunk: bytes) -> bytes:
        if not self.filtering:
            return chunk
        line = self.line
        self.line += chunk.count(b"\n")
        if not _FORBIDDEN_BYTE.search(chunk):
            return chunk
        dropped: dict[int, list[int]] = {}
        at, counted = line, 0
        for match in _FORBIDDEN_BYTE.finditer(chunk):
            at += chunk.count(b"\n", counted, match.start())
            counted = match.start()
            dropped.setdefault(at, []).append(match.group()[0])
        for at, values in dropped.items():
            self.warned += 1
            if self.warned <= MAX_BYTE_WARNINGS:
                kinds = ", ".join(sorted({f"0x{value:02X}" for value in values}))
                count = "a control byte" if len(values) == 1 else f"{len(values)} control bytes"
                self.warn(at, f"dropped {count} XML forbids ({kinds})")
            elif self.warned == MAX_BYTE_WARNINGS + 1:
                self.warn(at, "dropped more control bytes; no more lines are listed")
        return chunk.translate(None, _FORBIDDEN)


def read(source, *, known_comments=None, warn=None):
    """Yield the export's records in order: the `Channel` (updated as read), then the rest.

    `known_comments(channel)` is asked once, when the first item starts (the channel's own
    fields, such as its site address, are read by then) for the WordPress ids of comments
    already imported. Those are only counted (`Item.known_comments`), so a file read again
    costs little more than its parse. `warn(line, message)` is told what was repaired.
    """
    source = TolerantSource(source, warn)
    known = None
    channel = Channel()
    root = channel_element = None
    depth = held = 0
    try:
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                depth += 1
                held += 1
                if depth == 1:
                    root = element
                    if element.tag != "rss":
                        raise WXRError(
                            f"This is not a WordPress export: its root element is <{element.tag}>."
                        )
                if depth == 2 and element.tag == "channel":
                    channel_element = element
                _check_bounds(depth, held)
                continue
            depth -= 1
            if depth == 1:
                # A child of <rss> is complete (the channel, or something else): drop it.
                root.clear()
                held = 0
                continue
            if depth != 2 or channel_element is None:
                continue
            # A direct child of <channel> is complete.
            name = _name(element.tag)
            if name in _CHANNEL_FIELDS:
                setattr(channel, _CHANNEL_FIELDS[name], _text(element))
            elif name == "wp:author":
                yield channel, _author(element)
            elif name in ("wp:category", "wp:tag"):
                yield channel, _term(element, name)
            elif name == "item":
                _check_version(channel)
                if known is None:
                    known = known_comments(channel) if known_comments else ()
                yield channel, _item(element, known)
            # Cleared children leave nothing behind: the channel holds no finished element.
            channel_element.clear()
            held = 0
    except ParseError as error:
        line, column = error.position
        reason = _reason(error)
        if root is not None and reason in ("no element found", "unclosed token"):
            raise WXRError(
                f"The file ends before the export does (truncated?) at line {line}, "
                f"column {column}."
            ) from error
        if root is None and reason == "no element found":
            raise WXRError("The file is empty.") from error
        raise WXRError(f"This is not XML: {reason} at line {line}, column {column}.") from error
    except DefusedXmlException as error:
        raise WXRError(
            f"The file declares XML entities, which are refused for safety ({error})."
        ) from error
    if root is None:
        raise WXRError("The file is empty.")
    _check_version(channel)
    yield channel, None


def _check_bounds(depth: int, held: int) -> None:
    if depth > MAX_DEPTH:
        raise WXRError(
            f"This is not a WordPress export: its elements nest more than {MAX_DEPTH} deep."
        )
    if held > MAX_HELD_ELEMENTS:
        raise WXRError(
            f"One entry of this file holds more than {MAX_HELD_ELEMENTS:,} elements, "
            "more than any WordPress export; it is refused to keep the import's memory bounded."
        )


def _reason(error: ParseError) -> str:
    return str(error).split(":", 1)[0]


def _check_version(channel: Channel) -> None:
    if not channel.wxr_version:
        raise WXRError(
            "This is not a WordPress export: it has no <wp:wxr_version>. "
            "Export it again with Tools → Export → All content."
        )
    if channel.wxr_version not in WXR_VERSIONS:
        raise WXRError(
            f"This WordPress export has version {channel.wxr_version}, which this importer "
            f"does not know (it reads {', '.join(sorted(WXR_VERSIONS))})."
        )


def parse_date(gmt: str, local: str) -> datetime | None:
    """Return the moment from the *_gmt field, or from the local one in the site's zone."""
    for value, zone in ((gmt, UTC), (local, timezone.get_default_timezone())):
        if value and value != ZERO_DATE:
            try:
                naive = _naive_date(value.strip())
            except ValueError:
                continue
            return naive.replace(tzinfo=zone)
    return None


def _naive_date(value: str) -> datetime:
    # Exports write `2012-01-03 09:00:00`: fromisoformat reads that about 20 times faster
    # than strptime, which an import calls for every post and comment.
    if len(value) == 19 and value[10] == " ":
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is None:
                return parsed
    return datetime.strptime(value, "%Y-%m-%d %H:%M:%S")  # noqa: DTZ007
