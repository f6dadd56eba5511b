"""Images for the tests: one real photograph (SOURCES.md) and hostile files made from it."""

import io
import struct
import zipfile
import zlib
from pathlib import Path

from PIL import Image

PHOTO_PATH = Path(__file__).with_name("grace_hopper.jpg")
PHOTO_SIZE = (512, 600)
PHP_PAYLOAD = b"<?php system($_GET['cmd']); ?>"
HTML_PAYLOAD = b"<html><body><script>alert(document.cookie)</script></body></html>"


def photo() -> bytes:
    return PHOTO_PATH.read_bytes()


def made(kind: str = "PNG", size=(64, 48), colour=(200, 30, 30), **options) -> bytes:
    """Return a small picture Pillow draws, saved as `kind`."""
    mode = "P" if kind == "GIF" else "RGB"
    picture = Image.new("RGB", size, colour).convert(mode)
    out = io.BytesIO()
    picture.save(out, format=kind, **options)
    return out.getvalue()


def with_php_tail() -> bytes:
    """A real JPEG followed by a PHP script: what a server that runs *.jpg as PHP would run."""
    return photo() + b"\n" + PHP_PAYLOAD + b"\n"


def with_html_tail() -> bytes:
    return photo() + HTML_PAYLOAD


def gifar() -> bytes:
    """A GIF followed by a Java archive: a browser shows the GIF, a JVM loads the JAR."""
    jar = io.BytesIO()
    with zipfile.ZipFile(jar, "w") as archive:
        archive.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nMain-Class: Evil\n")
        archive.writestr("Evil.class", b"\xca\xfe\xba\xbe" + b"\x00" * 64)
    return made("GIF") + jar.getvalue()


def with_script_in_comment() -> bytes:
    """A valid JPEG whose comment segment holds a script: an image, not a polyglot by tail."""
    out = io.BytesIO()
    Image.open(PHOTO_PATH).save(out, format="JPEG", comment=HTML_PAYLOAD)
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels (a decompression bomb)."""
    data = bytearray(made("PNG", size=(1, 1)))
    # IHDR is the first chunk: length (4), type (4), width (4), height (4), ...
    data[16:24] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF
    data[29:33] = struct.pack(">I", crc)
    return bytes(data)


def real_png_bomb(side: int = 6000) -> bytes:
    """A real, complete PNG of `side` x `side` black pixels: a few KB that decode to MBs."""
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, format="PNG", optimize=True)
    return out.getvalue()


def gif_of_tiny_frames(frames: int = 300_000) -> bytes:
    """An animated GIF of `frames` frames of 1 x 1 (issue 29: 300,000 of them, 6.9 MB).

    Written byte by byte, as such a file is made: a header with a two-colour table, then per
    frame a Graphic Control Extension and the smallest image there is (one pixel, LZW-coded),
    black and white in turn, so that no two frames in a row are alike.
    """
    header = b"GIF89a" + struct.pack("<HHBBB", 1, 1, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    loop = b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
    black, white = (
        b"!\xf9\x04\x00\x01\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02"
        + pixel
        + b"\x01\x00"
        for pixel in (b"\x44", b"\x4c")
    )
    return header + loop + (black + white) * (frames // 2) + black * (frames % 2) + b";"


def svg_with_script() -> bytes:
    return (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
        b'height="10"><script>alert(document.domain)</script><rect width="10" height="10"/>'
        b"</svg>"
    )


def truncated_photo() -> bytes:
    data = photo()
    return data[: len(data) // 2]


def text_file() -> bytes:
    return b"Dear editor,\nthis is not a picture.\n"


def bmp() -> bytes:
    return made("BMP")
