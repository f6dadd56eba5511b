"""Slugs in any script, valid for the URL patterns wherever they were written.

WordPress keeps non-Latin slugs percent-encoded (`caf%c3%a9`); readers see them decoded in
the address bar (`/2012/01/café/`). A slug here is what `django.utils.text.slugify` with
Unicode allowed returns: letters and digits of any script, `-` and `_`. The URL converters
match exactly that, and `validate_slug` refuses anything else on the way in, so `reverse()`
can never fail on a stored slug.
"""

import hashlib
from urllib.parse import unquote

from django.core.exceptions import ValidationError
from django.core.validators import validate_unicode_slug
from django.utils.encoding import uri_to_iri
from django.utils.text import slugify

SLUG = r"[-\w]+"


class SlugConverter:
    """A slug in any script: `café`, `привет`, `hello-world`."""

    regex = SLUG

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class SlugPathConverter(SlugConverter):
    """One or more slugs separated by slashes: `about`, `about/team`."""

    regex = rf"{SLUG}(?:/{SLUG})*"


def slug_from(text: str, *, max_length: int = 200, fallback: str = "") -> str:
    """Return a valid slug for `text` (percent-encoded or not), else `fallback`."""
    slug = slugify(unquote(text or ""), allow_unicode=True)[:max_length].strip("-_")
    return slug or fallback


def stand_in(kind: str, text: str) -> str:
    """Return a slug for something whose text gives none (`!!!`): the kind and a digest."""
    return f"{kind}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def validate_slug(value: str) -> None:
    """Refuse a slug the URL patterns could not carry (empty, spaces, `/`, `%`, controls)."""
    try:
        validate_unicode_slug(value)
    except ValidationError as error:
        raise ValidationError(
            f"The slug {value!r} cannot be part of an address: use letters, numbers, "
            "hyphens or underscores.",
            code="invalid_slug",
        ) from error


def same_path(request_path: str, url: str) -> bool:
    """Whether a request's (decoded) path is the (percent-encoded) address `url`."""
    # A request's path is decoded whole (`hugo%20dworak` is `hugo dworak`); uri_to_iri
    # leaves spaces and reserved characters encoded, so it alone never matches them.
    return request_path == unquote(uri_to_iri(url))
