"""The old site's uploads folder as a zip an editor sends beside the export, read with bounds.

A zip says how many files it holds and how large each is once unpacked, and can lie about
neither past what zipfile checks: so `UploadsArchive` refuses, before reading anything,
one that holds more than WORDPRESS_UPLOADS_MAX_FILES files, more than four times
WORDPRESS_UPLOADS_MAX_BYTES unpacked (a zip bomb), or a name that climbs out of its folder
(`../`, an absolute path). Each file is then read only when an attachment asks for it,
and never more than IMAGE_MAX_BYTES of it.

An attachment's path (`2013/03/photo.jpg`) is found whatever folders the zip wraps it in:
`uploads/…`, `wp-content/uploads/…`, or none.
"""

import io
import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


class BadArchive(ValueError):
    """A zip refused whole; the message says why, for the editor."""


def unpacked_limit() -> int:
    return 4 * settings.WORDPRESS_UPLOADS_MAX_BYTES


class UploadsArchive:
    """Read an uploads zip's files by their path under wp-content/uploads."""

    def __init__(self, data: bytes):
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            entries = [entry for entry in self.zip.infolist() if not entry.is_dir()]
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
            raise BadArchive(_("This file is not a zip archive.")) from None
        if len(entries) > settings.WORDPRESS_UPLOADS_MAX_FILES:
            raise BadArchive(
                _("The zip holds more than %(count)s files (WORDPRESS_UPLOADS_MAX_FILES).")
                % {"count": f"{settings.WORDPRESS_UPLOADS_MAX_FILES:,}"}
            )
        if sum(entry.file_size for entry in entries) > unpacked_limit():
            raise BadArchive(
                _("Unpacked, the zip would be larger than %(limit)s.")
                % {"limit": filesizeformat(unpacked_limit())}
            )
        self.entries: dict[str, zipfile.ZipInfo] = {}
        for entry in entries:
            name = entry.filename.replace("\\", "/")
            parts = PurePosixPath(name).parts
            if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
                raise BadArchive(
                    _("The zip names a file outside its folder: %(name)s") % {"name": name[:200]}
                )
            # Every tail of the name, so that any wrapping folders are skipped; the one with
            # the fewest folders stripped wins.
            for start in range(len(parts)):
                self.entries.setdefault("/".join(parts[start:]), entry)

    def read(self, path: str) -> bytes | None:
        """Return the file at `path` under the uploads folder, or None if the zip lacks it."""
        entry = self.entries.get(str(PurePosixPath(path.lstrip("/"))))
        if entry is None:
            return None
        limit = settings.IMAGE_MAX_BYTES
        if entry.file_size > limit:
            raise OSError(f"larger than {limit:,} bytes")
        try:
            with self.zip.open(entry) as file:
                return file.read(limit + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError) as error:
            raise OSError(f"damaged in the zip ({type(error).__name__})") from None


def check(upload) -> None:
    """Raise BadArchive unless an uploaded file is an uploads zip within the bounds."""
    upload.seek(0)
    UploadsArchive(upload.read())
    upload.seek(0)
