"""Proof that a page carries a reader's hostile input only as inert text."""

import re

from bs4 import BeautifulSoup

# Every hostile payload carries this, so we can tell where the reader's input ended up.
MARKER = "alert(1)"
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "data"}
ACTIVE_SCHEMES = re.compile(r"^\s*(javascript|data|vbscript):", re.IGNORECASE)
# Elements that run or embed content: the reader's input must never be inside one.
ACTIVE_ELEMENTS = {"script", "style", "svg", "math", "iframe", "object", "embed", "template"}


def assert_inert(html: str, *, allowed_data_images: bool = True) -> BeautifulSoup:
    """Fail if the page has an event handler, an active URL, or input inside active markup."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            assert not name.lower().startswith("on"), f"event handler {name}= on <{tag.name}>"
            if name.lower() in URL_ATTRIBUTES:
                is_data_image = tag.name == "img" and value.startswith("data:image/")
                assert not (ACTIVE_SCHEMES.match(value) and not is_data_image), (
                    f"active URL {value[:80]!r} in <{tag.name} {name}>"
                )
                if MARKER in value:
                    # Only an escaped http(s) or mailto address may carry the reader's text.
                    assert value.lower().startswith(("http://", "https://", "mailto:")), value[:80]
            elif MARKER in value and name.lower() not in ("value", "title", "alt", "aria-label"):
                raise AssertionError(f"reader input in attribute {name}= of <{tag.name}>")
        if tag.name in ACTIVE_ELEMENTS:
            assert MARKER not in tag.decode(), f"reader input inside <{tag.name}>"
        if tag.name == "script" and not tag.get("src"):
            assert tag.get("type") in ("application/json", "application/ld+json") or tag.get(
                "nonce"
            ), "an inline script without a nonce"
    return soup


def visible_text(soup: BeautifulSoup) -> str:
    return soup.get_text(" ")
