"""The admin's "Import from WordPress" upload form, and the limit on what it reads."""

import re

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from . import uploads


class SizeLimit(FileUploadHandler):
    """Drop an uploaded file as soon as it passes the limit, before it reaches disk whole.

    Django's own limits do not cover files: DATA_UPLOAD_MAX_MEMORY_SIZE leaves file parts
    out, and FILE_UPLOAD_MAX_MEMORY_SIZE only decides between memory and a temporary file.
    The rest of the request is read and thrown away; the form then says why.
    """

    def __init__(self, request, limit: int, field_limits: dict[str, int] | None = None):
        super().__init__(request)
        self.limit = limit
        # Fields with a limit of their own (the uploads zip); the others have `limit`.
        self.field_limits = field_limits or {}
        self.too_large = False
        self.too_large_fields: set[str] = set()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.field_limits.get(self.field_name, self.limit):
            if self.field_name in self.field_limits:
                self.too_large_fields.add(self.field_name)
            else:
                self.too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def too_large_message(limit: int) -> str:
    return _(
        "This file is larger than %(limit)s, the largest export this site imports from the "
        "admin (WORDPRESS_IMPORT_MAX_BYTES). Import it with manage.py import_wordpress."
    ) % {"limit": filesizeformat(limit)}


def uploads_too_large_message() -> str:
    return _(
        "This zip is larger than %(limit)s (WORDPRESS_UPLOADS_MAX_BYTES): leave it out and "
        "fetch the images from the old site, or import with manage.py import_wordpress "
        "--uploads DIR."
    ) % {"limit": filesizeformat(settings.WORDPRESS_UPLOADS_MAX_BYTES)}


class ImportForm(forms.Form):
    # An empty file is the importer's to refuse, with the same line the command prints.
    file = forms.FileField(
        label=_("WordPress export (.xml)"),
        allow_empty_file=True,
        help_text=_("The file WordPress writes in Tools → Export → All content."),
    )

    # As WordPress's importer asks: whose byline each of the file's authors gets here.
    authors = forms.CharField(
        label=_("Credit authors to accounts here"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 40}),
        help_text=_(
            "One per line: an author's WordPress login = a username here, such as "
            "“jbj = eddie”. Every other author of the file gets a new account of their own, "
            "which cannot sign in."
        ),
    )
    uploads = forms.FileField(
        label=_("Uploads folder, zipped (optional)"),
        required=False,
        help_text=_(
            "A zip of the old site's wp-content/uploads folder (or of the folders in it): "
            "the posts' images are taken from it."
        ),
    )
    fetch_images = forms.BooleanField(
        label=_("Fetch the images from the old site"),
        required=False,
        help_text=_(
            "Those the zip does not hold are fetched, after the import, from the addresses "
            "the export names as the old site's own (and WordPress.com's files host), only "
            "at public addresses."
        ),
    )
    fetch_hosts = forms.CharField(
        label=_("Also fetch from these hosts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
        help_text=_(
            "One host a line, such as i0.wp.com: the old site's CDN, if its images are kept "
            "there. An import's summary names the hosts its images were left on."
        ),
    )

    def __init__(self, *args, size_limit: SizeLimit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.size_limit = size_limit
        self.limit = settings.WORDPRESS_IMPORT_MAX_BYTES
        self.fields["file"].help_text += " " + str(
            _("Up to %(limit)s.") % {"limit": filesizeformat(self.limit)}
        )

    def clean_authors(self) -> dict[str, str]:
        """Return the author map the field names: {WordPress login: username here}."""
        mapped, errors = {}, []
        for line in self.cleaned_data["authors"].splitlines():
            if not line.strip():
                continue
            login, sep, username = (part.strip() for part in line.partition("="))
            if not sep or not login or not username:
                errors.append(_("“%(line)s” is not “login = username”.") % {"line": line})
            elif not get_user_model().objects.filter(username=username).exists():
                errors.append(_("There is no account “%(name)s” here.") % {"name": username})
            else:
                mapped[login] = username
        if errors:
            raise forms.ValidationError(errors)
        return mapped

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        skipped = self.size_limit is not None and self.size_limit.too_large
        if skipped or (upload is not None and upload.size > self.limit):
            self.errors.pop("file", None)
            self.add_error("file", too_large_message(self.limit))
        if self.size_limit is not None and "uploads" in self.size_limit.too_large_fields:
            self.errors.pop("uploads", None)
            self.add_error("uploads", uploads_too_large_message())
        return cleaned

    def clean_uploads(self):
        archive = self.cleaned_data.get("uploads")
        if archive:
            try:
                uploads.check(archive)
            except uploads.BadArchive as error:
                raise forms.ValidationError(str(error)) from None
        return archive

    def clean_fetch_hosts(self):
        hosts = []
        for line in self.cleaned_data["fetch_hosts"].split():
            host = line.strip().lower().removeprefix("https://").removeprefix("http://")
            host = host.split("/")[0]
            if not re.fullmatch(r"[a-z0-9.-]+(:\d{1,5})?", host):
                raise forms.ValidationError(_("“%(host)s” is not a host name.") % {"host": line})
            hosts.append(host)
        return "\n".join(hosts)
