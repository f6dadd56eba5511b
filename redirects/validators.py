"""What an old link may send a reader on to: a path on this site, never another site."""

from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _


def is_site_path(value: str) -> bool:
    """Tell whether `value` is a path on this site: `/about/`, not `//evil.example/`."""
    # With no allowed host, only a relative address passes; the check also knows the
    # browser tricks (`/\evil.example`, `https:evil.example`, control characters).
    return value.startswith("/") and url_has_allowed_host_and_scheme(value, allowed_hosts=set())


def validate_site_path(value: str) -> None:
    if not is_site_path(value):
        raise ValidationError(
            _("Enter a path on this site that starts with one slash, such as /about/."),
            code="off_site",
        )
