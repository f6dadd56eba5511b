"""The site's own settings: name, tagline, time zone and icon, edited by the owner in the admin.

Empty fields mean the environment's setting (SITE_NAME, TIME_ZONE), so a site that never
saves this page keeps what `.env` says. Pages read the row through `current()`: at most once
per request, and from the cache between requests: in a cache every process shares it is kept
until the next save; in a per-process cache (`make run`) for a second, so every process
follows a save within that second. Saving also tells every post that its page changed (as the
discussion settings do), so each page's ETag and Last-Modified move and no cache keeps the
old page.
"""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.db.models import F
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from solo.models import SingletonModel

from core.kept_rows import KeptRow

CACHE_KEY = "blog:site-settings"
ICON_FIELDS = ["icon_png", "favicon_ico", "touch_icon_png"]
TIME_ZONES = sorted(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in TIME_ZONES:
        raise ValidationError(
            _("%(value)s is not a time zone name, such as Europe/Paris."),
            code="unknown_time_zone",
            params={"value": value},
        )


class SiteSettings(SingletonModel):
    """What the site calls itself and how it shows dates: one row, edited by the owner."""

    name = models.CharField(
        _("Site name"), max_length=200, blank=True, help_text=_("Empty: SITE_NAME.")
    )
    tagline = models.CharField(
        _("Tagline"),
        max_length=200,
        blank=True,
        help_text=_("In a few words, what this site is about. Shown under the site name."),
    )
    time_zone = models.CharField(
        _("Time zone"),
        max_length=64,
        blank=True,
        # Checked, not listed as choices: the list is the machine's tz database.
        validators=[validate_time_zone],
        help_text=_("The zone every date on the site is shown in. Empty: TIME_ZONE."),
    )
    # The icon as uploaded (re-encoded, square) and what is made from it; small enough for
    # the database, so every process and every storage serves the same bytes.
    icon_png = models.BinaryField(_("site icon"), blank=True, default=b"", editable=False)
    favicon_ico = models.BinaryField(blank=True, default=b"", editable=False)
    touch_icon_png = models.BinaryField(blank=True, default=b"", editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self):
        return str(_("Site settings"))

    def save(self, *args, **kwargs):
        changed = not self._state.adding
        super().save(*args, **kwargs)
        forget()
        if changed:
            # Again once committed: a read meanwhile may have kept the old row.
            transaction.on_commit(_published, robust=True)

    @property
    def site_name(self) -> str:
        return self.name or settings.SITE_NAME

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone or settings.TIME_ZONE)

    @property
    def has_icon(self) -> bool:
        return bool(self.favicon_ico)

    @property
    def version(self) -> str:
        """Name this version of the settings: part of every validator of a page they shape."""
        return str(self.updated_at.timestamp()) if self.updated_at else "default"


def _published():
    forget()
    # Every page shows the name and its dates in the zone: each post's validators follow
    # the posts' comment change time (the count stays as it is).
    from .models import Post

    Post.objects.comments_changed(F("comment_count"))


def _load() -> SiteSettings | None:
    try:
        found = SiteSettings.get_solo()
    except DatabaseError:
        # The database is away: the environment's name and zone, kept nowhere, so the
        # "back in a moment" page and /healthz still answer.
        return None
    # PostgreSQL hands binary columns over as memoryviews, which cannot be cached.
    for field in ICON_FIELDS:
        setattr(found, field, bytes(getattr(found, field)))
    return found


kept = KeptRow(CACHE_KEY, _load, fallback=SiteSettings)


def current() -> SiteSettings:
    """Return the site settings, read at most once per request."""
    return kept.current()


def forget() -> None:
    """Drop the row kept in this request and in the cache: the next read gets the saved one."""
    kept.forget()


def _current_name() -> str:
    return current().site_name


# For places set once at start-up that must follow the settings (the admin's header).
site_name = lazy(_current_name, str)()
