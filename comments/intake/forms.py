"""The reader's comment form, and what other apps add to it (`extend_form`)."""

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator, URLValidator

CONSENT_FIELD = "wp-comment-cookies-consent"

# PostgreSQL text cannot hold NUL, and UTF-8 cannot hold lone surrogates.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_CONTROL = re.compile("[\x01-\x1f\x7f]")


def storable(value: str) -> None:
    if _UNSTORABLE.search(value):
        raise ValidationError(
            "This contains a character that cannot be saved (a NUL byte or a broken "
            "character). Please remove it and try again.",
            code="unstorable",
        )


def single_line(value: str) -> None:
    if _CONTROL.search(value):
        raise ValidationError(
            "Please use a single line without control characters.", code="control"
        )


_BAD_URL = "Please enter a website address that starts with http:// or https://."


def _too_long(what: str) -> str:
    return f"{what} is too long: at most %(limit_value)d characters, and it has %(show_value)d."


@dataclass(frozen=True)
class FormExtension:
    """What one app adds to the reader's comment form."""

    fields: dict[str, forms.Field]
    # Rendered inside the form, after the remember-me box, with the form as `form`.
    template: str
    # Of these ids (the reader's own comments), which wait on the reader doing something?
    # The thread shows them `reminder` (a template, with the comment as `c`) under those.
    awaiting_reader: Callable[[list[int]], set[int]] | None = None
    reminder: str = ""


_EXTENSIONS: dict[str, FormExtension] = {}


def extend_form(
    name: str,
    *,
    fields: dict[str, forms.Field],
    template: str,
    awaiting_reader=None,
    reminder: str = "",
) -> None:
    """Add fields and their markup to the comment form, from the app's AppConfig.ready()."""
    # The stored comment's receivers of `comment_submitted` find these fields in its `data`.
    _EXTENSIONS[name] = FormExtension(fields, template, awaiting_reader, reminder)


def form_extensions() -> list[FormExtension]:
    """Return what apps added to the comment form, in the order they registered."""
    return list(_EXTENSIONS.values())


class CommentForm(forms.Form):
    """The reader's comment form: the seed page's fields, checked on the server."""

    author = forms.CharField(
        max_length=245,
        validators=[storable, single_line],
        error_messages={
            "required": "Please enter your name.",
            "max_length": _too_long("Your name"),
        },
    )
    email = forms.EmailField(
        max_length=100,
        validators=[storable],
        error_messages={
            "required": "Please enter your email address.",
            "invalid": "Please enter a valid email address.",
            "max_length": _too_long("Your email address"),
        },
    )
    url = forms.URLField(
        required=False,
        max_length=200,
        assume_scheme="https",
        validators=[storable, single_line],
        error_messages={
            "invalid": _BAD_URL,
            "max_length": _too_long("Your website address"),
        },
    )
    comment = forms.CharField(
        max_length=65525,
        validators=[storable],
        error_messages={
            "required": "Please type your comment text.",
            "max_length": _too_long("Your comment"),
        },
    )
    comment_parent = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={"invalid": "The comment you are replying to is not valid."},
    )
    form_ts = forms.CharField(required=False, strip=False)
    ak_hp_textarea = forms.CharField(required=False, strip=False)

    # Labels for the error summary, in the order the fields appear.
    labels = {"author": "Name", "email": "Email", "url": "Website", "comment": "Comment"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for extension in _EXTENSIONS.values():
            for name, field in extension.fields.items():
                self.fields[name] = copy.deepcopy(field)

    @property
    def extension_templates(self) -> list[str]:
        """Return the markup other apps add to the form, in the order they registered."""
        return [extension.template for extension in _EXTENSIONS.values()]

    @property
    def consent_checked(self) -> bool:
        """Return whether the remember-me box shows ticked: as sent, or as remembered."""
        if self.is_bound:
            return bool(self.data.get(CONSENT_FIELD))
        return bool(self.initial.get(CONSENT_FIELD))

    @property
    def remember(self) -> bool:
        return bool(self.cleaned_data.get(CONSENT_FIELD))

    def error_summary(self) -> list[tuple[str, str, str]]:
        """Return (field id, label, message) for each error, in the form's order."""
        summary = []
        for name in ["author", "email", "url", "comment", "comment_parent"]:
            for message in self.errors.get(name, []):
                summary.append((name, self.labels.get(name, "Reply"), message))
        return summary


def _tighten(fields: dict) -> None:
    """Adjust Django's fields once, for every form: each form copies `base_fields`."""
    for field in fields.values():
        # `storable` says the same about NUL bytes as about other unsavable characters.
        field.validators = [
            v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
    # Django's own URL check also lets through ftp:// and friends; a website is http(s).
    url = fields["url"]
    url.validators = [v for v in url.validators if not isinstance(v, URLValidator)]
    url.validators.append(URLValidator(schemes=["http", "https"], message=_BAD_URL))
    # The WordPress field name is not a Python name.
    fields[CONSENT_FIELD] = forms.BooleanField(required=False)


_tighten(CommentForm.base_fields)
