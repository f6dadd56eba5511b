"""What follows the picture in an image file, found by walking the format's own structure.

A polyglot is a file that is a valid image and also something else: a JPEG followed by a PHP
script or an HTML page, a GIF followed by a Java archive (a GIFAR). Pillow decodes the
picture and never reads past its end, so `trailer()` finds the end itself: PNG's IEND chunk,
JPEG's end-of-image marker after the last scan, GIF's trailer byte, WebP's RIFF length.
"""

from collections.abc import Callable

# Markers of something a browser, a server or a JVM would run: a trailer holding one of
# these makes the file a polyglot. Other bytes after the picture (a phone's motion-photo
# video) are harmless and are dropped when the image is saved anew.
ACTIVE_MARKERS = (b"<?php", b"<script", b"<html", b"<!doctype", b"<svg", b"<iframe", b"<body")
ARCHIVE_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"Rar!", b"7z\xbc\xaf")


def _png_end(data: bytes) -> int | None:
    pos = 8
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        pos += 12 + length
        if kind == b"IEND":
            return pos
    return None


def _jpeg_end(data: bytes) -> int | None:
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:
            return pos + 2
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            pos += 2
            continue
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
        if marker == 0xDA:
            pos = _after_scan(data, pos)
            if pos is None:
                return None
    return None


def _after_scan(data: bytes, pos: int) -> int | None:
    """Return where the entropy-coded data starting at `pos` ends (at the next marker)."""
    while True:
        found = data.find(b"\xff", pos)
        if found < 0 or found + 1 >= len(data):
            return None
        following = data[found + 1]
        # 0xFF 0x00 is a stuffed data byte; restart markers sit inside the scan.
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            pos = found + 1
            continue
        return found


def _gif_sub_blocks(data: bytes, pos: int) -> int:
    while True:
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos


def _gif_end(data: bytes) -> int | None:
    try:
        flags, pos = data[10], 13
        if flags & 0x80:
            pos += 3 * 2 ** ((flags & 7) + 1)
        while True:
            block = data[pos]
            if block == 0x3B:
                return pos + 1
            if block == 0x21:
                pos = _gif_sub_blocks(data, pos + 2)
            elif block == 0x2C:
                flags = data[pos + 9]
                pos += 10
                if flags & 0x80:
                    pos += 3 * 2 ** ((flags & 7) + 1)
                pos = _gif_sub_blocks(data, pos + 1)
            else:
                return None
    except IndexError:
        return None


def _webp_end(data: bytes) -> int | None:
    return 8 + int.from_bytes(data[4:8], "little") if len(data) >= 12 else None


ENDS: dict[str, Callable[[bytes], int | None]] = {
    "PNG": _png_end,
    "JPEG": _jpeg_end,
    "GIF": _gif_end,
    "WEBP": _webp_end,
}


def trailer(data: bytes, kind: str) -> bytes:
    """Return the bytes after the picture of `kind` (a Pillow format name) in `data`."""
    end = ENDS[kind](data)
    return data[end:] if end is not None else b""


def is_polyglot(data: bytes, kind: str) -> bool:
    """Say whether what follows the picture is a page, a script or an archive."""
    tail = trailer(data, kind)
    if not tail.strip(b"\x00\r\n\t "):
        return False
    lowered = tail.lower()
    # A ZIP (a JAR, a GIFAR) is read from its end: its end record is in its last 64 KiB.
    archive = tail.lstrip().startswith(ARCHIVE_SIGNATURES) or b"PK\x05\x06" in tail[-65_557:]
    return archive or any(marker in lowered for marker in ACTIVE_MARKERS)
