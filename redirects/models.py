from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import validate_site_path


class OldLink(models.Model):
    """An address a post or page had before, sent on (301) to where it is now.

    Recorded by the WordPress import (the old site's addresses) and when a post's own
    address changes (`redirects.signals`); editors add their own in the admin.

    Looked up only on the way to a 404 (`redirects.middleware.OldAddressMiddleware`), so it
    costs nothing on pages that exist.
    """

    old_path = models.CharField(
        _("old address"),
        max_length=500,
        unique=True,
        help_text=_("Path and query only, such as /2012/01/03/slug/ or /?p=12."),
    )
    post = models.ForeignKey(
        "blog.Post",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="old_links",
        help_text=_("The post or page it now is; its address follows any later change."),
    )
    new_path = models.CharField(
        _("new address"),
        max_length=500,
        blank=True,
        validators=[validate_site_path],
        help_text=_("Used when no post is chosen: a path on this site, such as /about/."),
    )

    class Meta:
        ordering = ["old_path"]
        verbose_name = _("old link")
        verbose_name_plural = _("old links")

    def __str__(self):
        return f"{self.old_path} → {self.target()}"

    def clean(self):
        if not self.post_id and not self.new_path:
            raise ValidationError(
                {"new_path": _("Choose the post or page it now is, or give its new address.")}
            )

    def target(self) -> str:
        return self.post.get_absolute_url() if self.post_id else self.new_path
