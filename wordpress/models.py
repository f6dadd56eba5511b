from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedItem(models.Model):
    """An object that came from a WordPress export, by its WordPress id: imports run twice."""

    class Kind(models.TextChoices):
        AUTHOR = "author", _("Author")
        POST = "post", _("Post or page")
        COMMENT = "comment", _("Comment")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    wp_id = models.BigIntegerField(_("WordPress id"))
    object_id = models.BigIntegerField(_("our id"))
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("imported item")
        verbose_name_plural = _("imported items")
        constraints = [
            models.UniqueConstraint(fields=["kind", "wp_id"], name="imported_item_unique"),
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="imported_item_object_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.wp_id} → {self.object_id}"


class OldLink(models.Model):
    """An address the old site answered at, sent on (301) to where that content is now.

    Looked up only on the way to a 404 (`wordpress.middleware.OldLinkMiddleware`), so it
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
        help_text=_("Used when no post is chosen: a path on this site, such as /about/."),
    )

    class Meta:
        ordering = ["old_path"]
        verbose_name = _("old link")
        verbose_name_plural = _("old links")

    def __str__(self):
        return f"{self.old_path} → {self.target()}"

    def target(self) -> str:
        return self.post.get_absolute_url() if self.post_id else self.new_path
