"""A stand-in for an old site's wp-content/uploads: the export is real, the pictures are not.

Each attachment the export lists gets a picture drawn with Pillow at the size its file name
says (`image-alignment-580x300.jpg` is 580x300), or 640x480 when the name says none.
Files that are not pictures in the export (a `.mov`) get bytes that are not one either.
"""

import io
import re
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image, ImageDraw

THEME_UNIT_TEST = Path(__file__).parent / "corpus" / "theme-unit-test-data.xml"
# WordPress.com's addresses of the theme unit test: the blog, and its files host.
THEME_SITES = (
    "https://wpthemetestdata.wordpress.com",
    "https://wpthemetestdata.files.wordpress.com",
)
_SIZE = re.compile(r"-(\d+)x(\d+)\.\w+$")
_ATTACHMENT_URL = re.compile(r"<wp:attachment_url>\s*([^<\s]+)\s*</wp:attachment_url>")
_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".gif": "GIF"}


def size_of(name: str) -> tuple[int, int]:
    match = _SIZE.search(name)
    return (int(match[1]), int(match[2])) if match else (640, 480)


def picture(name: str) -> bytes:
    """Return a picture for a file name, at the size it says, in the type it says."""
    kind = _FORMATS.get(Path(name).suffix.lower())
    if kind is None:
        return b"not a picture: " + name.encode()
    width, height = size_of(name)
    image = Image.new("RGB", (width, height), (40, 90, 160))
    ImageDraw.Draw(image).rectangle([4, 4, width - 5, height - 5], outline=(250, 200, 0), width=3)
    out = io.BytesIO()
    image.save(out, format=kind)
    return out.getvalue()


def uploads_paths(export: Path = THEME_UNIT_TEST) -> list[str]:
    """Return the paths under wp-content/uploads of the export's attachments."""
    text = export.read_text(encoding="utf-8")
    return sorted({urlsplit(url).path.lstrip("/") for url in _ATTACHMENT_URL.findall(text)})


def write_folder(folder: Path, export: Path = THEME_UNIT_TEST) -> Path:
    """Write the stand-in uploads folder; return it."""
    for path in uploads_paths(export):
        file = folder / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(picture(path))
    return folder


def zipped(export: Path = THEME_UNIT_TEST, prefix: str = "uploads/") -> bytes:
    """Return the stand-in uploads folder as the zip an editor would make of it."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path in uploads_paths(export):
            archive.writestr(prefix + path, picture(path))
    return out.getvalue()


def export_served_from(base: str, export: Path = THEME_UNIT_TEST) -> bytes:
    """Return the export with the old site's addresses moved to `base` (a local server)."""
    data = export.read_bytes()
    for site in THEME_SITES:
        data = data.replace(site.encode(), base.encode())
    return data
