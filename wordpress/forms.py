"""The admin's "Import from WordPress" upload form, and the limit on what it reads."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


class SizeLimit(FileUploadHandler):
    """Drop an uploaded file as soon as it passes the limit, before it reaches disk whole.

    Django's own limits do not cover files: DATA_UPLOAD_MAX_MEMORY_SIZE leaves file parts
    out, and FILE_UPLOAD_MAX_MEMORY_SIZE only decides between memory and a temporary file.
    The rest of the request is read and thrown away; the form then says why.
    """

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
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
        return cleaned
