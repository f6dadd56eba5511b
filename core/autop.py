"""WordPress's paragraphing (`wpautop` in `wp-includes/formatting.php`), ported step by step.

WordPress stores posts and comments without paragraphs and adds them when it shows them,
from blank lines, leaving block elements (lists, tables, quotes, figures, `<pre>`) whole.
Imported posts (`wordpress.content`) and every comment (`comments.rules.markup`) are paragraphed
here, so they read as they did there. Each step below is one of `wpautop`'s, in its order.
No maintained Python package does this (PyPI had none, 2026-12-06).
"""

import re

# The elements `wpautop` treats as blocks: never wrapped in a paragraph.
BLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|"
    r"form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|"
    r"article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
# An HTML comment, a CDATA section or a tag, as `get_html_split_regex()` finds them.
_HTML_PART = re.compile(r"(<(?:!--.*?(?:-->|\Z)|!\[CDATA\[.*?(?:\]\]>|\Z)|[^>]*>?))", re.DOTALL)
_NEWLINE_IN_TAG = " <!-- wpnl --> "
_KEPT_NEWLINE = "<WPPreserveNewline />"

_DOUBLE_BREAK = re.compile(r"<br\s*/?>\s*<br\s*/?>")
_BLOCK_OPENS = re.compile(rf"(<{BLOCKS}[\s/>])")
_BLOCK_CLOSES = re.compile(rf"(</{BLOCKS}>)")
_RULE = re.compile(r"(<hr\s*?/?>)")
_MANY_BREAKS = re.compile(r"\n\n+")
_PARAGRAPH_SPLIT = re.compile(r"\n\s*\n")
_EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>")
_UNCLOSED_IN_BLOCK = re.compile(r"<p>([^<]+)</(div|address|form)>")
_WRAPPED_BLOCK_TAG = re.compile(rf"<p>\s*(</?{BLOCKS}[^>]*>)\s*</p>")
_WRAPPED_ITEM = re.compile(r"<p>(<li.+?)</p>")
_WRAPPED_QUOTE = re.compile(r"<p><blockquote([^>]*)>", re.IGNORECASE)
_OPENS_BEFORE_BLOCK = re.compile(rf"<p>\s*(</?{BLOCKS}[^>]*>)")
_CLOSES_AFTER_BLOCK = re.compile(rf"(</?{BLOCKS}[^>]*>)\s*</p>")
_RAW_ELEMENT = re.compile(r"<(script|style|svg).*?</\1>", re.DOTALL)
_LONE_NEWLINE = re.compile(r"(?<!<br />)\s*\n")
_BREAK_AFTER_BLOCK = re.compile(rf"(</?{BLOCKS}[^>]*>)\s*<br />")
_BREAK_BEFORE_BLOCK = re.compile(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)")
_LAST_NEWLINE = re.compile(r"\n</p>$")


def wpautop(text: str, br: bool = True) -> str:
    """Return `text` with paragraphs and line breaks, as WordPress shows a post's content."""
    if not text.strip():
        return ""
    text, pre_blocks = _set_aside_pre(text + "\n")
    text = _DOUBLE_BREAK.sub("\n\n", text)
    text = _BLOCK_OPENS.sub(r"\n\n\1", text)
    text = _BLOCK_CLOSES.sub(r"\1\n\n", text)
    text = _RULE.sub(r"\1\n\n", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _in_tags(text, "\n", _NEWLINE_IN_TAG)
    text = _collapse_inside_elements(text)
    text = _MANY_BREAKS.sub("\n\n", text)

    paragraphs = (part for part in _PARAGRAPH_SPLIT.split(text) if part)
    text = "".join(f"<p>{part.strip(chr(10))}</p>\n" for part in paragraphs)

    text = _EMPTY_PARAGRAPH.sub("", text)
    text = _UNCLOSED_IN_BLOCK.sub(r"<p>\1</p></\2>", text)
    text = _WRAPPED_BLOCK_TAG.sub(r"\1", text)
    text = _WRAPPED_ITEM.sub(r"\1", text)
    text = _WRAPPED_QUOTE.sub(r"<blockquote\1><p>", text)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = _OPENS_BEFORE_BLOCK.sub(r"\1", text)
    text = _CLOSES_AFTER_BLOCK.sub(r"\1", text)
    if br:
        text = _RAW_ELEMENT.sub(lambda m: m.group(0).replace("\n", _KEPT_NEWLINE), text)
        text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
        text = _LONE_NEWLINE.sub("<br />\n", text)
        text = text.replace(_KEPT_NEWLINE, "\n")
    text = _BREAK_AFTER_BLOCK.sub(r"\1", text)
    text = _BREAK_BEFORE_BLOCK.sub(r"\1", text)
    text = _LAST_NEWLINE.sub("</p>", text)

    for placeholder, block in pre_blocks.items():
        text = text.replace(placeholder, block)
    if "<!-- wpnl -->" in text:
        text = text.replace(_NEWLINE_IN_TAG, "\n").replace("<!-- wpnl -->", "\n")
    return text


def _set_aside_pre(text: str) -> tuple[str, dict[str, str]]:
    """Replace each `<pre>` element with a placeholder: its lines are content, not breaks."""
    if "<pre" not in text:
        return text, {}
    *parts, last = text.split("</pre>")
    kept, out = {}, []
    for part in parts:
        start = part.find("<pre")
        if start == -1:  # a stray </pre>: WordPress drops it too
            out.append(part)
            continue
        placeholder = f"<pre wp-pre-tag-{len(kept)}></pre>"
        kept[placeholder] = part[start:] + "</pre>"
        out.append(part[:start] + placeholder)
    out.append(last)
    return "".join(out), kept


def _in_tags(text: str, needle: str, replacement: str) -> str:
    """Replace `needle` inside tags and comments only (`wp_replace_in_html_tags`)."""
    parts = _HTML_PART.split(text)
    for i in range(1, len(parts), 2):
        parts[i] = parts[i].replace(needle, replacement)
    return "".join(parts)


def _collapse_inside_elements(text: str) -> str:
    """Keep line breaks around `<option>`, `<param>`, `<source>` and `<figcaption>` out."""
    if "<option" in text:
        text = re.sub(r"\s*<option", "<option", text)
        text = re.sub(r"</option>\s*", "</option>", text)
    if "</object>" in text:
        text = re.sub(r"(<object[^>]*>)\s*", r"\1", text)
        text = re.sub(r"\s*</object>", "</object>", text)
        text = re.sub(r"\s*(</?(?:param|embed)[^>]*>)\s*", r"\1", text)
    if "<source" in text or "<track" in text:
        text = re.sub(r"([<\[](?:audio|video)[^>\]]*[>\]])\s*", r"\1", text)
        text = re.sub(r"\s*([<\[]/(?:audio|video)[>\]])", r"\1", text)
        text = re.sub(r"\s*(<(?:source|track)[^>]*>)\s*", r"\1", text)
    if "<figcaption" in text:
        text = re.sub(r"\s*(<figcaption[^>]*>)", r"\1", text)
        text = re.sub(r"</figcaption>\s*", "</figcaption>", text)
    return text
